namespace PayGateway;

/// <summary>
/// The one scheduler (key 0) that reconciles every enrolled channel account's statements each day, on a reminder.
/// Channel accounts enrol themselves when an operator saves them.
/// </summary>
public interface IReconciliationSchedulerGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the scheduler's reminder exists (idempotent; every silo calls it at start).</summary>
    Task StartAsync();

    /// <summary>Adds a channel account to the daily reconciliation (idempotent).</summary>
    Task EnrollAsync(string channel, string accountId);

    /// <summary>One scheduling pass now (what the reminder does): runs every due day of every enrolled account.</summary>
    Task<int> RunDueAsync();
}
