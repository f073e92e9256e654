namespace PayGateway;

/// <summary>
/// Reconciliation of one channel account's statement for one day, keyed <c>{channel}:{account_id}:{yyyy-MM-dd}</c>
/// (<see cref="ReconciliationKey"/>). One activation per key, so two runs of the same day never interleave; runs of
/// different accounts and days proceed in parallel.
/// </summary>
public interface IReconciliationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Downloads the day's statement, compares it with the gateway's order and refund records, heals what the
    /// channel's own queries confirm (an open payment or refund the statement shows as done), reports everything else,
    /// and stores the report. Safe to repeat: a rerun reports what is still wrong and marks the rest resolved.
    /// Longer than Orleans' default call timeout (30 s) on purpose: a run downloads a statement (up to
    /// <c>Gateway:Reconciliation:StatementTimeout</c>, 2 min) and asks the channel about every order it heals.
    /// </summary>
    [ResponseTimeout("00:15:00")]
    Task<ReconciliationResult> RunAsync();

    /// <summary>The last stored report for the key, with its open and healed items; null when it never ran.</summary>
    Task<ReconciliationReport?> GetAsync();
}

/// <summary>Builds and reads reconciliation grain keys.</summary>
public static class ReconciliationKey
{
    public static string Of(string channel, string accountId, DateOnly billDate) =>
        $"{channel}:{accountId}:{billDate:yyyy-MM-dd}";

    public static (string Channel, string AccountId, DateOnly BillDate) Parse(string key)
    {
        var parts = key.Split(':');
        return (parts[0], parts[1], DateOnly.ParseExact(parts[2], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }
}
