using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PayGateway.Ids;

/// <summary>
/// Calls <see cref="OrderIdGenerator.KeepLeaseAsync"/> every few seconds for the life of the host. Before it, the
/// lease was renewed only by a request that needed an id: a create waited for that write with every other create
/// queued behind it, and a silo that issued no id for a minute lost its code and had to take another first.
/// </summary>
public sealed class OrderIdLeaseKeeper(OrderIdGenerator generator, TimeProvider clock, ILogger<OrderIdLeaseKeeper> logger) : BackgroundService
{
    /// <summary>Half the reservation window: the reservation stays at least one window ahead of the clock.</summary>
    public static readonly TimeSpan Interval = OrderIdGenerator.ReservationWindow / 2;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await generator.KeepLeaseAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Not fatal: the request path renews for itself before it issues above the reservation.
                logger.LogWarning(ex, "Could not renew the order id lease; retrying in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
