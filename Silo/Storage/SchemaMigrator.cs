using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace PayGateway.Silo.Storage;

/// <summary>
/// Applies <c>deploy/sql/NNN_name.sql</c> files in order, once each, recording them in
/// <c>paygw_schema_migration</c>. Safe to run from several processes at once (a named server lock serialises
/// them) and safe to re-run. An applied file whose content changed is refused: ship a new file instead.
/// </summary>
public sealed class SchemaMigrator(string connectionString, string sqlDirectory, ILogger logger, TimeSpan? lockTimeout = null)
{
    public static string DefaultSqlDirectory => Path.Combine(AppContext.BaseDirectory, "sql");

    /// <summary>
    /// Migrations that move rows between tables. Run beside silos that still serve the old schema, they lose writes:
    /// a write the old code makes after its rows were copied lands where the migration then deletes, or where the new
    /// code never reads. They are applied only while no silo is alive (see <see cref="LiveSilosAsync"/>). Listed here,
    /// not marked in the files, because an applied file cannot change; add the version of any new file that moves data.
    /// </summary>
    public static readonly IReadOnlySet<int> OfflineVersions = new HashSet<int> { 11 };

    /// <summary>How recently a silo must have reported itself alive (<c>IAmAliveTime</c>, refreshed every few minutes) to count as serving.</summary>
    public static readonly TimeSpan AliveWindow = TimeSpan.FromMinutes(10);

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await EnsureDatabaseAsync(cancellationToken);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var wait = (int)(lockTimeout ?? TimeSpan.FromSeconds(120)).TotalSeconds;
        // 1 = held; 0 = timed out, NULL = error. Going on without it would run the same file twice at once.
        if (Convert.ToInt64(await ScalarAsync(connection, $"SELECT GET_LOCK('paygw_schema_migration', {wait})", cancellationToken) ?? 0L) != 1)
        {
            throw new InvalidOperationException(
                $"Another process has held the schema migration lock for {wait} s (a migration still running, or its orphaned statement on the server). Not migrating without it.");
        }
        try
        {
            foreach (var file in Directory.GetFiles(sqlDirectory, "*.sql").Order(StringComparer.Ordinal))
            {
                await ApplyAsync(connection, file, cancellationToken);
            }
        }
        finally
        {
            await ScalarAsync(connection, "SELECT RELEASE_LOCK('paygw_schema_migration')", CancellationToken.None);
        }
    }

    private async Task ApplyAsync(MySqlConnection connection, string file, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        if (!int.TryParse(name.AsSpan(0, name.IndexOf('_')), out var version))
        {
            throw new InvalidOperationException($"Migration file '{name}' must start with a number and '_'.");
        }
        var script = await File.ReadAllTextAsync(file, cancellationToken);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script.ReplaceLineEndings("\n"))));

        var applied = await TableExistsAsync(connection, cancellationToken)
            ? await ScalarAsync(connection, $"SELECT checksum FROM paygw_schema_migration WHERE version = {version}", cancellationToken) as string
            : null;
        if (applied is not null)
        {
            if (applied != checksum)
            {
                throw new InvalidOperationException($"Migration {name} was applied with different content. Never edit an applied migration; add a new one.");
            }
            return;
        }

        if (OfflineVersions.Contains(version) && await LiveSilosAsync(connection, cancellationToken) is { Count: > 0 } live)
        {
            throw new InvalidOperationException(
                $"Migration {name} moves data and must not run while silos serve the old schema, and {live.Count} reported alive in the last " +
                $"{AliveWindow.TotalMinutes:0} minutes ({string.Join(", ", live)}). Stop every silo (scale to 0), then start one: it applies the migration.");
        }
        foreach (var statement in SqlScript.Split(script))
        {
            await using var command = new MySqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var record = new MySqlCommand(
            "INSERT INTO paygw_schema_migration (version, name, checksum, applied_at) VALUES (@v, @n, @c, UTC_TIMESTAMP(3))", connection);
        record.Parameters.AddWithValue("@v", version);
        record.Parameters.AddWithValue("@n", name);
        record.Parameters.AddWithValue("@c", checksum);
        await record.ExecuteNonQueryAsync(cancellationToken);
        logger.LogInformation("Applied schema migration {Migration}", name);
    }

    /// <summary>
    /// Silos of any cluster in this database that have not left (created, joining, active or shutting down) and
    /// reported themselves alive within <see cref="AliveWindow"/>. One that crashed stops counting once its last
    /// report is that old; one that stopped cleanly stops counting at once.
    /// </summary>
    private static async Task<List<string>> LiveSilosAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            $"""
            SELECT CONCAT(DeploymentId, ' ', SiloName, ' ', Address, ':', Port) FROM OrleansMembershipTable
             WHERE Status BETWEEN 1 AND 5 AND IAmAliveTime > UTC_TIMESTAMP(3) - INTERVAL {(int)AliveWindow.TotalSeconds} SECOND
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var silos = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            silos.Add(reader.GetString(0));
        }
        return silos;
    }

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        var database = builder.Database;
        if (string.IsNullOrEmpty(database))
        {
            throw new InvalidOperationException("The connection string must name a database.");
        }
        builder.Database = "";
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand($"CREATE DATABASE IF NOT EXISTS `{database.Replace("`", "``")}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> TableExistsAsync(MySqlConnection connection, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection,
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'paygw_schema_migration'",
            cancellationToken)) > 0;

    private static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
