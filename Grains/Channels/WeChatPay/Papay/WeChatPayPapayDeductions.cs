using System.Globalization;

namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// Charges under a signed papay contract: <c>POST /pay/pappayapply</c> (trade_type PAP; SUCCESS only means WeChat
/// accepted the request, the result follows by notify or query) and <c>POST /pay/paporderquery</c>.
/// </summary>
internal sealed class WeChatPayPapayDeductions(WeChatPayV2Client client)
{
    public const string ApplyPath = "/pay/pappayapply";
    public const string QueryPath = "/pay/paporderquery";

    /// <summary>
    /// <c>spbill_create_ip</c> when the deduction names no payer IP: a deduction is server-initiated, and WeChat
    /// documents the merchant server's IP as acceptable there; the gateway does not know its own public IP, so the
    /// loopback address stands in (docs/channels/wechatpay.md lists this as unconfirmed).
    /// </summary>
    public const string DefaultClientIp = "127.0.0.1";

    /// <summary>WeChat's limit for <c>body</c> (128 characters).</summary>
    private const int MaxBodyLength = 128;

    // Answers after which WeChat has certainly not taken and will not take money for this request. From WeChat's v2
    // papay error documentation, not a vector. Codes such as ORDERPAID, OUT_TRADE_NO_USED or SYSTEMERROR stay
    // Unknown: a repeated request may get them after the first one went through.
    private static readonly HashSet<string> DefinitiveRefusals = new(StringComparer.Ordinal)
    {
        "CONTRACT_NOT_EXIST", "CONTRACTERROR", "RULELIMIT", "PARAM_ERROR", "LACK_PARAMS", "SIGNERROR", "NOAUTH",
        "APPID_MCHID_NOT_MATCH", "MCHID_NOT_EXIST", "APPID_NOT_EXIST", "ORDERCLOSED", "USER_ACCOUNT_ABNORMAL",
    };

