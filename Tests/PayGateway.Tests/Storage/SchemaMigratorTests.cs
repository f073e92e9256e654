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
