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

    /// <summary>The API host listens on real loopback HTTP so channel simulators can call it back.</summary>
    public int ApiPort { get; } = FreePort();

    public Uri ApiBaseAddress => new($"http://127.0.0.1:{ApiPort}/");

    public virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Gateway"] = Database.ConnectionString,
        ["Orleans:ClusterId"] = ClusterId,
        ["Orleans:ServiceId"] = ServiceId,
        ["Gateway:DatacenterCode"] = DatacenterCode,
        ["Gateway:MasterKey"] = Secrets.MasterKey,
        ["Gateway:PublicBaseUrl"] = ApiBaseAddress.ToString(),
        ["Gateway:ChannelTimeout"] = "00:00:03",
        // Fast schedules so supervision and retries happen within a test; the production defaults are in the options classes.
        ["Gateway:Supervision:Shards"] = "2",
        ["Gateway:Supervision:SweepInterval"] = "00:00:00.200",
        // The first check waits long enough that tests asserting "nothing changed" after a refused callback are not
        // raced by supervision legitimately finding the payment.
        ["Gateway:Supervision:CheckDelays:0"] = "00:00:04",
        ["Gateway:Supervision:CheckDelays:1"] = "00:00:02",
        ["Gateway:Supervision:ExpiryRetryDelay"] = "00:00:01",
        // Contracts: a deduction dated today is due at once, and retries and follow-ups come within a second.
        ["Gateway:Recurring:DeductionTimeOfDay"] = "00:00:00",
        ["Gateway:Recurring:RetryDelay"] = "00:00:01",
        ["Gateway:Recurring:FollowDelay"] = "00:00:00.500",
        ["Gateway:Notifications:RetryDelays:0"] = "00:00:00.300",
        ["Gateway:Notifications:RetryDelays:1"] = "00:00:00.300",
        ["Gateway:Notifications:RetryDelays:2"] = "00:00:00.600",
        ["Gateway:Notifications:Jitter"] = "0",
        ["Gateway:Notifications:AttemptTimeout"] = "00:00:02",
        ["Api:ResponseSigningKeyPem"] = Secrets.GatewayKeyPem,
        ["Api:OperatorTokenSha256:0"] = Secrets.OperatorTokenSha256,
    };

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Cluster = await StartClusterAsync();
        Api = StartApi(Settings);
    }

    public static WebApplicationFactory<ApiEntryPoint> StartApi(IReadOnlyDictionary<string, string?> settings)
    {
        var api = new WebApplicationFactory<ApiEntryPoint>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        api.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, new Uri(settings["Gateway:PublicBaseUrl"]!).Port));
        api.StartServer();
        return api;
    }

    /// <summary>Stops every silo (as a crash or an outage would) and starts a new cluster on the same database.</summary>
    public async Task RestartClusterAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Cluster = await StartClusterAsync();
    }

    /// <summary>
    /// A whole gateway restart: the API host and every silo stop and start again on the same database and port.
    /// (After <see cref="RestartClusterAsync"/> alone the API host's client needs its gateway list refreshed first.)
    /// </summary>
    public async Task RestartGatewayAsync()
    {
        await Api.DisposeAsync();
        await RestartClusterAsync();
        Api = StartApi(Settings);
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
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
        ConfigureCluster(builder);
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>For fixtures that give the silos more (e.g. <see cref="ShiftedClockSiloConfigurator"/>), after the gateway's own set-up.</summary>
    protected virtual void ConfigureCluster(TestClusterBuilder builder)
    {
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
