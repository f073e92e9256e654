using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PayGateway.Hosting;

namespace PayGateway.Supervision;

/// <inheritdoc cref="ISupervisorGrain"/>
/// <remarks>
/// A fixed number of these replaces a reminder per order: a million pending orders cost a million projection
/// rows and nothing in memory, and the reminder table holds only one row per shard. The reminder (minimum one
/// minute) re-activates a shard after its silo dies; while active, a grain timer sweeps every few seconds.
/// Sweeps are idempotent: waking an order that has nothing due does nothing.
/// </remarks>
public sealed class SupervisorGrain(
    DueOrders dueOrders,
    IOptions<SupervisionOptions> options,
    TimeProvider clock,
    ILogger<SupervisorGrain> logger) : Grain, ISupervisorGrain, IRemindable
{
    private const string ReminderName = "supervise";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(async _ =>
        {
            await SweepAsync();
            // Stay active between reminder ticks so sweeps keep their short interval.
            DelayDeactivation(TimeSpan.FromMinutes(2));
        }, options.Value.SweepInterval, options.Value.SweepInterval);
        return Task.CompletedTask;
    }

    public async Task StartAsync() => await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    public Task ReceiveReminder(string reminderName, TickStatus status) => SweepAsync();

    public async Task<int> SweepAsync()
    {
        var settings = options.Value;
        IReadOnlyList<string> due;
        try
        {
            due = await dueOrders.ReadAsync((int)this.GetPrimaryKeyLong(), settings.Shards, clock.GetUtcNow(), settings.BatchSize, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Supervisor shard {Shard} could not read due orders; next sweep retries", this.GetPrimaryKeyLong());
            return 0;
        }
        // Stay on the grain's scheduler (Parallel.ForEachAsync would leave it): a gate bounds the calls in flight.
        using var gate = new SemaphoreSlim(settings.Parallelism);
        await Task.WhenAll(due.Select(async orderId =>
        {
            await gate.WaitAsync();
            try
            {
                await (TransferId.IsValid(orderId) ? GrainFactory.GetGrain<ITransferGrain>(orderId).WakeAsync()
                    : ContractId.IsValid(orderId) ? GrainFactory.GetGrain<ISignGrain>(orderId).WakeAsync()
                    : GrainFactory.GetGrain<IOrderGrain>(orderId).WakeAsync());
            }
            catch (Exception ex)
            {
                // One order's trouble must not stop the others; it stays due and the next sweep retries it.
                logger.LogWarning(ex, "Waking order {OrderId} failed", orderId);
            }
            finally
            {
                gate.Release();
            }
        }));
        return due.Count;
    }
}
