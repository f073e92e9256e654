using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Dashboard;
using PayGateway.Caching;
using PayGateway.Hosting;
using PayGateway.Storage;
using PayGateway.Supervision;

namespace PayGateway.Silo.Hosting;

/// <summary>
/// How a gateway silo is built: ADO.NET clustering, grain state and reminders on MariaDB, the dashboard's
/// collectors, and the grains' services. Shared by <c>Program</c> and the test cluster so both run the same thing.
/// </summary>
public static class SiloConfiguration
{
    /// <summary>The ADO.NET invariant Orleans maps to MySqlConnector (the bare name "MySqlConnector" is rejected).</summary>
    public const string Invariant = "MySql.Data.MySqlConnector";

    public static readonly string[] RequiredKeys =
    [
        "ConnectionStrings:Gateway", "Orleans:ClusterId", "Orleans:ServiceId",
        "Gateway:DatacenterCode", "Gateway:MasterKey", "Gateway:PublicBaseUrl",
    ];

    /// <summary>The address other silos and clients reach this silo at (in a container: the pod's or container's IP). Default 127.0.0.1.</summary>
    public const string AdvertisedIPKey = "Orleans:AdvertisedIP";

    /// <summary>Silo-to-silo port. Default <see cref="DefaultSiloPort"/>.</summary>
    public const string SiloPortKey = "Orleans:SiloPort";

    /// <summary>Port clients (API hosts) connect to. Default <see cref="DefaultGatewayPort"/>.</summary>
    public const string GatewayPortKey = "Orleans:GatewayPort";

    /// <summary>Listen on every interface (0.0.0.0) instead of only the advertised address. Default false.</summary>
    public const string ListenOnAnyHostAddressKey = "Orleans:ListenOnAnyHostAddress";

    /// <summary>Apply <c>deploy/sql</c> before the silo starts (read by the silo's Program). Default false.</summary>
    public const string MigrateOnStartKey = "Database:MigrateOnStart";

    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    /// <summary>Every setting the silo reads by name besides <see cref="RequiredKeys"/> and its options sections.</summary>
    public static readonly string[] OptionalKeys = [AdvertisedIPKey, SiloPortKey, GatewayPortKey, ListenOnAnyHostAddressKey, MigrateOnStartKey];

    public static ISiloBuilder AddPaymentGateway(this ISiloBuilder silo, IConfiguration configuration, bool configureEndpoints = true)
    {
        RequiredSettings.Check(configuration, "The silo", RequiredKeys);
        var connectionString = GatewayConnectionString.WithDefaults(configuration.GetConnectionString("Gateway")!);

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = configuration["Orleans:ClusterId"]!;
            o.ServiceId = configuration["Orleans:ServiceId"]!;
        });
        if (configureEndpoints)
        {
            silo.ConfigureEndpoints(
                IPAddress.Parse(configuration[AdvertisedIPKey] ?? "127.0.0.1"),
                configuration.GetValue(SiloPortKey, DefaultSiloPort),
                configuration.GetValue(GatewayPortKey, DefaultGatewayPort),
                listenOnAnyHostAddress: configuration.GetValue(ListenOnAnyHostAddressKey, false));
        }
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddDashboard();
        silo.AddStartupTask<ReminderStartup>();
        // Per-silo caches of merchant apps and channel accounts hear about changes through this service.
        silo.AddGrainService<SiloCacheService>();
        silo.AddIncomingGrainCallFilter<StorageFaultFilter>();
        silo.Services.AddGatewayGrainServices(configuration, connectionString);
        return silo;
    }
}
