using PayGateway.Api.Contracts;
using PayGateway.Api.Orders;

namespace PayGateway.Api.Refunds;

/// <summary>Checks a refund request's shape. Whether the amount fits the order is the order grain's decision.</summary>
public static class CreateRefundValidation
{
    public const int MaxReasonLength = 256;

    public static (CreateRefundCommand? Command, Dictionary<string, string[]> Errors) Validate(string appId, string orderId, CreateRefundRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        if (r.OutRefundNo is null || !CreateOrderValidation.MerchantNumber().IsMatch(r.OutRefundNo))
        {
            errors["out_refund_no"] = ["Required: 1-64 characters of [A-Za-z0-9_-]."];
        }
        if (r.Amount is not (>= CreateOrderValidation.MinAmount and <= CreateOrderValidation.MaxAmount))
        {
            errors["amount"] = [$"Required: an integer number of minor units from {CreateOrderValidation.MinAmount} to {CreateOrderValidation.MaxAmount:N0}."];
        }
        if (r.Reason is { } reason && (reason.Length is 0 or > MaxReasonLength || CreateOrderValidation.HasControlCharacters(reason)))
        {
            errors["reason"] = [$"1-{MaxReasonLength} characters, no control characters."];
        }
        return errors.Count > 0
            ? (null, errors)
            : (new CreateRefundCommand(appId, orderId, r.OutRefundNo!, r.Amount!.Value, r.Reason), errors);
    }
}
