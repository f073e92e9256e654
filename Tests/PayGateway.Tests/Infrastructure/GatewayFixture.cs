using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using PayGateway.Api.Hosting;
using PayGateway.Silo.Hosting;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// A real gateway for tests: a migrated MariaDB database, a TestingHost cluster on the real ADO.NET providers
/// (clustering, state, reminders), and the API host (WebApplicationFactory) connected to that cluster as an
/// Orleans client. One per test class that needs it.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    public const string DatacenterCode = "T1";

    public TestDatabase Database { get; private set; } = null!;
    public TestCluster Cluster { get; private set; } = null!;
    public WebApplicationFactory<ApiEntryPoint> Api { get; private set; } = null!;
    public TestSecrets Secrets { get; } = new();
    public string ClusterId { get; } = $"test-{Guid.NewGuid():N}";
    public string ServiceId { get; } = "paygw-test";
    public IGrainFactory Grains => Cluster.Client;

    protected virtual int SiloCount => 1;

    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Gateway"] = Database.ConnectionString,
        ["Orleans:ClusterId"] = ClusterId,
        ["Orleans:ServiceId"] = ServiceId,
        ["Gateway:DatacenterCode"] = DatacenterCode,
        ["Gateway:MasterKey"] = Secrets.MasterKey,
        ["Gateway:PublicBaseUrl"] = "http://gateway.test",
        ["Gateway:ChannelTimeout"] = "00:00:03",
        ["Api:ResponseSigningKeyPem"] = Secrets.GatewayKeyPem,
        ["Api:OperatorTokenSha256:0"] = Secrets.OperatorTokenSha256,
    };

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Cluster = await StartClusterAsync();
        Api = new WebApplicationFactory<ApiEntryPoint>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in Settings)
            {
                web.UseSetting(key, value);
            }
        });
        Api.Server.PreserveExecutionContext = true;
    }

    public async Task<TestCluster> StartClusterAsync()
    {
        var builder = new TestClusterBuilder((short)SiloCount);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ClusterId = ClusterId;
        builder.Options.ServiceId = ServiceId;
        // Real sockets: the API host under test is a separate Orleans client and cannot use the in-memory transport.
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(Settings));
        builder.AddSiloBuilderConfigurator<GatewaySiloConfigurator>();
        builder.AddClientBuilderConfigurator<GatewayClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public HttpClient OperatorClient()
    {
        var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Secrets.OperatorToken);
        return client;
    }

    public virtual async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>The test cluster's own client finds silos through the same ADO.NET membership table.</summary>
public sealed class GatewayClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.UseAdoNetClustering(o =>
        {
            o.Invariant = SiloConfiguration.Invariant;
            o.ConnectionString = configuration.GetConnectionString("Gateway");
        });
}
