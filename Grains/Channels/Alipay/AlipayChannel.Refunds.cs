using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Refunds: <c>alipay.trade.refund</c> and <c>alipay.trade.fastpay.refund.query</c>. The gateway refund id is the
/// <c>out_request_no</c>, on which Alipay deduplicates per trade, so sending a refund again can never refund twice.
/// </summary>
public sealed partial class AlipayChannel : IRefundChannel
{
    private const string RefundMethod = "alipay.trade.refund";
    private const string RefundQueryMethod = "alipay.trade.fastpay.refund.query";
    private const string RefundSuccess = "REFUND_SUCCESS";

    /// <summary>
    /// Refusals that say this refund cannot be done: unknown or unpaid trade, balance, amounts, a finished trade.
    /// Anything else (ACQ.SYSTEM_ERROR, ACQ.DISCORDANT_REPEAT_REQUEST, codes not listed here) may hide a refund that
    /// went through, so it stays unknown.
    /// </summary>
    private static readonly FrozenSet<string> DefinitiveRefundRefusals = FrozenSet.ToFrozenSet(
    [
        "ACQ.TRADE_NOT_EXIST",
        "ACQ.TRADE_STATUS_ERROR",
        "ACQ.TRADE_HAS_CLOSE",
        "ACQ.TRADE_HAS_FINISHED",
        "ACQ.SELLER_BALANCE_NOT_ENOUGH",
        "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
        "ACQ.REASON_TRADE_REFUND_FEE_ERR",
        "ACQ.TRADE_NOT_ALLOW_REFUND",
    ], StringComparer.Ordinal);

    public async Task<ChannelRefundResult> RefundAsync(ChannelAccount account, ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);

