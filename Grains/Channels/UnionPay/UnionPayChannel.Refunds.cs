namespace PayGateway.Channels.UnionPay;

/// <summary>
/// Refunds: backTransReq.do refund (txnType 04 / 00, bizType 000201) and queryTrans about the refund. UnionPay names a
/// refund, like any transaction, by its own <c>orderId</c> + <c>txnTime</c>: the orderId is the gateway refund id and
/// the txnTime is the refund's stored <see cref="ChannelRefundRequest.RequestedAt"/>, so a retry repeats the same
/// transaction (UnionPay answers 12, duplicate, rather than refunding twice) and a query finds it.
/// </summary>
/// <remarks>
/// An accepted refund (respCode 00) is only accepted: its result comes with the refund's backUrl notification or a
/// query (origRespCode). The original consume is named by <c>origQryId</c>, its queryId (the order's channel trade
/// number); a refund without one is refused before anything is sent.
/// </remarks>
public sealed partial class UnionPayChannel : IRefundChannel
{
    public async Task<ChannelRefundResult> RefundAsync(ChannelAccount account, ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);

        // Nothing has been sent yet, so each refusal here is a definitive "no money moved".
        if (!string.Equals(request.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return RefundRefused("CURRENCY_NOT_SUPPORTED", $"UnionPay accounts here settle in {Currency} only.");
        }

        if (request.RefundAmount is <= 0 or > UnionPayFormats.MaxAmount)
        {
            return RefundRefused("INVALID_AMOUNT", "The refund amount must be 1 to 12 digits of fen.");
        }

        if (string.IsNullOrEmpty(request.ChannelTradeNo))
        {
            return RefundRefused("CHANNEL_TRADE_NO_REQUIRED", "A UnionPay refund names the consume by its queryId; the order has none recorded.");
        }

        var fields = RequestFields(UnionPayAccount.MerId(account), UnionPayFields.TxnTypeRefund, UnionPayFields.SubTypeDefault, UnionPayFields.BizTypeGateway);
        fields.AddRange(
        [
            new(UnionPayFields.ChannelType, UnionPayFields.ChannelTypeDesktop),
            new(UnionPayFields.OrderId, request.RefundId),
            new(UnionPayFields.TxnTime, UnionPayFormats.ToBeijingTime(request.RequestedAt)),
            new(UnionPayFields.TxnAmt, UnionPayFormats.ToTxnAmt(request.RefundAmount)),
            new(UnionPayFields.OrigQryId, request.ChannelTradeNo),
            new(UnionPayFields.BackUrl, account.NotifyUrl.AbsoluteUri),
        ]);

        var call = await CallAsync(account, BackTransPath, request.RefundId, fields, cancellationToken).ConfigureAwait(false);
        if (call.Fields is not { } answer)
        {
            return ChannelRefundResult.Unknown(call.Problem!);
        }

        var respCode = answer.GetValueOrDefault(UnionPayFields.RespCode);
        var respMsg = answer.GetValueOrDefault(UnionPayFields.RespMsg);
        return UnionPayRespCodes.OutcomeOfRequest(respCode) switch
        {
            // Accepted for processing, not refunded: the notification or a query says when it is done.
            ChannelOutcome.Accepted => new ChannelRefundResult(ChannelFundsState.Pending, answer.GetValueOrDefault(UnionPayFields.QueryId)),
            ChannelOutcome.Failed => new ChannelRefundResult(ChannelFundsState.Failed, ErrorCode: respCode, ErrorMessage: respMsg),
            // 03/04/05 (status unknown), 02/06 (closed for now, busy), 12 (a copy of this refund may already be in),
            // 37, 45, 99 and any code not known as a refusal (UnionPayRespCodes): only a query can tell.
            _ => new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: respCode ?? "CHANNEL_UNKNOWN", ErrorMessage: respMsg),
        };
    }

    public async Task<ChannelRefundResult> QueryRefundAsync(ChannelAccount account, ChannelRefundQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(query);

        var fields = QueryFields(UnionPayAccount.MerId(account), query.RefundId, UnionPayFormats.ToBeijingTime(query.RequestedAt));

        var call = await CallAsync(account, QueryTransPath, query.RefundId, fields, cancellationToken).ConfigureAwait(false);
        if (call.Fields is not { } answer)
        {
            return ChannelRefundResult.Unknown(call.Problem!);
        }

        var respCode = answer.GetValueOrDefault(UnionPayFields.RespCode);
        var respMsg = answer.GetValueOrDefault(UnionPayFields.RespMsg);
        switch (respCode)
        {
            case UnionPayRespCodes.Success:
                break;
            case UnionPayRespCodes.NotFound:
                // Never arrived (or not yet visible): sending the same orderId + txnTime again is safe.
                return new ChannelRefundResult(ChannelFundsState.NotFound, ErrorCode: respCode, ErrorMessage: respMsg);
            default:
                return new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: respCode ?? "CHANNEL_UNKNOWN", ErrorMessage: respMsg);
        }

        var origRespCode = answer.GetValueOrDefault(UnionPayFields.OrigRespCode);
        var queryId = answer.GetValueOrDefault(UnionPayFields.QueryId);
        switch (UnionPayRespCodes.StateOfOriginal(origRespCode))
        {
            case ChannelTradeState.Succeeded:
                if (!UnionPayFormats.TryParseTxnAmt(answer.GetValueOrDefault(UnionPayFields.TxnAmt), out var amount))
                {
                    return ChannelRefundResult.Unknown("UnionPay reported the refund done without a readable txnAmt.");
                }

                // The gateway compares amount and currency with the refund before following it.
                return new ChannelRefundResult(ChannelFundsState.Succeeded, queryId, amount, Currency, ChannelTimeOf(answer));
            case ChannelTradeState.Pending:
                return new ChannelRefundResult(ChannelFundsState.Pending, queryId, ErrorCode: origRespCode, ErrorMessage: answer.GetValueOrDefault(UnionPayFields.OrigRespMsg));
            case ChannelTradeState.Failed:
                return new ChannelRefundResult(ChannelFundsState.Failed, queryId, ErrorCode: origRespCode, ErrorMessage: answer.GetValueOrDefault(UnionPayFields.OrigRespMsg));
            case ChannelTradeState.Unknown when !string.IsNullOrEmpty(origRespCode):
                // A code that is not a definitive refusal: the refund may have been (or may yet be) made.
                return new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: origRespCode, ErrorMessage: answer.GetValueOrDefault(UnionPayFields.OrigRespMsg));
            default:
                return ChannelRefundResult.Unknown("queryTrans answered 00 without origRespCode.");
        }
    }

    /// <summary>A verified refund notification (txnType 04) as the gateway's refund callback.</summary>
    private ChannelCallbackParseResult RefundNotification(IReadOnlyDictionary<string, string> fields, string merId)
    {
        if (!fields.TryGetValue(UnionPayFields.OrderId, out var refundId) || !RefundId.TryParse(refundId, out var orderId)
            || !UnionPayFormats.TryParseTxnAmt(fields.GetValueOrDefault(UnionPayFields.TxnAmt), out var amount))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFY", "The refund notification lacks a gateway refund id as orderId or a readable txnAmt.");
        }

        if (fields.GetValueOrDefault(UnionPayFields.RespCode) is not { Length: > 0 } respCode)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFY", "The refund notification lacks respCode.");
        }

        // Failed only for a definitive refusal; any other code is Unknown (acknowledged, the refund left as it is, and
        // supervision queries it).
        var state = UnionPayRespCodes.StateOfTransaction(respCode) switch
        {
            ChannelTradeState.Succeeded => ChannelFundsState.Succeeded,
            ChannelTradeState.Pending => ChannelFundsState.Pending,
            ChannelTradeState.Failed => ChannelFundsState.Failed,
            _ => ChannelFundsState.Unknown,
        };
        var queryId = fields.GetValueOrDefault(UnionPayFields.QueryId);
        // A refund notification carries no currency code of its own in every version; the accounts settle in CNY only.
        return ChannelCallbackParseResult.AcceptedRefund(new ChannelRefundCallback(
            refundId,
            orderId,
            state,
            queryId,
            amount,
            Currency,
            merId,
            state == ChannelFundsState.Succeeded ? ChannelTimeOf(fields) : null,
            queryId is null ? null : $"{queryId}:{respCode}",
            state == ChannelFundsState.Succeeded ? null : respCode));
    }

    private static ChannelRefundResult RefundRefused(string code, string message) =>
        new(ChannelFundsState.Failed, ErrorCode: code, ErrorMessage: message);
}
