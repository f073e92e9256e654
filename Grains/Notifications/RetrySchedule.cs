namespace PayGateway.Notifications;

/// <summary>When the next attempt of something is due, from a list of delays, with jitter.</summary>
public static class RetrySchedule
{
    /// <summary>
    /// The delay after <paramref name="attemptsSoFar"/> attempts, or null when the schedule is exhausted.
    /// </summary>
    public static TimeSpan? DelayAfter(IReadOnlyList<TimeSpan> delays, int attemptsSoFar, double jitter)
    {
        if (attemptsSoFar < 1 || attemptsSoFar > delays.Count)
        {
            return null;
        }
        var delay = delays[attemptsSoFar - 1];
        var factor = 1 + (Random.Shared.NextDouble() * 2 - 1) * jitter;
        return TimeSpan.FromMilliseconds(delay.TotalMilliseconds * factor);
    }
}
