using System.Collections.Immutable;
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

    /// <summary>
    /// When a grain with an outbox next has anything due: its own next action or its next notification attempt,
    /// whichever comes first; null when neither. This is what the grain projects as <c>next_check_at</c> for the sweep.
    /// </summary>
    public static long? NextCheckAt(long? nextAction, IEnumerable<StoredNotification> notifications) =>
        NextAttemptAt(notifications) is { } notify ? Math.Min(nextAction ?? long.MaxValue, notify) : nextAction;

    /// <summary>An operator's resend: a new round of attempts for the same event id and body.</summary>
    public static StoredNotification Restart(StoredNotification notification, long nowMs) =>
        notification with { Status = StoredNotification.Pending, Attempts = 0, NextAttemptAtMs = nowMs, LastError = null };

    /// <summary>One signed delivery attempt (HTTP to the merchant). Called by the delivery worker, never in an owner's turn.</summary>
    /// <remarks>
    /// Signed with this silo's cached keys of the app (<see cref="MerchantAppCache"/>, current with the app's
    /// version), so an attempt costs no call to the app's grain.
    /// </remarks>
    public async Task<WebhookAttempt> SendAsync(string appId, string notifyUrl, string eventId, string body)
    {
        var signature = (await apps.GetAsync(appId))?.SignWebhook(Encoding.UTF8.GetBytes(body), clock.GetUtcNow().ToUnixTimeSeconds());
        WebhookAttempt attempt;
        if (signature is null)
        {
            attempt = new WebhookAttempt(false, "the app has no webhook secret");
        }
        else
        {
            using var timeout = new CancellationTokenSource(options.Value.AttemptTimeout);
            attempt = await webhooks.SendAsync(notifyUrl, eventId, body, signature, timeout.Token);
        }
        metrics.WebhookAttempt(attempt.Delivered);
        return attempt;
    }

    /// <summary>
    /// The outbox after an attempt's outcome (the event no longer on its way), or null when the outcome names no
    /// pending event (a duplicate attempt): then nothing is to be written.
    /// </summary>
    public ImmutableList<StoredNotification>? Record(ImmutableList<StoredNotification> notifications, WebhookAttemptResult result, Dictionary<string, long> inFlight)
    {
        inFlight.Remove(result.EventId);
        return notifications.Find(n => n.EventId == result.EventId && n.Status == StoredNotification.Pending) is { } due
            ? notifications.Replace(due, After(due, result))
            : null;
    }

    /// <summary>The notification after an attempt: delivered, or the next retry on the schedule, or failed when it is spent.</summary>
    private StoredNotification After(StoredNotification due, WebhookAttemptResult result)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var attempts = due.Attempts + 1;
        return result.Delivered
            ? due with { Status = StoredNotification.Delivered, Attempts = attempts, LastAttemptAtMs = now, DeliveredAtMs = now, NextAttemptAtMs = null, LastError = null }
            : RetrySchedule.DelayAfter(settings.RetryDelays, attempts, settings.Jitter) is { } delay
                ? due with { Attempts = attempts, LastAttemptAtMs = now, NextAttemptAtMs = now + (long)delay.TotalMilliseconds, LastError = result.Error }
                : due with { Status = StoredNotification.Failed, Attempts = attempts, LastAttemptAtMs = now, NextAttemptAtMs = null, LastError = result.Error };
    }

    /// <summary>
    /// Sends every due event that is not already on its way, through the delivery workers, without waiting: the owner's
    /// turn ends at once and the outcome comes back as a <see cref="IWebhookOutboxOwner.RecordWebhookAttemptAsync"/>
    /// call. <paramref name="inFlight"/> (event id → when sent, kept in the owner's memory) stops a second send while
    /// one is out; after the attempt timeout and a margin it counts as lost (a silo died) and the event is sent again.
    /// Delivery is at-least-once either way: the merchant deduplicates on the event id.
    /// </summary>
    public void Dispatch(IGrainFactory grains, GrainId owner, string appId, string notifyUrl, IEnumerable<StoredNotification> notifications, Dictionary<string, long> inFlight)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var lostAfter = (long)(options.Value.AttemptTimeout + TimeSpan.FromSeconds(30)).TotalMilliseconds;
        foreach (var due in Due(notifications, now))
        {
            if (inFlight.TryGetValue(due.EventId, out var sentAt) && now - sentAt < lostAfter)
            {
                continue;
            }
            inFlight[due.EventId] = now;
            grains.GetGrain<IWebhookDeliveryGrain>(0).DeliverAsync(new WebhookDispatch(owner, appId, notifyUrl, due.EventId, due.Body)).Ignore();
        }
    }
}
