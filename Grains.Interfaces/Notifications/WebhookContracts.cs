using Orleans.Concurrency;

namespace PayGateway;

/// <summary>One webhook event to send once, and the grain whose outbox it belongs to (which records the outcome).</summary>
[GenerateSerializer, Immutable, Alias("paygw.WebhookDispatch")]
public sealed record WebhookDispatch(
    [property: Id(0)] GrainId Owner,
    [property: Id(1)] string AppId,
    [property: Id(2)] string NotifyUrl,
    [property: Id(3)] string EventId,
    [property: Id(4)] string Body);

/// <summary>How one delivery attempt of one event ended.</summary>
[GenerateSerializer, Immutable, Alias("paygw.WebhookAttemptResult")]
public sealed record WebhookAttemptResult(
    [property: Id(0)] string EventId,
    [property: Id(1)] bool Delivered,
    [property: Id(2)] string? Error);

/// <summary>
/// Sends webhook events on behalf of the grains that keep outboxes. The HTTP call to the merchant happens here, not in
/// the order's turn, so a slow or hanging merchant endpoint never holds up the order's callbacks, refunds or reads.
/// </summary>
public interface IWebhookDeliveryGrain : IGrainWithIntegerKey
{
    /// <summary>Attempts one delivery and reports it to <see cref="WebhookDispatch.Owner"/>. Fire and forget.</summary>
    [OneWay]
    Task DeliverAsync(WebhookDispatch dispatch);
}

/// <summary>A grain with a webhook outbox: orders and transfers.</summary>
public interface IWebhookOutboxOwner : IGrainWithStringKey
{
    /// <summary>
    /// Records the outcome of one attempt (delivered, or the next retry per the schedule). An outcome for an event that
    /// is no longer pending (a duplicate attempt) changes nothing.
    /// </summary>
    Task RecordWebhookAttemptAsync(WebhookAttemptResult result);
}
