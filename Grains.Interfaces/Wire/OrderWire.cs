namespace PayGateway.Wire;

/// <summary>An order on the wire.</summary>
public sealed record OrderResponse(
    string OrderId,
    string AppId,
    string OutTradeNo,
    string Status,
    long Amount,
    string Currency,
    string Subject,
    string? Description,
    string Method,
    string Channel,
    string? ChannelTradeNo,
    PayDataResponse? PayData,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? ClosedAt,
    ErrorResponse? Failure,
    string NotifyUrl,
    string? ReturnUrl,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<NotificationResponse> Notifications,
    long RefundedAmount,
    IReadOnlyList<RefundResponse> Refunds,
    ReviewHoldResponse? HeldForReview)
{
    public static OrderResponse From(OrderView o) => new(
        o.OrderId, o.AppId, o.OutTradeNo, o.Status.ToWire(), o.Amount, o.Currency, o.Subject, o.Description,
        o.Method.ToString(), o.Channel, o.ChannelTradeNo,
        o.PayData is { } p ? new PayDataResponse(p.Kind, p.Content) : null,
        o.CreatedAt, o.UpdatedAt, o.ExpiresAt, o.PaidAt, o.ClosedAt,
        o.Failure is { } f ? new ErrorResponse(f.Code, f.Message) : null,
        o.NotifyUrl, o.ReturnUrl, o.Metadata,
        [.. o.Notifications.Select(NotificationResponse.From)],
        o.RefundedAmount,
        [.. o.Refunds.Select(RefundResponse.From)],
        o.HeldForReview is { } h ? new ReviewHoldResponse(h.Code, h.ReportedAmount, h.ReportedCurrency, h.Since) : null);
}

/// <summary>Set while an open order is held for an operator (the channel reports it paid with another amount).</summary>
public sealed record ReviewHoldResponse(string Code, long? ReportedAmount, string? ReportedCurrency, DateTimeOffset Since);

/// <summary>A refund on the wire.</summary>
public sealed record RefundResponse(
    string RefundId,
    string OrderId,
    string OutRefundNo,
    string OutTradeNo,
    string Status,
    long Amount,
    string Currency,
    string? Reason,
    string Channel,
    string? ChannelRefundNo,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SucceededAt,
    ErrorResponse? Failure)
{
    public static RefundResponse From(RefundView r) => new(
        r.RefundId, r.OrderId, r.OutRefundNo, r.OutTradeNo, r.Status.ToWire(), r.Amount, r.Currency, r.Reason, r.Channel,
        r.ChannelRefundNo, r.CreatedAt, r.UpdatedAt, r.SucceededAt, r.Failure is { } f ? new ErrorResponse(f.Code, f.Message) : null);
}

public sealed record PayDataResponse(string Kind, string Content);

public sealed record ErrorResponse(string Code, string Message);

/// <summary>Delivery status of one webhook event, shown to the merchant on the order.</summary>
public sealed record NotificationResponse(
    string EventId,
    string Type,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    string? LastError)
{
    public static NotificationResponse From(NotificationView n) =>
        new(n.EventId, n.Type, n.Status, n.Attempts, n.CreatedAt, n.LastAttemptAt, n.NextAttemptAt, n.DeliveredAt, n.LastError);
}

/// <summary>
/// The webhook event body: <c>{"id","type","created","order"}</c>, plus <c>"refund"</c> on refund events (the member
/// is left out of order events rather than sent as null).
/// </summary>
public sealed record WebhookEvent(
    string Id,
    string Type,
    long Created,
    OrderResponse Order,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] RefundResponse? Refund = null);
