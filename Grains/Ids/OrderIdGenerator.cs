using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PayGateway.Hosting;

namespace PayGateway.Ids;

/// <summary>
/// Issues unique, time-ordered order ids without a central counter.
/// <list type="bullet">
/// <item>Across processes: each process leases its own node code from the database.</item>
/// <item>Within a process: the timestamp never goes below the last one issued; within a millisecond a sequence
/// counts up, and when it runs out the timestamp moves one millisecond ahead of the clock.</item>
/// <item>Across restarts and a clock that steps backwards: before using a timestamp above the durable
/// reservation, the reservation is raised (one write per <see cref="ReservationWindow"/>); a new holder of the
/// code starts above it.</item>
/// </list>
/// <see cref="KeepLeaseAsync"/> (called by <see cref="OrderIdLeaseKeeper"/>) renews the lease and raises the
/// reservation ahead of the clock off the request path, so requests do not wait for that write and an idle silo
/// does not lose its code. If it falls behind, the request path still writes before it issues.
/// </summary>
public sealed class OrderIdGenerator(
    IIdNodeStore store,
    IOptions<GatewayOptions> options,
    TimeProvider clock,
    ILogger<OrderIdGenerator> logger) : IAsyncDisposable
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan ReservationWindow = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _datacenter = options.Value.DatacenterCode;
    private IdNodeLease? _lease;
    private long _lastMs = -1;
    private int _sequence;
    private long _reservedUntilMs;
    private long _leaseRenewDueMs;

    public int? NodeCode => _lease?.NodeCode;

    /// <summary>
    /// Holds a lease and keeps the reservation at least one <see cref="ReservationWindow"/> ahead of the clock. The
    /// write runs outside the gate, so ids keep being issued under the reservation already durable meanwhile.
    /// </summary>
    public async Task KeepLeaseAsync(CancellationToken cancellationToken = default)
    {
        IdNodeLease lease;
        long reserveTo;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            lease = _lease ??= await AcquireAsync(cancellationToken);
            var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var window = (long)ReservationWindow.TotalMilliseconds;
            if (_reservedUntilMs - nowMs > window && nowMs < _leaseRenewDueMs)
            {
                return;
            }
            reserveTo = Math.Max(Math.Max(nowMs, _lastMs), _reservedUntilMs) + 2 * window;
        }
        finally
        {
            _gate.Release();
        }

        var renewed = await store.RenewAsync(lease, reserveTo, LeaseDuration, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!ReferenceEquals(_lease, lease))
            {
                return; // the request path replaced the lease meanwhile
            }
            if (!renewed)
            {
                logger.LogWarning("Lost the lease on id node code {NodeCode}; acquiring another", lease.NodeCode);
                _lease = null;
                return;
            }
            // The request path may have raised it further meanwhile; never lower it.
            _reservedUntilMs = Math.Max(_reservedUntilMs, reserveTo);
            _leaseRenewDueMs = clock.GetUtcNow().ToUnixTimeMilliseconds() + (long)(LeaseDuration.TotalMilliseconds / 3);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<string> NextAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var nowMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
                var lease = _lease ??= await AcquireAsync(cancellationToken);
                var (ms, sequence) = nowMs > _lastMs ? (nowMs, 0)
                    // Same millisecond, or the clock went backwards: stay on the last timestamp and count up.
                    : _sequence + 1 < OrderId.MaxSequence ? (_lastMs, _sequence + 1)
                    : (_lastMs + 1, 0);

                if (ms > _reservedUntilMs || nowMs >= _leaseRenewDueMs)
                {
                    var reserveTo = Math.Max(ms, _reservedUntilMs) + (long)ReservationWindow.TotalMilliseconds;
                    if (!await store.RenewAsync(lease, reserveTo, LeaseDuration, cancellationToken))
                    {
                        // Someone took the code after our lease expired: never issue under it again.
                        logger.LogWarning("Lost the lease on id node code {NodeCode}; acquiring another", lease.NodeCode);
                        _lease = null;
                        continue;
                    }
                    _reservedUntilMs = reserveTo;
                    _leaseRenewDueMs = nowMs + (long)(LeaseDuration.TotalMilliseconds / 3);
                }

                _lastMs = ms;
                _sequence = sequence;
                return OrderId.Format(ms, _datacenter, lease.NodeCode, sequence);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IdNodeLease> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = await store.AcquireAsync($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}", LeaseDuration, cancellationToken);
        // Start above everything any earlier holder of this code may have issued.
        _lastMs = Math.Max(_lastMs, lease.ReservedUntilMs);
        _sequence = OrderId.MaxSequence - 1;
        _reservedUntilMs = lease.ReservedUntilMs;
        _leaseRenewDueMs = 0;
        logger.LogInformation("Leased order id node code {NodeCode}", lease.NodeCode);
        return lease;
    }

    public async ValueTask DisposeAsync()
    {
        if (_lease is { } lease)
        {
            try
            {
                await store.ReleaseAsync(lease, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Not fatal: the lease simply expires.
                logger.LogWarning(ex, "Could not release id node code {NodeCode}", lease.NodeCode);
            }
        }
        _gate.Dispose();
    }
}
