namespace PayGateway.Reconciliation;

/// <summary>Which statement days are due. Pure, so the calendar rules are unit-tested without a clock.</summary>
public static class ReconciliationSchedule
{
    /// <summary>
    /// The days, oldest first, whose statements should be fetched now: published (the day ended at
    /// <paramref name="offset"/> at least <paramref name="runAfterDayEnd"/> ago) and after the last day this account
    /// completed, however long ago that was, so no day is ever passed over (a completed day is never fetched again by
    /// the scheduler). An account that never completed one starts <paramref name="lookbackDays"/> days back.
    /// </summary>
    public static IReadOnlyList<DateOnly> DueDays(DateTimeOffset now, TimeSpan offset, TimeSpan runAfterDayEnd, int lookbackDays, DateOnly? lastCompleted)
    {
        var today = DateOnly.FromDateTime(now.ToOffset(offset).DateTime);
        var days = new List<DateOnly>();
        for (var day = lastCompleted?.AddDays(1) ?? today.AddDays(-lookbackDays); day < today; day = day.AddDays(1))
        {
            var published = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), offset) + runAfterDayEnd;
            if (now >= published)
            {
                days.Add(day);
            }
        }
        return days;
    }
}
