using System.Text.Json;
using PayGateway.Notifications;
using PayGateway.Wire;

namespace PayGateway.Orders;

public sealed partial class OrderGrain
{
    /// <summary>Events sent and not yet answered (event id → when sent); memory only, see <see cref="NotificationOutbox.Dispatch"/>.</summary>
    private readonly Dictionary<string, long> _webhooksInFlight = new(StringComparer.Ordinal);

    public async Task<OrderResult> ResendNotificationAsync(string eventId)
    {
        var s = state.State;
        var notification = s.Notifications.FirstOrDefault(n => n.EventId == eventId);
        if (notification is null)
        {
            return OrderResult.Fail(ErrorCodes.NotificationNotFound, $"The order has no notification {eventId}.");
        }
        var restarted = NotificationOutbox.Restart(notification, NowMs);
        _webhooksInFlight.Remove(eventId);
        await SaveAsync(s with { Notifications = s.Notifications.Replace(notification, restarted) });
        DispatchNotifications();
        return OrderResult.Ok(state.State.ToView());
    }

    /// <summary>
    /// A webhook event: <c>order.{status}</c> when the order became final, <c>refund.{status}</c> (with the refund) when
    /// a refund did. It carries the order as it is in this very write, without its lists of notifications and refunds;
    /// its body never changes afterwards.
    /// </summary>
    private StoredNotification NewEvent(OrderState order, string type, StoredRefund? refund = null)
    {
        var now = NowMs;
        var eventId = $"evt_{order.OrderId}_{order.Notifications.Count + 1}";
        // The order's own lists are left out: every body is stored in the order's one record, so an event carrying all
        // refunds so far would grow that record quadratically (999 refunds allowed, ~200 fitted in its 16 MiB). The
        // refund event carries its refund, and the order's refunded_amount says how much is refunded in all.
        var view = order with { UpdatedAtMs = now, Notifications = [], Refunds = [] };
        var body = JsonSerializer.Serialize(
            new WebhookEvent(eventId, type, now / 1000, OrderResponse.From(view.ToView()), refund is null ? null : RefundResponse.From(view.ToRefundView(refund))),
            WireJson.Options);
        return NotificationOutbox.NewEvent(eventId, type, body, now);
    }

    /// <summary>
    /// Starts delivery of what is due, after the write that recorded it. The sending happens in the delivery workers, so
    /// a slow merchant endpoint never holds this order up; outcomes come back through <see cref="RecordWebhookAttemptAsync"/>.
    /// If the silo dies first, the supervisor sweep finds the due notification through <c>paygw_order.next_check_at</c>.
    /// </summary>
    private void DispatchNotifications() =>
        outbox.Dispatch(GrainFactory, this.GetGrainId(), state.State.AppId, state.State.NotifyUrl, state.State.Notifications, _webhooksInFlight);

    public async Task RecordWebhookAttemptAsync(WebhookAttemptResult result)
    {
        if (outbox.Record(state.State.Notifications, result, _webhooksInFlight) is not { } notifications)
        {
            return;
        }
        await SaveAsync(state.State with { Notifications = notifications });
        DispatchNotifications(); // anything else that came due meanwhile
    }
}
