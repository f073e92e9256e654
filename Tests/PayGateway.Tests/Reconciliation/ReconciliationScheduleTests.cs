using PayGateway.Reconciliation;

namespace PayGateway.Tests.Reconciliation;

/// <summary>Which statement days the scheduler fetches, by the channel's day and publication time.</summary>
public sealed class ReconciliationScheduleTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly TimeSpan TenHours = TimeSpan.FromHours(10);

    [Fact]
    public void BeforePublicationHour_YesterdayIsNotDueYet()
    {
        var now = new DateTimeOffset(2026, 11, 26, 9, 59, 0, Beijing);

        var days = ReconciliationSchedule.DueDays(now, Beijing, TenHours, 3, lastCompleted: new DateOnly(2026, 11, 24));

        Assert.Empty(days);
    }

    [Fact]
    public void AfterPublicationHour_YesterdayIsDue()
    {
        var now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, Beijing);

        Assert.Equal([new DateOnly(2026, 11, 25)], ReconciliationSchedule.DueDays(now, Beijing, TenHours, 3, new DateOnly(2026, 11, 24)));
    }

    [Fact]
    public void NeverCompleted_LooksBackAndOldestComesFirst()
    {
        var now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, Beijing);

        Assert.Equal([new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 25)],
            ReconciliationSchedule.DueDays(now, Beijing, TenHours, 3, lastCompleted: null));
    }

    [Fact]
    public void UtcClockAcrossBeijingMidnight_UsesTheChannelsDay()
    {
        // 2026-11-26 03:00 UTC is 11:00 in Beijing: the 25th (Beijing) is published although it is still the 26th early in UTC.
        var now = new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

        Assert.Equal([new DateOnly(2026, 11, 25)], ReconciliationSchedule.DueDays(now, Beijing, TenHours, 3, new DateOnly(2026, 11, 24)));
    }

    [Fact]
    public void EverythingCompleted_NothingDue()
    {
        var now = new DateTimeOffset(2026, 11, 26, 23, 0, 0, Beijing);

        Assert.Empty(ReconciliationSchedule.DueDays(now, Beijing, TenHours, 3, new DateOnly(2026, 11, 25)));
    }

    [Fact]
    public void LastCompletedOlderThanTheLookBack_EveryDaySinceIsDue()
    {
        // The 20th's statement stayed unavailable for days: it is still due, and it still comes first.
        var now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, Beijing);

        var days = ReconciliationSchedule.DueDays(now, Beijing, TenHours, 3, lastCompleted: new DateOnly(2026, 11, 19));

        Assert.Equal(Enumerable.Range(20, 6).Select(d => new DateOnly(2026, 11, d)), days);
    }
}
