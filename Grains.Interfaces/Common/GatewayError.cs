namespace PayGateway;

/// <summary>
/// A refusal the caller can act on, carried as data across grain calls (exceptions are for faults, not answers).
/// <see cref="Code"/> is stable and documented; the API host maps it to an HTTP status.
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.GatewayError")]
public sealed record GatewayError(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message);
