namespace PayGateway.Orders;

/// <summary>Stored state → the order as callers see it.</summary>
public static class OrderStateMapping
{
    public static OrderView ToView(this OrderState s) => new(
        s.OrderId!,
        s.AppId,
        s.OutTradeNo,
        s.StatusValue,
        s.Amount,
        s.Currency,
        s.Subject,
        s.Description,
        Enum.Parse<PayMethod>(s.Method),
        s.Channel,
        s.AccountId,
        s.ChannelTradeNo,
        s.PayData is { } p ? new PayData(p.Kind, p.Content) : null,
        FromMs(s.CreatedAtMs),
        FromMs(s.UpdatedAtMs),
        FromMs(s.ExpiresAtMs),
        s.PaidAtMs is { } paid ? FromMs(paid) : null,
        s.ClosedAtMs is { } closed ? FromMs(closed) : null,
        s.Failure is { } f ? new GatewayError(f.Code, f.Message) : null,
        s.NotifyUrl,
        s.ReturnUrl,
        s.Metadata,
        [.. s.Notifications.Select(n => n.ToView())],
        s.RefundedAmount,
        [.. s.Refunds.Select(r => s.ToRefundView(r))],
        s.ReviewHold is { } h ? new ReviewHold(h.Code, h.ReportedAmount, h.ReportedCurrency, FromMs(h.SinceMs)) : null);

    public static RefundView ToRefundView(this OrderState s, StoredRefund r) => new(
        r.RefundId,
        s.OrderId!,
        s.AppId,
        r.OutRefundNo,
        s.OutTradeNo,
        r.StatusValue,
        r.Amount,
        s.Currency,
        r.Reason,
        s.Channel,
        r.ChannelRefundNo,
        FromMs(r.CreatedAtMs),
        FromMs(r.UpdatedAtMs),
        r.SucceededAtMs is { } succeeded ? FromMs(succeeded) : null,
        r.Failure is { } f ? new GatewayError(f.Code, f.Message) : null);

    public static NotificationView ToView(this StoredNotification n) => new(
        n.EventId, n.Type, n.Status, n.Attempts, FromMs(n.CreatedAtMs),
        n.LastAttemptAtMs is { } last ? FromMs(last) : null,
        n.NextAttemptAtMs is { } next ? FromMs(next) : null,
        n.DeliveredAtMs is { } delivered ? FromMs(delivered) : null,
        n.LastError);

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
