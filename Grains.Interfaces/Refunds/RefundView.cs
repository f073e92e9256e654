namespace PayGateway;

/// <summary>A refund as merchants and operators see it.</summary>
[GenerateSerializer, Immutable, Alias("paygw.RefundView")]
public sealed record RefundView(
    [property: Id(0)] string RefundId,
    [property: Id(1)] string OrderId,
    [property: Id(2)] string AppId,
    [property: Id(3)] string OutRefundNo,
    [property: Id(4)] string OutTradeNo,
    [property: Id(5)] FundsStatus Status,
    [property: Id(6)] long Amount,
    [property: Id(7)] string Currency,
    [property: Id(8)] string? Reason,
    [property: Id(9)] string Channel,
    [property: Id(10)] string? ChannelRefundNo,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] DateTimeOffset UpdatedAt,
    [property: Id(13)] DateTimeOffset? SucceededAt,
    [property: Id(14)] GatewayError? Failure);

/// <summary>Either a refund or the reason there is none. Exactly one of the two is set.</summary>
[GenerateSerializer, Immutable, Alias("paygw.RefundResult")]
public sealed record RefundResult(
    [property: Id(0)] RefundView? Refund,
    [property: Id(1)] GatewayError? Error)
{
    public static RefundResult Ok(RefundView refund) => new(refund, null);
    public static RefundResult Fail(string code, string message) => new(null, new GatewayError(code, message));
}

/// <summary>What a verified channel notification says about a refund, as the order grain receives it.</summary>
[GenerateSerializer, Immutable, Alias("paygw.RefundCallbackNotice")]
public sealed record RefundCallbackNotice(
    [property: Id(0)] string Channel,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string RefundId,
    [property: Id(3)] string OrderId,
    [property: Id(4)] FundsStatus Status,
    [property: Id(5)] string? ChannelRefundNo,
    [property: Id(6)] long Amount,
    [property: Id(7)] string Currency,
    [property: Id(8)] DateTimeOffset? SucceededAt,
    [property: Id(9)] string? ErrorCode = null);
