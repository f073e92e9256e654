using System.Text;
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
        var restarted = notification with { Status = StoredNotification.Pending, Attempts = 0, NextAttemptAtMs = NowMs, LastError = null };
        await SaveAsync(s with { Notifications = s.Notifications.Replace(notification, restarted) });
        ScheduleDelivery();
        return OrderResult.Ok(state.State.ToView());
    }

    /// <summary>The webhook event for a final status; its body never changes afterwards.</summary>
    private StoredNotification NewEvent(OrderState order, OrderStatus status)
    {
        var now = NowMs;
        var eventId = $"evt_{order.OrderId}_{order.Notifications.Count + 1}";
        var type = $"order.{status.ToWire()}";
        // The order as it is in this very write; its own notification list is left out of the event.
        var view = order with { UpdatedAtMs = now, Notifications = [] };
        var body = JsonSerializer.Serialize(new WebhookEvent(eventId, type, now / 1000, OrderResponse.From(view.ToView())), WireJson.Options);
        return new StoredNotification { EventId = eventId, Type = type, Body = body, CreatedAtMs = now, NextAttemptAtMs = now };
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
        var settings = notifications.Value;
        foreach (var due in state.State.Notifications.Where(n => n.Status == StoredNotification.Pending && n.NextAttemptAtMs <= NowMs).ToList())
        {
            var s = state.State;
            var body = Encoding.UTF8.GetBytes(due.Body);
            var signature = await GrainFactory.GetGrain<IMerchantAppGrain>(s.AppId).SignWebhookAsync(body, clock.GetUtcNow().ToUnixTimeSeconds());
            WebhookAttempt attempt;
            if (signature is null)
            {
                attempt = new WebhookAttempt(false, "the app has no webhook secret");
            }
            else
            {
                using var timeout = new CancellationTokenSource(settings.AttemptTimeout);
                attempt = await webhooks.SendAsync(s.NotifyUrl, due.EventId, due.Body, signature, timeout.Token);
            }
            metrics.WebhookAttempt(attempt.Delivered);

            var now = NowMs;
            var attempts = due.Attempts + 1;
            var updated = attempt.Delivered
                ? due with { Status = StoredNotification.Delivered, Attempts = attempts, LastAttemptAtMs = now, DeliveredAtMs = now, NextAttemptAtMs = null, LastError = null }
                : RetrySchedule.DelayAfter(settings.RetryDelays, attempts, settings.Jitter) is { } delay
                    ? due with { Attempts = attempts, LastAttemptAtMs = now, NextAttemptAtMs = now + (long)delay.TotalMilliseconds, LastError = attempt.Error }
                    : due with { Status = StoredNotification.Failed, Attempts = attempts, LastAttemptAtMs = now, NextAttemptAtMs = null, LastError = attempt.Error };
            await SaveAsync(state.State with { Notifications = state.State.Notifications.Replace(due, updated) });
        }
    }
}
