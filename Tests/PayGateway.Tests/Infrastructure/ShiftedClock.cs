using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// Real time plus an offset a test can move forward: the gateway's silos and the channel simulator see days pass while
/// timers, timeouts and the API host (merchant request signatures) keep real time. Unlike <see cref="SteppableClock"/>
/// it keeps flowing, so follow-ups due "in half a second" still come.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private static readonly ConcurrentDictionary<string, ShiftedClock> ByCluster = new(StringComparer.Ordinal);

    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    /// <summary>The clock of a test cluster (silo configurators are made by type, so they find it by cluster id).</summary>
    public static ShiftedClock For(string clusterId) => ByCluster.GetOrAdd(clusterId, _ => new ShiftedClock());

    public static void Forget(string clusterId) => ByCluster.TryRemove(clusterId, out _);
}

/// <summary>Gives a test cluster's silos its <see cref="ShiftedClock"/> (registered after the gateway's, so it wins).</summary>
public sealed class ShiftedClockSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) =>
        siloBuilder.Services.AddSingleton<TimeProvider>(ShiftedClock.For(siloBuilder.Configuration["Orleans:ClusterId"]!));
}
