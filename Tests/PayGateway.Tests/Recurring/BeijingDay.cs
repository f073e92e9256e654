namespace PayGateway.Tests.Recurring;

/// <summary>
/// Contracts are scheduled by Beijing dates. A test that plans a deduction for "today" must not cross midnight while it
/// runs, so it first waits out the last minute of a Beijing day (at most a minute, once a day at 16:00 UTC).
/// </summary>
public static class BeijingDay
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));

    public static string TodayText => Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task AwayFromMidnightAsync()
    {
        var beijing = DateTime.UtcNow.AddHours(8);
        if (beijing.TimeOfDay > new TimeSpan(23, 59, 0))
        {
            await Task.Delay(beijing.Date.AddDays(1) - beijing + TimeSpan.FromSeconds(2));
        }
    }
}
