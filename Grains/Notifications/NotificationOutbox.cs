using System.Text;
using Microsoft.Extensions.Options;
using PayGateway.Caching;
using PayGateway.Callbacks;
using PayGateway.Hosting;
using PayGateway.Orders;

namespace PayGateway.Notifications;

/// <summary>
/// The merchant-notification outbox rules shared by every grain that keeps one (orders, transfers): how an event is
/// born, which are due, and one signed delivery attempt with the retry schedule applied. The grain owns the list in
/// its state and writes the returned notification back; this class never stores anything.
/// </summary>
public sealed class NotificationOutbox(WebhookSender webhooks, MerchantAppCache apps, GatewayMetrics metrics, IOptions<NotificationOptions> options, TimeProvider clock)
{
    /// <summary>A new event, due now. Its body never changes afterwards: every retry sends the same bytes.</summary>
    public static StoredNotification NewEvent(string eventId, string type, string body, long nowMs) =>
        new() { EventId = eventId, Type = type, Body = body, CreatedAtMs = nowMs, NextAttemptAtMs = nowMs };

    public static List<StoredNotification> Due(IEnumerable<StoredNotification> notifications, long nowMs) =>
        [.. notifications.Where(n => n.Status == StoredNotification.Pending && n.NextAttemptAtMs <= nowMs)];

    /// <summary>The earliest pending attempt, for the grain's next-check time.</summary>
    public static long? NextAttemptAt(IEnumerable<StoredNotification> notifications) =>
        notifications.Where(n => n.Status == StoredNotification.Pending).Min(n => n.NextAttemptAtMs);

    /// <summary>An operator's resend: a new round of attempts for the same event id and body.</summary>
    public static StoredNotification Restart(StoredNotification notification, long nowMs) =>
        notification with { Status = StoredNotification.Pending, Attempts = 0, NextAttemptAtMs = nowMs, LastError = null };

    /// <summary>One delivery attempt, signed with the app's webhook secret; returns the notification after it.</summary>
    /// <remarks>
    /// Signed with this silo's cached keys of the app (<see cref="MerchantAppCache"/>, current with the app's
    /// version), so an attempt costs no call to the app's grain. <paramref name="grains"/> is no longer used; it
    /// stays so that callers need not change.
    /// </remarks>
    public async Task<StoredNotification> AttemptAsync(IGrainFactory grains, string appId, string notifyUrl, StoredNotification due)
    {
        var settings = options.Value;
        var body = Encoding.UTF8.GetBytes(due.Body);
        var signature = (await apps.GetAsync(appId))?.SignWebhook(body, clock.GetUtcNow().ToUnixTimeSeconds());
        WebhookAttempt attempt;
        if (signature is null)
        {
            attempt = new WebhookAttempt(false, "the app has no webhook secret");
        }
        else
        {
            using var timeout = new CancellationTokenSource(settings.AttemptTimeout);
            attempt = await webhooks.SendAsync(notifyUrl, due.EventId, due.Body, signature, timeout.Token);
        }
        metrics.WebhookAttempt(attempt.Delivered);

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var attempts = due.Attempts + 1;
        return attempt.Delivered
            ? due with { Status = StoredNotification.Delivered, Attempts = attempts, LastAttemptAtMs = now, DeliveredAtMs = now, NextAttemptAtMs = null, LastError = null }
            : RetrySchedule.DelayAfter(settings.RetryDelays, attempts, settings.Jitter) is { } delay
                ? due with { Attempts = attempts, LastAttemptAtMs = now, NextAttemptAtMs = now + (long)delay.TotalMilliseconds, LastError = attempt.Error }
                : due with { Status = StoredNotification.Failed, Attempts = attempts, LastAttemptAtMs = now, NextAttemptAtMs = null, LastError = attempt.Error };
    }
}
