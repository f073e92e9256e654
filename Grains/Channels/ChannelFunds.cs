namespace PayGateway.Channels;

/// <summary>
/// What a channel reports about money the gateway sends out: a refund back to the payer or a transfer (payout) to a
/// payee. One enum for both because the gateway treats them the same way: accepted → pending, then final.
/// </summary>
public enum ChannelFundsState
{
    /// <summary>The channel has no such refund or transfer (it never arrived, or the channel cannot tell it from none).</summary>
    NotFound,
    /// <summary>Accepted and still being processed; ask again later (or wait for the channel's notification).</summary>
    Pending,
    /// <summary>The money moved.</summary>
    Succeeded,
    /// <summary>Definitively refused or closed by the channel; no money moved.</summary>
    Failed,
    /// <summary>Timeout, transport error, 5xx, unverifiable answer: the money may or may not have moved.</summary>
    Unknown,
}

/// <summary>
/// A refund of (part of) a paid payment. <paramref name="RefundId"/> is the gateway refund id and is sent as the
/// channel's refund request number (Alipay <c>out_request_no</c>, WeChat Pay <c>out_refund_no</c>): the channel
/// deduplicates on it, so sending the same request again can never refund twice.
/// </summary>
/// <param name="RequestedAt">
/// When the gateway recorded the refund: stored with it, so the same on every retry and query. UnionPay names a refund
/// by its orderId and this time (txnTime) and can only be asked about it with both; the other channels ignore it.
/// </param>
public sealed record ChannelRefundRequest(
    string RefundId,
    string OrderId,
    string? ChannelTradeNo,
    long RefundAmount,
    long OrderAmount,
    string Currency,
    string? Reason,
    DateTimeOffset RequestedAt);

/// <summary>What the gateway knows to ask about one refund.</summary>
/// <param name="RequestedAt">The refund's <see cref="ChannelRefundRequest.RequestedAt"/>, from the stored refund.</param>
public sealed record ChannelRefundQuery(string RefundId, string OrderId, string? ChannelTradeNo, long RefundAmount, string Currency, DateTimeOffset RequestedAt);

/// <summary>
/// The channel's answer to a refund request or a refund query. On a request: <see cref="ChannelFundsState.Pending"/>
/// = accepted and processing, <see cref="ChannelFundsState.Succeeded"/> = refunded synchronously,
/// <see cref="ChannelFundsState.Failed"/> = definitively refused.
/// </summary>
public sealed record ChannelRefundResult(
    ChannelFundsState State,
    string? ChannelRefundNo = null,
    long? Amount = null,
    string? Currency = null,
    DateTimeOffset? SucceededAt = null,
    string? ErrorCode = null,
    string? ErrorMessage = null)
{
    public static ChannelRefundResult Unknown(string reason) => new(ChannelFundsState.Unknown, ErrorCode: "CHANNEL_UNKNOWN", ErrorMessage: reason);
}

/// <summary>
/// A verified, decoded notification about one refund (WeChat Pay sends them; Alipay does not). <paramref name="ErrorCode"/>
/// names why a refund failed or is stuck (e.g. WeChat Pay's <c>REFUND_CLOSED</c>, <c>REFUND_ABNORMAL</c>), so the
/// refund says the same whether the notification or a query told the gateway first.
/// </summary>
public sealed record ChannelRefundCallback(
    string RefundId,
    string OrderId,
    ChannelFundsState State,
    string? ChannelRefundNo,
    long Amount,
    string Currency,
    string ChannelMerchantId,
    DateTimeOffset? SucceededAt,
    string? ChannelEventId,
    string? ErrorCode = null);

/// <summary>
/// Channels that can refund implement this next to <see cref="IPaymentChannel"/>. Same contract: never throw for a
/// channel-side outcome, <see cref="ChannelFundsState.Failed"/> only when the channel said so verifiably, secrets
/// never logged.
/// </summary>
public interface IRefundChannel
{
    /// <summary>Asks the channel to refund. Safe to repeat with the same refund id (the channel deduplicates).</summary>
    Task<ChannelRefundResult> RefundAsync(ChannelAccount account, ChannelRefundRequest request, CancellationToken cancellationToken);

    /// <summary>Asks the channel for the current truth about a refund.</summary>
    Task<ChannelRefundResult> QueryRefundAsync(ChannelAccount account, ChannelRefundQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// A transfer (payout) from the merchant's channel balance to a payee. <paramref name="TransferId"/> is the gateway
/// transfer id and is sent as the channel's merchant number for it (Alipay <c>out_biz_no</c>, WeChat Pay
/// <c>out_batch_no</c> and <c>out_detail_no</c>); the channel deduplicates on it.
/// </summary>
public sealed record ChannelTransferRequest(
    string TransferId,
    long Amount,
    string Currency,
    string PayeeType,
    string PayeeAccount,
    string? PayeeName,
    string? Remark);

/// <summary>
/// The channel's answer to a transfer request or query. <see cref="ChannelFundsState.Failed"/> only when the
/// channel says definitively that no money moved (payee does not exist, balance insufficient, …).
/// </summary>
public sealed record ChannelTransferResult(
    ChannelFundsState State,
    string? ChannelTransferNo = null,
    DateTimeOffset? SucceededAt = null,
    string? ErrorCode = null,
    string? ErrorMessage = null)
{
    public static ChannelTransferResult Unknown(string reason) => new(ChannelFundsState.Unknown, ErrorCode: "CHANNEL_UNKNOWN", ErrorMessage: reason);
}

/// <summary>Channels that can pay out implement this next to <see cref="IPaymentChannel"/>, under the same contract.</summary>
public interface ITransferChannel
{
    /// <summary>Payee types (<see cref="PayeeTypes"/>) this channel can pay to.</summary>
    IReadOnlyCollection<string> PayeeTypes { get; }

    /// <summary>Currencies this channel can pay out in.</summary>
    IReadOnlyCollection<string> TransferCurrencies { get; }

    /// <summary>Asks the channel to transfer. Safe to repeat with the same transfer id (the channel deduplicates).</summary>
    Task<ChannelTransferResult> TransferAsync(ChannelAccount account, ChannelTransferRequest request, CancellationToken cancellationToken);

    /// <summary>Asks the channel for the current truth about a transfer.</summary>
    Task<ChannelTransferResult> QueryTransferAsync(ChannelAccount account, ChannelTransferRequest request, CancellationToken cancellationToken);
}
