using System.Collections.Immutable;

namespace PayGateway;

/// <summary>An order as merchants and operators see it. Contains no secrets.</summary>
[GenerateSerializer, Immutable, Alias("paygw.OrderView")]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string AppId,
    [property: Id(2)] string OutTradeNo,
    [property: Id(3)] OrderStatus Status,
    [property: Id(4)] long Amount,
    [property: Id(5)] string Currency,
    [property: Id(6)] string Subject,
    [property: Id(7)] string? Description,
    [property: Id(8)] PayMethod Method,
    [property: Id(9)] string Channel,
    [property: Id(10)] string AccountId,
    [property: Id(11)] string? ChannelTradeNo,
    [property: Id(12)] PayData? PayData,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] DateTimeOffset UpdatedAt,
    [property: Id(15)] DateTimeOffset ExpiresAt,
    [property: Id(16)] DateTimeOffset? PaidAt,
    [property: Id(17)] DateTimeOffset? ClosedAt,
    [property: Id(18)] GatewayError? Failure,
    [property: Id(19)] string NotifyUrl,
    [property: Id(20)] string? ReturnUrl,
    [property: Id(21)] ImmutableSortedDictionary<string, string> Metadata,
    [property: Id(22)] ImmutableArray<NotificationView> Notifications,
    [property: Id(23)] long RefundedAmount,
    [property: Id(24)] ImmutableArray<RefundView> Refunds,
    [property: Id(25)] ReviewHold? HeldForReview);

/// <summary>Either an order or the reason there is none. Exactly one of the two is set.</summary>
[GenerateSerializer, Immutable, Alias("paygw.OrderResult")]
public sealed record OrderResult(
    [property: Id(0)] OrderView? Order,
    [property: Id(1)] GatewayError? Error)
{
    public static OrderResult Ok(OrderView order) => new(order, null);
    public static OrderResult Fail(string code, string message) => new(null, new GatewayError(code, message));
}
