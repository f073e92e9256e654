using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace PayGateway.Notifications;

/// <inheritdoc cref="IWebhookDeliveryGrain"/>
/// <remarks>
/// A stateless, reentrant worker: it holds no state and moves no money, and being reentrant lets one activation wait on
/// many slow merchant endpoints at once. If the report to the owner is lost, the event stays pending in the owner's
/// outbox and is sent again (same event id and body).
/// </remarks>
[StatelessWorker, Reentrant]
public sealed class WebhookDeliveryGrain(NotificationOutbox outbox, ILogger<WebhookDeliveryGrain> logger) : Grain, IWebhookDeliveryGrain
{
    public async Task DeliverAsync(WebhookDispatch dispatch)
    {
        try
        {
            var attempt = await outbox.SendAsync(dispatch.AppId, dispatch.NotifyUrl, dispatch.EventId, dispatch.Body);
            await GrainFactory.GetGrain<IWebhookOutboxOwner>(dispatch.Owner)
                .RecordWebhookAttemptAsync(new WebhookAttemptResult(dispatch.EventId, attempt.Delivered, attempt.Error));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Webhook {EventId} attempt could not be completed or recorded; the owner sends it again", dispatch.EventId);
        }
    }
}
