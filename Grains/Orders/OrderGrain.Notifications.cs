using System.Text.Json;
using PayGateway.Notifications;
using PayGateway.Wire;

namespace PayGateway.Orders;

public sealed partial class OrderGrain
{
    private IGrainTimer? _deliveryTimer;

    public async Task<OrderResult> ResendNotificationAsync(string eventId)
    {
        var s = state.State;
        var notification = s.Notifications.FirstOrDefault(n => n.EventId == eventId);
        if (notification is null)
        {
            return OrderResult.Fail(ErrorCodes.NotificationNotFound, $"The order has no notification {eventId}.");
        }
        var restarted = NotificationOutbox.Restart(notification, NowMs);
        await SaveAsync(s with { Notifications = s.Notifications.Replace(notification, restarted) });
        ScheduleDelivery();
        return OrderResult.Ok(state.State.ToView());
    }

    /// <summary>
    /// A webhook event: <c>order.{status}</c> when the order became final, <c>refund.{status}</c> (with the refund) when
    /// a refund did. It carries the order as it is in this very write; its body never changes afterwards.
    /// </summary>
    private StoredNotification NewEvent(OrderState order, string type, StoredRefund? refund = null)
    {
        var now = NowMs;
        var eventId = $"evt_{order.OrderId}_{order.Notifications.Count + 1}";
        // The order's own notification list is left out of the event.
        var view = order with { UpdatedAtMs = now, Notifications = [] };
        var body = JsonSerializer.Serialize(
            new WebhookEvent(eventId, type, now / 1000, OrderResponse.From(view.ToView()), refund is null ? null : RefundResponse.From(view.ToRefundView(refund))),
            WireJson.Options);
        return NotificationOutbox.NewEvent(eventId, type, body, now);
    }

    /// <summary>
    /// Delivers after the current call has finished (a grain timer runs as its own turn), so a slow merchant
    /// endpoint never delays the answer to a channel callback. If the silo dies first, the supervisor sweep
    /// finds the due notification through <c>paygw_order.next_check_at</c>.
    /// </summary>
    private void ScheduleDelivery()
    {
        _deliveryTimer?.Dispose();
        _deliveryTimer = this.RegisterGrainTimer(_ => DeliverDueNotificationsAsync(), TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private async Task DeliverDueNotificationsAsync()
    {
        foreach (var due in NotificationOutbox.Due(state.State.Notifications, NowMs))
        {
            var updated = await outbox.AttemptAsync(GrainFactory, state.State.AppId, state.State.NotifyUrl, due);
            await SaveAsync(state.State with { Notifications = state.State.Notifications.Replace(due, updated) });
        }
    }
}