    public async Task<ChannelPaymentResult> DeductAsync(WeChatPayPapayMerchant merchant, ChannelDeductionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Reject(request) is { } problem)
        {
            return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "INVALID_REQUEST", ErrorMessage: problem);
        }

        List<KeyValuePair<string, string?>> fields =
        [
            new("appid", merchant.AppId),
            new("mch_id", merchant.MchId),
            new("nonce_str", WeChatPayAuthorization.NewNonce()),
            new(WeChatPayV2Signer.SignTypeField, WeChatPayV2Signer.HmacSha256),
            new("body", WeChatPayText.Truncate(request.Subject, MaxBodyLength)),
            new("out_trade_no", request.OrderId),
            new("total_fee", request.Amount.ToString(CultureInfo.InvariantCulture)),
            new("fee_type", "CNY"),
            new("spbill_create_ip", string.IsNullOrEmpty(request.UserIp) ? DefaultClientIp : request.UserIp),
            new("notify_url", merchant.Account.NotifyUrl.AbsoluteUri),
            new("trade_type", "PAP"),
            new("contract_id", request.ChannelContractNo),
        ];
        var answer = await client.PostAsync(merchant, ApplyPath, WeChatPayPapaySigning.Signed(merchant, fields, WeChatPayV2Signer.HmacSha256), WeChatPayV2Signer.HmacSha256, cancellationToken).ConfigureAwait(false);
        if (!answer.IsVerified)
        {
            return ChannelPaymentResult.Unknown(answer.Failure!);
        }

        if (answer.Get("mch_id") is { } mchId && mchId != merchant.MchId)
        {
            return ChannelPaymentResult.Unknown("WeChat Pay answered for another merchant id.");
        }

        if (answer.IsSuccess)
        {
            return new ChannelPaymentResult(ChannelOutcome.Accepted);
        }

        return answer.ErrorCode is { } code && DefinitiveRefusals.Contains(code)
            ? new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: code, ErrorMessage: answer.ErrorMessage)
            : new ChannelPaymentResult(ChannelOutcome.Unknown, ErrorCode: answer.ErrorCode ?? "CHANNEL_UNKNOWN", ErrorMessage: answer.ErrorMessage);
    }

    public async Task<ChannelQueryResult> QueryAsync(WeChatPayPapayMerchant merchant, ChannelDeductionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<KeyValuePair<string, string?>> fields =
        [
            new("appid", merchant.AppId),
            new("mch_id", merchant.MchId),
            new("out_trade_no", request.OrderId),
            new("nonce_str", WeChatPayAuthorization.NewNonce()),
            new(WeChatPayV2Signer.SignTypeField, WeChatPayV2Signer.HmacSha256),
        ];
        var answer = await client.PostAsync(merchant, QueryPath, WeChatPayPapaySigning.Signed(merchant, fields, WeChatPayV2Signer.HmacSha256), WeChatPayV2Signer.HmacSha256, cancellationToken).ConfigureAwait(false);
        if (!answer.IsVerified)
        {
            return ChannelQueryResult.Unknown(answer.Failure!);
        }

        if (!answer.IsSuccess)
        {
            return answer.ErrorCode == "ORDERNOTEXIST"
                ? new ChannelQueryResult(ChannelTradeState.NotFound, ErrorCode: answer.ErrorCode, ErrorMessage: answer.ErrorMessage)
                : new ChannelQueryResult(ChannelTradeState.Unknown, ErrorCode: answer.ErrorCode ?? "CHANNEL_UNKNOWN", ErrorMessage: answer.ErrorMessage);
        }

        if (answer.Get("out_trade_no") != request.OrderId || answer.Get("mch_id") != merchant.MchId)
        {
            return ChannelQueryResult.Unknown("WeChat Pay answered the query with a different or unreadable order.");
        }

        var tradeState = answer.Get("trade_state");
        var state = ToChannelState(tradeState);
        if (state == ChannelTradeState.Succeeded && !TryAmount(answer.Get("total_fee"), out _))
        {
            return ChannelQueryResult.Unknown("WeChat Pay reported a deduction without a readable total_fee.");
        }

        var explain = state is ChannelTradeState.Failed or ChannelTradeState.Unknown;
        return new ChannelQueryResult(
            state,
            answer.Get("transaction_id"),
            TryAmount(answer.Get("total_fee"), out var amount) ? amount : null,
            answer.Get("fee_type") ?? "CNY",
            state == ChannelTradeState.Succeeded ? WeChatPayV2Time.ParseCompact(answer.Get("time_end")) : null,
            ErrorCode: explain ? tradeState ?? answer.ErrorCode : null,
            ErrorMessage: explain ? answer.Get("trade_state_desc") ?? answer.ErrorMessage : null);
    }

    /// <summary>
    /// PAP <c>trade_state</c>: SUCCESS (and REFUND, paid first) succeeded; ACCEPT (being charged), USERPAYING and
    /// NOTPAY (not charged yet) pending; PAY_FAIL failed; CLOSED closed.
    /// </summary>
    public static ChannelTradeState ToChannelState(string? tradeState) => tradeState switch
    {
        "SUCCESS" or "REFUND" => ChannelTradeState.Succeeded,
        "ACCEPT" or "USERPAYING" or "NOTPAY" => ChannelTradeState.Pending,
        "PAY_FAIL" or "PAYERROR" => ChannelTradeState.Failed,
        "CLOSED" or "REVOKED" => ChannelTradeState.Closed,
        _ => ChannelTradeState.Unknown,
    };

    public static bool TryAmount(string? text, out long amount) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out amount) && amount > 0;

    private static string? Reject(ChannelDeductionRequest request) => request switch
    {
        // Checked before anything is sent, so "Failed" is certain: nothing exists at WeChat.
        { Amount: <= 0 } => "Amount must be positive.",
        _ when !string.Equals(request.Currency, "CNY", StringComparison.OrdinalIgnoreCase) => "WeChat Pay papay only takes CNY.",
        { ChannelContractNo: null or "" } => "A deduction needs the contract's contract_id.",
        _ => null,
    };
}
