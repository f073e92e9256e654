using Microsoft.Extensions.Logging.Abstractions;
using PayGateway.Silo.Storage;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Storage;

public sealed class SchemaMigratorTests
{
    [Fact]
    public async Task MigratingTwice_IsHarmlessAndRecordsEachFileOnce()
    {
        await using var database = await TestDatabase.CreateAsync();

        await new SchemaMigrator(database.ConnectionString, SchemaMigrator.DefaultSqlDirectory, NullLogger.Instance).MigrateAsync();

        var files = Directory.GetFiles(SchemaMigrator.DefaultSqlDirectory, "*.sql").Length;
        Assert.Equal(files, await database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_schema_migration"));
        Assert.Equal(1296, await database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_id_node"));
        Assert.Equal(9 + 3 + 7, await database.ScalarAsync<long>("SELECT COUNT(*) FROM OrleansQuery"));
    }

    [Fact]
    public async Task AppliedMigrationEdited_IsRefused()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.ExecuteAsync("UPDATE paygw_schema_migration SET checksum = REPEAT('0', 64) WHERE version = 1");

        var error = await Record.ExceptionAsync(() =>
            new SchemaMigrator(database.ConnectionString, SchemaMigrator.DefaultSqlDirectory, NullLogger.Instance).MigrateAsync());

        Assert.Contains("applied with different content", error?.Message);
    }

    [Fact]
    public async Task ProjectedStateMigration_MovesOrdersAndTheyStayReadableWritableAndProjected()
    {
        // A database as it was before 011: an order and its key grain's state in OrleansStorage.
        var before = CopyMigrationsBefore("011");
        try
        {
            await using var database = await TestDatabase.CreateAsync(before.FullName);
            var order = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Reliability", "Fixtures", "order-state-v1.json"));
            const string OrderId = "20261101120000000T1ZZ001";
            await database.ExecuteAsync("CALL paygw_grain_state_write('svc', 'order', 0, 0, @id, NULL, @payload)", ("@id", OrderId), ("@payload", order));
            await database.ExecuteAsync("CALL paygw_grain_state_write('svc', 'order_key', 0, 0, 'app_hmac:compat-v1-0001', NULL, @payload)",
                ("@payload", "{\"order_id\":\"20261101120000000T1ZZ001\"}"u8.ToArray()));
            Assert.Equal(2, await database.ScalarAsync<long>("SELECT COUNT(*) FROM OrleansStorage"));

            await new SchemaMigrator(database.ConnectionString, SchemaMigrator.DefaultSqlDirectory, NullLogger.Instance).MigrateAsync();

            Assert.Equal("order_key", await database.ScalarAsync<string>("SELECT GROUP_CONCAT(GrainTypeString) FROM OrleansStorage"));
            Assert.Equal("order", await database.ScalarAsync<string>("SELECT GROUP_CONCAT(GrainTypeString) FROM paygw_projected_state"));
            // The provider's read finds both where they now live, with their versions.
            var (payload, version) = await ReadStateAsync(database, "order", OrderId);
            Assert.Equal(order, payload);
            Assert.Equal(1, version);
            Assert.Equal(1, (await ReadStateAsync(database, "order_key", "app_hmac:compat-v1-0001")).Version);
            // The next write goes through the moved triggers: the projection follows it.
            var written = await database.ScalarAsync<int>("CALL paygw_grain_state_write('svc', 'order', 0, 0, @id, 1, @payload)", ("@id", OrderId), ("@payload", order));
            Assert.Equal(2, written);
            Assert.Equal(2, await database.ScalarAsync<int>("SELECT state_version FROM paygw_order WHERE order_id = @id", ("@id", OrderId)));
        }
        finally
        {
            before.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task MigrationLockHeldElsewhere_MigrateFailsInsteadOfRunningWithoutIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var holder = new MySqlConnector.MySqlConnection(database.ConnectionString);
        await holder.OpenAsync();
        await using var take = new MySqlConnector.MySqlCommand("SELECT GET_LOCK('paygw_schema_migration', 60)", holder);
        Assert.Equal(1L, Convert.ToInt64(await take.ExecuteScalarAsync()));

        var error = await Record.ExceptionAsync(() =>
            new SchemaMigrator(database.ConnectionString, SchemaMigrator.DefaultSqlDirectory, NullLogger.Instance, TimeSpan.FromSeconds(1)).MigrateAsync());

        Assert.Contains("held the schema migration lock", error?.Message);
    }

    [Fact]
    public async Task DataMovingMigrationWhileASiloIsAlive_RefusedThenAppliedOnceNoneIs()
    {
        var before = CopyMigrationsBefore("011");
        try
        {
            await using var database = await TestDatabase.CreateAsync(before.FullName);
            // An old silo still serving (status 3 = active), and one that stopped cleanly (6 = dead), which does not count.
            await database.ExecuteAsync("""
                INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, StartTime, IAmAliveTime)
                VALUES ('paygw-prod', '10.0.0.7', 11111, 1, 'silo-old', 'host-old', 3, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
                       ('paygw-prod', '10.0.0.8', 11111, 1, 'silo-gone', 'host-gone', 6, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))
                """);
            var migrator = new SchemaMigrator(database.ConnectionString, SchemaMigrator.DefaultSqlDirectory, NullLogger.Instance);

            var error = await Record.ExceptionAsync(() => migrator.MigrateAsync());

            Assert.Contains("011_projected_state_table.sql moves data", error?.Message);
            Assert.Contains("silo-old", error?.Message);
            Assert.DoesNotContain("silo-gone", error?.Message);
            Assert.Equal(0, await database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_schema_migration WHERE version >= 11"));

            // Scaled to zero: the old silo stopped (or crashed and its last report aged out).
            await database.ExecuteAsync("UPDATE OrleansMembershipTable SET IAmAliveTime = UTC_TIMESTAMP(3) - INTERVAL 11 MINUTE WHERE SiloName = 'silo-old'");
            await migrator.MigrateAsync();

            Assert.Equal(Directory.GetFiles(SchemaMigrator.DefaultSqlDirectory, "*.sql").Length,
                await database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_schema_migration"));
        }
        finally
        {
            before.Delete(recursive: true);
        }
    }

    /// <summary>A folder with the build's migrations whose names sort before <paramref name="first"/>: a database as it was then.</summary>
    private static DirectoryInfo CopyMigrationsBefore(string first)
    {
        var folder = Directory.CreateTempSubdirectory("paygw-sql-");
        foreach (var file in Directory.GetFiles(SchemaMigrator.DefaultSqlDirectory, "*.sql")
                     .Where(f => string.CompareOrdinal(Path.GetFileName(f), first) < 0))
        {
            File.Copy(file, Path.Combine(folder.FullName, Path.GetFileName(file)));
        }
        return folder;
    }

    private static async Task<(byte[]? Payload, int Version)> ReadStateAsync(TestDatabase database, string stateName, string key)
    {
        await using var connection = new MySqlConnector.MySqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var query = new MySqlConnector.MySqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'ReadFromStorageKey'", connection);
        var text = await query.ExecuteScalarAsync() as string;
        await using var read = new MySqlConnector.MySqlCommand(text, connection);
        read.Parameters.AddWithValue("ServiceId", "svc");
        read.Parameters.AddWithValue("GrainTypeString", stateName);
        read.Parameters.AddWithValue("GrainIdN0", 0L);
        read.Parameters.AddWithValue("GrainIdN1", 0L);
        read.Parameters.AddWithValue("GrainIdExtensionString", key);
        read.Parameters.AddWithValue("GrainIdHash", 0);
        read.Parameters.AddWithValue("GrainTypeHash", 0);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var result = (reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0), reader.GetInt32(1));
        Assert.False(await reader.ReadAsync());
        return result;
    }

    [Fact]
    public void DelimiterBlocks_AreSplitLikeTheMariadbClient()
    {
        var statements = SqlScript.Split("""
            -- comment
            CREATE TABLE a (x INT);
            DELIMITER $$
            CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END$$
            INSERT INTO q VALUES ('a;b')$$
            DELIMITER ;
            SELECT 3;
            """);

        Assert.Equal(["CREATE TABLE a (x INT)", "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", "INSERT INTO q VALUES ('a;b')", "SELECT 3"], statements);
    }
}
