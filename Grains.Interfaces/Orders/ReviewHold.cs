namespace PayGateway;

/// <summary>
/// Why an open order is held for an operator: the channel reports it paid with another amount or currency than the
/// order's (<see cref="Code"/> <c>AMOUNT_MISMATCH</c>). Money was taken at the channel, so the gateway neither settles
/// the order (not this order's amount) nor closes it at expiry; see the review item filed for it.
/// </summary>
/// <param name="ReportedAmount">The amount the channel reports, in minor units (null if it named none).</param>
/// <param name="ReportedCurrency">The currency the channel reports (null if it named none).</param>
/// <param name="Since">When the channel first gave this answer.</param>
[GenerateSerializer, Immutable, Alias("paygw.ReviewHold")]
public sealed record ReviewHold(
    [property: Id(0)] string Code,
    [property: Id(1)] long? ReportedAmount,
    [property: Id(2)] string? ReportedCurrency,
    [property: Id(3)] DateTimeOffset Since);
