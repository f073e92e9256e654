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
public sealed class SchemaMigrator(string connectionString, string sqlDirectory, ILogger logger)
{
    public static string DefaultSqlDirectory => Path.Combine(AppContext.BaseDirectory, "sql");

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await EnsureDatabaseAsync(cancellationToken);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ScalarAsync(connection, "SELECT GET_LOCK('paygw_schema_migration', 120)", cancellationToken);
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
