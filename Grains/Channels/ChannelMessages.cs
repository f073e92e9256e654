namespace PayGateway.Channels;

/// <summary>How a call to a channel ended, as far as the gateway can know.</summary>
public enum ChannelOutcome
{
    /// <summary>The channel accepted the request (for a payment: awaiting the payer).</summary>
    Accepted,
    /// <summary>The payment is already paid (barcode payments can succeed synchronously).</summary>
    Succeeded,
    /// <summary>The channel definitively refused; nothing was charged.</summary>
    Failed,
    /// <summary>Timeout, transport error, 5xx, unverifiable answer: the money may or may not have moved.</summary>
    Unknown,
}

/// <summary>The truth the channel reports about one payment.</summary>
public enum ChannelTradeState
{
    /// <summary>The channel has no such payment.</summary>
    NotFound,
    /// <summary>Created, awaiting the payer (or the payer is still entering a password).</summary>
    Pending,
    Succeeded,
    Closed,
    Failed,
    /// <summary>The question could not be answered this time.</summary>
    Unknown,
}

/// <summary>What the gateway asks a channel to create.</summary>
public sealed record ChannelPaymentRequest(
    string OrderId,
    long Amount,
    string Currency,
    string Subject,
    string? Description,
    PayMethod Method,
    DateTimeOffset ExpiresAt,
    string? ReturnUrl,
    string? UserIp,
    string? UserId,
    string? ProductId,
    string? AuthCode);

/// <summary>Result of creating a payment.</summary>
public sealed record ChannelPaymentResult(
    ChannelOutcome Outcome,
    string? ChannelTradeNo = null,
    PayData? PayData = null,
    string? ErrorCode = null,
    string? ErrorMessage = null,
    DateTimeOffset? PaidAt = null)
{
    public static ChannelPaymentResult Unknown(string reason) => new(ChannelOutcome.Unknown, ErrorCode: "CHANNEL_UNKNOWN", ErrorMessage: reason);
}

/// <summary>Result of querying a payment.</summary>
public sealed record ChannelQueryResult(
    ChannelTradeState State,
    string? ChannelTradeNo = null,
    long? Amount = null,
    string? Currency = null,
    DateTimeOffset? PaidAt = null,
    string? ErrorCode = null,
    string? ErrorMessage = null)
{
    public static ChannelQueryResult Unknown(string reason) => new(ChannelTradeState.Unknown, ErrorCode: "CHANNEL_UNKNOWN", ErrorMessage: reason);
}

/// <summary>Result of closing a payment. <see cref="ChannelTradeState.Succeeded"/> means it was paid and cannot be closed.</summary>
public sealed record ChannelCloseResult(ChannelTradeState State, string? ErrorCode = null, string? ErrorMessage = null);

/// <summary>A callback exactly as it reached the gateway: raw bytes, never re-serialised.</summary>
public sealed record ChannelCallbackRequest(
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body,
    string? ContentType);

/// <summary>A verified, decoded callback about one payment.</summary>
public sealed record ChannelCallback(
    string OrderId,
    ChannelTradeState State,
    string? ChannelTradeNo,
    long Amount,
    string Currency,
    string ChannelMerchantId,
    DateTimeOffset? PaidAt,
    string? ChannelEventId);

/// <summary>
/// Either a verified callback (about a payment, a refund or a recurring-payment contract) or the reason it was
/// rejected. Exactly one of <see cref="Callback"/>, <see cref="Refund"/>, <see cref="Contract"/> and
/// <see cref="RejectionCode"/> is set.
/// </summary>
public sealed record ChannelCallbackParseResult(
    ChannelCallback? Callback, string? RejectionCode, string? RejectionReason, ChannelRefundCallback? Refund = null, ChannelContractCallback? Contract = null)
{
    public static ChannelCallbackParseResult Accepted(ChannelCallback callback) => new(callback, null, null);
    public static ChannelCallbackParseResult AcceptedRefund(ChannelRefundCallback refund) => new(null, null, null, refund);
    public static ChannelCallbackParseResult AcceptedContract(ChannelContractCallback contract) => new(null, null, null, Contract: contract);
    public static ChannelCallbackParseResult Rejected(string code, string reason) => new(null, code, reason);
}

/// <summary>The HTTP answer a channel expects to a callback.</summary>
public sealed record ChannelCallbackReply(int StatusCode, string ContentType, string Body);
