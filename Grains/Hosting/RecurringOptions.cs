namespace PayGateway.Hosting;

/// <summary>How contracts are renewed (docs/recurring.md). Bound from <c>Gateway:Recurring</c>.</summary>
public sealed class RecurringOptions
{
    public const string SectionName = "Gateway:Recurring";

    /// <summary>
    /// Beijing time of day a period's deduction starts on its date. Channels accept a cycle deduction on the planned
    /// date (Alipay also a few days before), so the whole period's retries stay on that date.
    /// </summary>
    public TimeSpan DeductionTimeOfDay { get; set; } = TimeSpan.FromHours(9);

    /// <summary>Deduction attempts per period: a refused deduction is tried again until this many have failed.</summary>
    public int AttemptsPerPeriod { get; set; } = 3;

    /// <summary>Delay between a failed deduction attempt and the next one in the same period.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// How long a deduction order stays open: it is the expiry of each deduction order. Part of the order's request,
    /// so changing it only affects deductions started afterwards.
    /// </summary>
    public int DeductionExpireSeconds { get; set; } = 6 * 3600;

    /// <summary>How often the contract looks at its open deduction order (the order's own supervision drives the channel).</summary>
    public TimeSpan FollowDelay { get; set; } = TimeSpan.FromMinutes(1);
}
