using System.Text.RegularExpressions;
using PayGateway.Api.Contracts;
using PayGateway.Api.Orders;

namespace PayGateway.Api.Transfers;

/// <summary>Checks a transfer request's shape. Whether the channel can pay that payee is the app's routing decision.</summary>
public static partial class CreateTransferValidation
{
    // \z, not $ (which also matches before a final "\n"): see CreateOrderValidation.
    [GeneratedRegex(@"^[a-z0-9_]{1,32}\z")]
    private static partial Regex Token();

    public static (CreateTransferCommand? Command, Dictionary<string, string[]> Errors) Validate(string appId, CreateTransferRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        if (r.OutTransferNo is null || !CreateOrderValidation.MerchantNumber().IsMatch(r.OutTransferNo))
        {
            errors["out_transfer_no"] = ["Required: 1-64 characters of [A-Za-z0-9_-]."];
        }
        if (r.Channel is null || !Token().IsMatch(r.Channel))
        {
            errors["channel"] = ["Required: 1-32 characters of [a-z0-9_]."];
        }
        if (r.Payee?.Type is not { } type || !Token().IsMatch(type))
        {
            errors["payee.type"] = ["Required: the payee account type, e.g. alipay_logon_id, alipay_user_id, wechat_openid."];
        }
        if (r.Payee?.Account is not { Length: >= 1 and <= 128 } account || CreateOrderValidation.HasControlCharacters(account) || account.Trim() != account)
        {
            errors["payee.account"] = ["Required: 1-128 characters, no control characters or surrounding spaces."];
        }
        if (r.Payee?.Name is { } name && (name.Length is 0 or > 64 || CreateOrderValidation.HasControlCharacters(name)))
        {
            errors["payee.name"] = ["1-64 characters, no control characters."];
        }
        else if (r.Payee is { Type: PayeeTypes.AlipayLogonId, Name: null })
        {
            // Refused here rather than by the channel, so the request does not use its out_transfer_no up.
            errors["payee.name"] = ["Required for an alipay_logon_id payee: Alipay checks it against the account holder's name."];
        }
        if (r.Amount is not (>= CreateOrderValidation.MinAmount and <= CreateOrderValidation.MaxAmount))
        {
            errors["amount"] = [$"Required: an integer number of minor units from {CreateOrderValidation.MinAmount} to {CreateOrderValidation.MaxAmount:N0}."];
        }
        if (!Currencies.IsKnown(r.Currency))
        {
            errors["currency"] = ["Required: an ISO 4217 currency code in upper case, e.g. CNY."];
        }
        if (r.Remark is { } remark && (remark.Length is 0 or > 128 || CreateOrderValidation.HasControlCharacters(remark)))
        {
            errors["remark"] = ["1-128 characters, no control characters."];
        }
        if (!CreateOrderValidation.IsHttpUrl(r.NotifyUrl))
        {
            errors["notify_url"] = ["Required: an absolute http(s) URL of at most 512 characters."];
        }
        return errors.Count > 0
            ? (null, errors)
            : (new CreateTransferCommand(appId, r.OutTransferNo!, r.Channel!, r.Payee!.Type!, r.Payee.Account!, r.Payee.Name, r.Amount!.Value, r.Currency!, r.Remark, r.NotifyUrl!), errors);
    }
}
