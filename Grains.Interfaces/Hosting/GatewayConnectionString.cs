using System.Data.Common;

namespace PayGateway.Hosting;

/// <summary>
/// The gateway's defaults for its MariaDB connection string (MySqlConnector), applied by the silo and the API host.
/// A setting the operator wrote explicitly always wins.
/// </summary>
/// <remarks>
/// <c>Connection Reset=false</c>: every Orleans storage, clustering and reminder call checks a pooled connection
/// out for one command. With the driver's default (true) each checkout also resets the session on the server, which
/// measured as about three server "questions" per command and half the grain-write throughput
/// (docs/performance.md). Nothing in the gateway leaves session state behind for the next user: no user variables,
/// no session settings or temporary tables, and every explicit transaction is disposed (rolled back) before the
/// connection returns to the pool.
/// </remarks>
public static class GatewayConnectionString
{
    public static string WithDefaults(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!builder.ContainsKey("Connection Reset") && !builder.ContainsKey("ConnectionReset"))
        {
            builder["Connection Reset"] = "false";
        }
        return builder.ConnectionString;
    }
}
