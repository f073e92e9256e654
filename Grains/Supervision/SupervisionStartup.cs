using Microsoft.Extensions.Options;
using PayGateway.Hosting;

namespace PayGateway.Supervision;

/// <summary>At silo start, makes sure every supervisor shard has its reminder (idempotent, so every silo may do it).</summary>
public sealed class SupervisionStartup(IGrainFactory grains, IOptions<SupervisionOptions> options) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Shards).Select(shard => grains.GetGrain<ISupervisorGrain>(shard).StartAsync()));
}
