using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PayGateway.Hosting;

/// <summary>
/// At silo start, makes sure the gateway's reminders exist: every supervisor shard's and the reconciliation
/// scheduler's. Idempotent, so every silo does it. It runs in the background with retries and never fails the start:
/// the grains may still be registered on a silo that is just leaving (a silo restarted right after another's stop
/// got <c>SiloUnavailableException</c> here and exited), and reminders are durable, so one silo missing this step
/// loses nothing as long as some silo has done it once.
/// </summary>
public sealed class ReminderStartup(IGrainFactory grains, IOptions<SupervisionOptions> supervision, ILogger<ReminderStartup> logger) : IStartupTask
{
    private const int Attempts = 12;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    public Task Execute(CancellationToken cancellationToken)
    {
        _ = Task.Run(EnsureRemindersAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task EnsureRemindersAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Task.WhenAll(Enumerable.Range(0, supervision.Value.Shards).Select(shard => grains.GetGrain<ISupervisorGrain>(shard).StartAsync())
                    .Append(grains.GetGrain<IReconciliationSchedulerGrain>(0).StartAsync()));
                return;
            }
            catch (Exception ex) when (attempt < Attempts)
            {
                logger.LogWarning(ex, "Registering the gateway's reminders failed (attempt {Attempt} of {Attempts}); retrying", attempt, Attempts);
                await Task.Delay(RetryDelay);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Registering the gateway's reminders failed {Attempts} times; they stay as other silos or earlier starts left them", Attempts);
                return;
            }
        }
    }
}
