using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PayGateway.Channels;
using PayGateway.Hosting;
using PayGateway.Storage;

namespace PayGateway.Reconciliation;

/// <summary>
/// Runs each enrolled account's due statement days (see <see cref="ReconciliationSchedule"/>) on a reminder. A tick that
/// is missed is made up by the next (the look-back covers several days); a doubled tick finds nothing new to do, and
/// a rerun of a day is harmless anyway. Not reentrant: one pass at a time.
/// </summary>
public sealed class ReconciliationSchedulerGrain(
    [PersistentState("reconciliation_scheduler")] IPersistentState<ReconciliationSchedulerState> state,
    ChannelRegistry channels,
    IOptions<ReconciliationOptions> options,
    TimeProvider clock,
    ILogger<ReconciliationSchedulerGrain> logger) : Grain, IReconciliationSchedulerGrain, IRemindable
{
    private const string ReminderName = "reconcile";

    public async Task StartAsync()
    {
        if (options.Value.Enabled)
        {
            await this.RegisterOrUpdateReminder(ReminderName, options.Value.TickInterval, options.Value.TickInterval);
        }
    }

    public async Task EnrollAsync(string channel, string accountId)
    {
        var key = $"{channel}:{accountId}";
        if (!state.State.Accounts.ContainsKey(key))
        {
            await state.WriteOrRevertAsync(state.State with { Accounts = state.State.Accounts.Add(key, null) }, this);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => options.Value.Enabled ? RunDueAsync() : Task.CompletedTask;

    public async Task<int> RunDueAsync()
    {
        var runs = 0;
        foreach (var (key, lastCompleted) in state.State.Accounts)
        {
            var separator = key.IndexOf(':');
            var (channel, accountId) = (key[..separator], key[(separator + 1)..]);
            if (channels.Find(channel) is not IStatementChannel statements)
            {
                continue;
            }
            var completed = lastCompleted;
            foreach (var day in ReconciliationSchedule.DueDays(clock.GetUtcNow(), statements.StatementDayOffset, options.Value.RunAfterDayEnd,
                options.Value.LookbackDays, lastCompleted))
            {
                runs++;
                if (!await RunDayAsync(key, channel, accountId, day))
                {
                    // Later days wait too, so "last completed" always means every day up to it is done.
                    break;
                }
                completed = day;
            }
            if (completed != lastCompleted)
            {
                await state.WriteOrRevertAsync(state.State with { Accounts = state.State.Accounts.SetItem(key, completed) }, this);
            }
        }
        return runs;
    }

    /// <summary>
    /// Whether the day completed. A run that throws (an account that cannot be opened, the database) counts as not
    /// completed and stops only this account's pass: the accounts after it are still reconciled.
    /// </summary>
    private async Task<bool> RunDayAsync(string key, string channel, string accountId, DateOnly day)
    {
        ReconciliationResult result;
        try
        {
            result = await GrainFactory.GetGrain<IReconciliationGrain>(ReconciliationKey.Of(channel, accountId, day)).RunAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Reconciliation of {Account} for {Day} failed; it is retried on the next tick", key, day);
            return false;
        }
        if (result.Report?.Status != ReconciliationRunStatus.Completed)
        {
            logger.LogInformation("Reconciliation of {Account} for {Day} not completed: {Status} {Error}", key, day,
                result.Report?.Status, result.Error?.Code ?? result.Report?.ErrorCode);
            return false;
        }
        return true;
    }
}
