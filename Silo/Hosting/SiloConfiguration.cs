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
                IPAddress.Parse(configuration["Orleans:AdvertisedIP"] ?? "127.0.0.1"),
                configuration.GetValue("Orleans:SiloPort", 11111),
                configuration.GetValue("Orleans:GatewayPort", 30000),
                listenOnAnyHostAddress: configuration.GetValue("Orleans:ListenOnAnyHostAddress", false));
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
