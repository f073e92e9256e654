namespace PayGateway.Hosting;

/// <summary>How contracts are renewed (docs/recurring.md). Bound from <c>Gateway:Recurring</c>.</summary>
public sealed class RecurringOptions
{
    public const string SectionName = "Gateway:Recurring";

    /// <summary>
    /// Beijing time of day a period's first deduction attempt starts on its date. The gateway deducts only on the
    /// planned date (channels refuse a cycle deduction outside their window): retries that would come after midnight
    /// are not made and the period is skipped, so an early time leaves room for them. Nothing guarantees it: each
    /// attempt's order may stay open up to <see cref="DeductionExpireSeconds"/> before <see cref="RetryDelay"/> starts.
    /// </summary>
    public TimeSpan DeductionTimeOfDay { get; set; } = TimeSpan.FromHours(9);

    /// <summary>Deduction attempts per period: a refused deduction is tried again until this many have failed.</summary>
    public int AttemptsPerPeriod { get; set; } = 3;

    /// <summary>Delay between finding a deduction attempt failed (or closed) and the next attempt in the same period.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How long a deduction order stays open: it is the expiry of each deduction order. Part of the order's request,
    /// so changing it only affects deductions started afterwards.
    /// </summary>
    public int DeductionExpireSeconds { get; set; } = 6 * 3600;

    /// <summary>How often the contract looks at its open deduction order (the order's own supervision drives the channel).</summary>
    public TimeSpan FollowDelay { get; set; } = TimeSpan.FromMinutes(1);
}
