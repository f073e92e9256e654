using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using PayGateway.Silo.Storage;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// A fresh, migrated MariaDB database for one test fixture, dropped afterwards. The server comes from
/// <c>PAYGW_DB_SERVER</c> (set by deploy/local/test.sh from .run/db.env); the database name is unique per fixture.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string connectionString, string name)
    {
        ConnectionString = connectionString;
        Name = name;
    }

    public string ConnectionString { get; }
    public string Name { get; }

    /// <summary>A fresh database migrated with <paramref name="sqlDirectory"/> (default: every migration of the build).</summary>
    public static async Task<TestDatabase> CreateAsync(string? sqlDirectory = null)
    {
        var name = $"paygw_t_{DateTime.UtcNow:MMddHHmmss}_{Guid.NewGuid():N}"[..40];
        var builder = new MySqlConnectionStringBuilder(ServerConnectionString())
        {
            Database = name,
            // Many test silos and hosts share one server: keep pools small and connections reused.
            MaximumPoolSize = 50,
        };
        var database = new TestDatabase(builder.ConnectionString, name);
        await new SchemaMigrator(builder.ConnectionString, sqlDirectory ?? SchemaMigrator.DefaultSqlDirectory, NullLogger.Instance).MigrateAsync();
        return database;
    }

    public static string ServerConnectionString()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PAYGW_DB_SERVER");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        // Running `dotnet test` by hand after deploy/local/db.sh: read the settings it wrote.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, ".run", "db.env");
            if (File.Exists(file))
            {
                var line = File.ReadAllLines(file).First(l => l.StartsWith("PAYGW_DB_SERVER=", StringComparison.Ordinal));
                return line["PAYGW_DB_SERVER=".Length..].Trim('\'', '"');
            }
        }
        throw new InvalidOperationException("No database configured: run deploy/local/db.sh (or deploy/local/test.sh), or set PAYGW_DB_SERVER.");
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        var builder = new MySqlConnectionStringBuilder(ConnectionString) { Database = "" };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`", connection);
        await command.ExecuteNonQueryAsync();
    }
}
