namespace PayGateway;

/// <summary>Where a merchant notification (webhook event) stands. Status: pending, delivered, failed.</summary>
[GenerateSerializer, Immutable, Alias("paygw.NotificationView")]
public sealed record NotificationView(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] string Status,
    [property: Id(3)] int Attempts,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? LastAttemptAt,
    [property: Id(6)] DateTimeOffset? NextAttemptAt,
    [property: Id(7)] DateTimeOffset? DeliveredAt,
    [property: Id(8)] string? LastError);
