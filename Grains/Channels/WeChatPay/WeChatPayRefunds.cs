using System.Text;
using System.Text.Json.Nodes;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Refunds through API v3 (<c>/v3/refund/domestic/refunds</c>): request and query by out_refund_no (our refund id),
/// and the reading of <c>REFUND.*</c> notifications.
/// </summary>
internal sealed class WeChatPayRefunds(WeChatPayApiClient api)
{
    public const string Path = "/v3/refund/domestic/refunds";

    /// <summary>WeChat's limit for <c>reason</c>, in bytes.</summary>
    private const int MaxReasonBytes = 80;

    // Codes after which WeChat has certainly not taken the refund (not enough balance, no refund permission, the
    // trade does not exist or is unpaid, malformed or unauthenticated request, payer account closed). Rate limits,
    // SYSTEM_ERROR and unfamiliar codes stay Unknown. The list follows WeChat's refund error documentation.
    private static readonly HashSet<string> DefinitiveRefusals = new(StringComparer.Ordinal)
    {
        "PARAM_ERROR", "INVALID_REQUEST", "NOT_ENOUGH", "NO_AUTH", "USER_ACCOUNT_ABNORMAL", "RESOURCE_NOT_EXISTS",
        "MCH_NOT_EXISTS", "APPID_MCHID_NOT_MATCH", "SIGN_ERROR",
    };

    // INVALID_REQUEST also answers a repeat of an out_refund_no WeChat already holds with other content (a refund
    // that may have moved money), so after it the refund is looked up before anything is called failed.
    private const string AmbiguousRefusal = "INVALID_REQUEST";

    public async Task<ChannelRefundResult> RefundAsync(WeChatPayMerchant merchant, ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Reject(request) is { } refusal)
        {
            return refusal;
        }

        var body = new JsonObject
        {
            ["out_trade_no"] = request.OrderId,
            ["out_refund_no"] = request.RefundId,
        };
        if (!string.IsNullOrWhiteSpace(request.Reason))
        {
            body["reason"] = WeChatPayText.TruncateUtf8(request.Reason, MaxReasonBytes);
        }

