using Orleans.TestingHost;
using PayGateway.Silo.Hosting;

namespace PayGateway.Tests.Infrastructure;

/// <summary>Test silos are built exactly like production silos, from the configuration the fixture supplies.</summary>
public sealed class GatewaySiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddPaymentGateway(siloBuilder.Configuration, configureEndpoints: false);
}