        // Nothing has been sent yet, so refusing here is a definitive "no money moved".
        if (!string.Equals(request.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return new ChannelRefundResult(ChannelFundsState.Failed, ErrorCode: "CURRENCY_NOT_SUPPORTED", ErrorMessage: $"Alipay accounts here settle in {Currency} only.");
        }

        if (request.RefundAmount <= 0)
        {
            return new ChannelRefundResult(ChannelFundsState.Failed, ErrorCode: "INVALID_AMOUNT", ErrorMessage: "The refund amount must be positive.");
        }

        var biz = new Dictionary<string, object?>
        {
            ["out_trade_no"] = request.OrderId,
            ["refund_amount"] = AlipayFormats.ToYuan(request.RefundAmount),
            ["out_request_no"] = request.RefundId,
            ["refund_reason"] = request.Reason,
        };
        var call = await CallAsync(account, RefundMethod, biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelRefundResult.Unknown(call.Problem!);
        }

        var query = new ChannelRefundQuery(request.RefundId, request.OrderId, request.ChannelTradeNo, request.RefundAmount, request.Currency, request.RequestedAt);
        switch (call.Code)
        {
            case "10000" when !NamesOrder(payload, request.OrderId):
                LogOtherOrder(RefundMethod, account.AccountId, request.OrderId, Str(payload, "out_trade_no"));
                return ChannelRefundResult.Unknown("Alipay's refund answer names another out_trade_no.");
            case "10000" when Str(payload, "fund_change") == "Y":
                return RefundMoved(account, request, payload);
            case "10000":
                // fund_change=N: a repeat of a refund that already went through says N too, as does one still in
                // progress. Only the refund query can tell which.
                var confirmed = await QueryRefundAsync(account, query, cancellationToken).ConfigureAwait(false);

                // Alipay accepted the request but cannot confirm it yet: it is pending, not absent.
                return confirmed.State == ChannelFundsState.NotFound
                    ? new ChannelRefundResult(ChannelFundsState.Pending, ErrorCode: confirmed.ErrorCode, ErrorMessage: "Alipay accepted the refund (fund_change=N) but does not report it as successful yet.")
                    : confirmed;
            case "40004" when call.SubCode is not null && DefinitiveRefundRefusals.Contains(call.SubCode):
                // The order of Alipay's checks is not documented: a retried full refund might meet "trade closed" or
                // "amount exceeds" before the out_request_no deduplication. Only when the query says this refund did
                // not succeed is the refusal final.
                var check = await QueryRefundAsync(account, query, cancellationToken).ConfigureAwait(false);
                return check.State == ChannelFundsState.NotFound
                    ? new ChannelRefundResult(ChannelFundsState.Failed, ErrorCode: call.SubCode, ErrorMessage: call.SubMessage)
                    : check;
            default:
                return new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: call.SubCode ?? call.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: call.SubMessage ?? call.Message);
        }
    }

    public async Task<ChannelRefundResult> QueryRefundAsync(ChannelAccount account, ChannelRefundQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(query);

        var biz = new Dictionary<string, object?>
        {
            ["out_trade_no"] = query.OrderId,
            ["out_request_no"] = query.RefundId,

            // The refund time is only returned when asked for.
            ["query_options"] = new[] { "gmt_refund_pay" },
        };
        var call = await CallAsync(account, RefundQueryMethod, biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelRefundResult.Unknown(call.Problem!);
        }

        switch (call.Code)
        {
            case "10000" when !EchoesOrMatches(payload, "out_trade_no", query.OrderId) || !EchoesOrMatches(payload, "out_request_no", query.RefundId):
                LogOtherRefund(account.AccountId, query.OrderId, query.RefundId, Str(payload, "out_trade_no"), Str(payload, "out_request_no"));
                return ChannelRefundResult.Unknown("Alipay's refund query answer names another trade or refund.");
            case "10000":
                return RefundQueryAnswer(account, query, payload);
            case "40004" when call.SubCode == "ACQ.TRADE_NOT_EXIST":
                // No trade, so no refund of it.
                return new ChannelRefundResult(ChannelFundsState.NotFound, ErrorCode: call.SubCode, ErrorMessage: call.SubMessage);
            default:
                return new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: call.SubCode ?? call.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: call.SubMessage ?? call.Message);
        }
    }

    private ChannelRefundResult RefundMoved(ChannelAccount account, ChannelRefundRequest request, JsonElement payload)
    {
        // refund_fee is the trade's total refunded so far (this refund included), so it can never be below this one.
        if (!AlipayFormats.TryParseYuan(Str(payload, "refund_fee"), out var refundedTotal) || refundedTotal < request.RefundAmount)
        {
            LogRefundAmountMismatch(RefundMethod, account.AccountId, request.RefundId, Str(payload, "refund_fee"));
            return ChannelRefundResult.Unknown("Alipay's refund answer reports less refunded than this refund.");
        }

        AlipayFormats.TryParseBeijingTime(Str(payload, "gmt_refund_pay"), out var refundedAt);
        return new ChannelRefundResult(ChannelFundsState.Succeeded, Amount: request.RefundAmount, Currency: Currency, SucceededAt: refundedAt ?? _timeProvider.GetUtcNow());
    }

    private ChannelRefundResult RefundQueryAnswer(ChannelAccount account, ChannelRefundQuery query, JsonElement payload)
    {
        var status = Str(payload, "refund_status");

        // Alipay documents an absent refund_status as "not received, or not successful": the gateway then sends the
        // refund again with the same out_request_no, which Alipay deduplicates.
        if (string.IsNullOrEmpty(status))
        {
            return new ChannelRefundResult(ChannelFundsState.NotFound);
        }

        if (status != RefundSuccess)
        {
            return ChannelRefundResult.Unknown("Alipay reported an unrecognised refund_status.");
        }

        // A success must say which refund it is about, and for how much.
        if (Str(payload, "out_trade_no") is null || Str(payload, "out_request_no") is null)
        {
            return ChannelRefundResult.Unknown("Alipay's refund success does not name the trade and refund.");
        }

        if (!AlipayFormats.TryParseYuan(Str(payload, "refund_amount"), out var amount) || amount != query.RefundAmount)
        {
            LogRefundAmountMismatch(RefundQueryMethod, account.AccountId, query.RefundId, Str(payload, "refund_amount"));
            return ChannelRefundResult.Unknown("Alipay reports this refund with another amount.");
        }

        AlipayFormats.TryParseBeijingTime(Str(payload, "gmt_refund_pay"), out var refundedAt);
        return new ChannelRefundResult(ChannelFundsState.Succeeded, Amount: amount, Currency: Currency, SucceededAt: refundedAt);
    }

    /// <summary>True when <paramref name="name"/> is absent or equals <paramref name="expected"/>.</summary>
    private static bool EchoesOrMatches(JsonElement payload, string name, string expected) =>
        Str(payload, name) is not { } value || string.Equals(value, expected, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay refund query for account {AccountId} asked about {OrderId}/{RefundId} but answered about {AnsweredOrderId}/{AnsweredRefundId}; outcome unknown")]
    private partial void LogOtherRefund(string accountId, string orderId, string refundId, string? answeredOrderId, string? answeredRefundId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay {Method} for account {AccountId} reported refund {RefundId} with amount {Reported}, which does not match; outcome unknown")]
    private partial void LogRefundAmountMismatch(string method, string accountId, string refundId, string? reported);
}
