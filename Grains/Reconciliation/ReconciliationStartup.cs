namespace PayGateway.Reconciliation;

/// <summary>At silo start, makes sure the reconciliation scheduler has its reminder (idempotent, so every silo may do it).</summary>
public sealed class ReconciliationStartup(IGrainFactory grains) : IStartupTask
{
    public Task Execute(CancellationToken cancellationToken) => grains.GetGrain<IReconciliationSchedulerGrain>(0).StartAsync();
}