        // The payments' callback URL: refund notifications arrive there too and are told apart by event_type.
        body["notify_url"] = merchant.Account.NotifyUrl.AbsoluteUri;
        body["amount"] = new JsonObject { ["refund"] = request.RefundAmount, ["total"] = request.OrderAmount, ["currency"] = "CNY" };

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(WeChatPayJson.RequestBody));
        var response = await api.SendAsync(merchant, HttpMethod.Post, Path, bytes, cancellationToken).ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return ChannelRefundResult.Unknown(response.Describe());
        }

        if (response.StatusCode == 200)
        {
            return FromAnswer(response, request.RefundId, request.OrderId, request.RefundAmount);
        }

        var (code, message) = response.Error();
        if (response.StatusCode is >= 400 and < 500 && code is not null && DefinitiveRefusals.Contains(code))
        {
            if (code == AmbiguousRefusal)
            {
                var query = await QueryRefundAsync(merchant, new ChannelRefundQuery(request.RefundId, request.OrderId, request.ChannelTradeNo, request.RefundAmount, request.Currency, request.RequestedAt), cancellationToken)
                    .ConfigureAwait(false);
                if (query.State != ChannelFundsState.NotFound)
                {
                    return query.State == ChannelFundsState.Unknown ? query with { ErrorCode = code, ErrorMessage = message } : query;
                }
            }

            return new ChannelRefundResult(ChannelFundsState.Failed, ErrorCode: code, ErrorMessage: message);
        }

        return new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: code ?? "CHANNEL_UNKNOWN", ErrorMessage: message ?? response.Describe());
    }

    public async Task<ChannelRefundResult> QueryRefundAsync(WeChatPayMerchant merchant, ChannelRefundQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrEmpty(query.RefundId);
        var response = await api.SendAsync(merchant, HttpMethod.Get, $"{Path}/{Uri.EscapeDataString(query.RefundId)}", null, cancellationToken).ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return ChannelRefundResult.Unknown(response.Describe());
        }

        if (response.StatusCode == 200)
        {
            return FromAnswer(response, query.RefundId, query.OrderId, query.RefundAmount);
        }

        var (code, message) = response.Error();
        if (response.StatusCode == 404 && code == "RESOURCE_NOT_EXISTS")
        {
            return new ChannelRefundResult(ChannelFundsState.NotFound, ErrorCode: code, ErrorMessage: message);
        }

        return new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: code ?? "CHANNEL_UNKNOWN", ErrorMessage: message ?? response.Describe());
    }

    /// <summary>
    /// Reads a verified <c>REFUND.*</c> notification. The caller checks order, amount and currency against the stored
    /// refund; this only makes sure the message is complete, consistent and for this merchant.
    /// </summary>
    public static ChannelCallbackParseResult FromNotification(WeChatPayMerchant merchant, WeChatPayNotificationResult notification)
    {
        var eventType = notification.Envelope!.EventType;
        if (!WeChatPayRefund.TryParse(notification.Plaintext!, out var refund))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", "The decrypted resource is not a refund.");
        }

        // The event names the outcome twice (event_type outside, refund_status inside the sealed resource); a
        // message whose two halves disagree is not one to act on.
        if (eventType != "REFUND." + refund.Status)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", $"Event '{eventType}' does not match refund_status '{refund.Status}'.");
        }

        if (refund.MchId != merchant.MchId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The notification is for another merchant id.");
        }

        if (refund.Amount is not { } amount)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", "The notification carries no amount.");
        }

        var (state, errorCode) = WeChatPayRefundStates.ToFundsState(refund.Status);
        return ChannelCallbackParseResult.AcceptedRefund(new ChannelRefundCallback(
            refund.OutRefundNo,
            refund.OutTradeNo,
            state,
            refund.RefundId,
            amount.Refund,
            amount.Currency,
            merchant.MchId,
            state == ChannelFundsState.Succeeded ? refund.SuccessTime : null,
            notification.Envelope.Id,
            errorCode));
    }

    private static ChannelRefundResult FromAnswer(WeChatPayApiResponse response, string refundId, string orderId, long refundAmount)
    {
        // A verified answer about another refund, order or amount is not an answer to our question.
        if (!WeChatPayRefund.TryParse(Encoding.UTF8.GetString(response.Body), out var refund)
            || refund.OutRefundNo != refundId || refund.OutTradeNo != orderId
            || refund.Amount is not { } amount || amount.Refund != refundAmount || amount.Currency != "CNY")
        {
            return ChannelRefundResult.Unknown("WeChat Pay answered with a different or unreadable refund.");
        }

        var (state, errorCode) = WeChatPayRefundStates.ToFundsState(refund.Status);
        return new ChannelRefundResult(
            state,
            refund.RefundId,
            amount.Refund,
            amount.Currency,
            state == ChannelFundsState.Succeeded ? refund.SuccessTime : null,
            errorCode,
            errorCode is null ? null : $"WeChat Pay refund status {refund.Status}.");
    }

    private static ChannelRefundResult? Reject(ChannelRefundRequest request)
    {
        // Checked before anything is sent, so "Failed" is certain: nothing exists at WeChat.
        string? problem = request switch
        {
            { RefundAmount: <= 0 } => "The refund amount must be positive.",
            _ when request.RefundAmount > request.OrderAmount => "The refund amount exceeds the order amount.",
            _ when !string.Equals(request.Currency, "CNY", StringComparison.OrdinalIgnoreCase) => "WeChat Pay (domestic) only refunds CNY.",
            _ => null,
        };
        return problem is null ? null : new ChannelRefundResult(ChannelFundsState.Failed, ErrorCode: "INVALID_REQUEST", ErrorMessage: problem);
    }
}
