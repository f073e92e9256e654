using System.Data;
using MySqlConnector;
using PayGateway.Hosting;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Storage;

/// <summary>
/// The grain state queries in OrleansQuery, run the way Orleans' ADO.NET provider runs them (same parameter names
/// and types, every row of every result set collected), so the provider contract's edges are checked directly:
/// who wins a first write, what a stale or unknown version gets, and that a failed write leaves the row as it was.
/// Each case runs with MySqlConnector's default found-rows flag and with <c>Use Affected Rows=true</c>: the answers
/// must not depend on what ROW_COUNT() counts for a matched row.
/// </summary>
public sealed class GrainStateQueryTests : IAsyncLifetime
{
    private const string ServiceId = "paygw-test";

    /// <summary>
    /// Found-rows flag × state name: order and transfer states live in their own table (the one with the projection
    /// triggers, deploy/sql/011), every other state in OrleansStorage; the queries pick the table by state name.
    /// </summary>
    public static TheoryData<bool, string> Variants => new()
    {
        { false, "bench_state" },
        { true, "bench_state" },
        { false, "order" },
        { true, "order" },
    };

    private static string TableOf(string stateName) => stateName is "order" or "transfer" or "contract" ? "paygw_projected_state" : "OrleansStorage";

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task FirstWrite_InsertsVersionOne(bool useAffectedRows, string stateName)
    {
        var queries = await QueriesAsync(useAffectedRows, stateName);

        var written = await queries.WriteAsync("g1", null, [1, 2, 3]);

        Assert.Equal(1, written);
        AssertStored([1, 2, 3], 1, await queries.ReadAsync("g1"));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task SecondFirstWriteOfOneGrain_IsConflictAndRowUntouched(bool useAffectedRows, string stateName)
    {
        var queries = await QueriesAsync(useAffectedRows, stateName);
        await queries.WriteAsync("g1", null, [1]);
        var before = await RawRowAsync(stateName, "g1");

        // Identical bytes too: a no-op "upsert" must not pass for an insert.
        var second = await queries.WriteAsync("g1", null, [1]);

        Assert.Null(second);
        Assert.Equal(before, await RawRowAsync(stateName, "g1"));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task ConcurrentFirstWritesOfOneGrain_ExactlyOneWins(bool useAffectedRows, string stateName)
    {
        var queries = await QueriesAsync(useAffectedRows, stateName);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => queries.WriteAsync("race", null, [(byte)i])));

        Assert.Single(results, r => r == 1);
        Assert.Equal(15, results.Count(r => r is null));
        var (payload, version) = await queries.ReadAsync("race");
        Assert.Equal(1, version);
        Assert.Equal(Array.IndexOf(results, 1), (int)payload![0]);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task UpdateWithCurrentVersion_ReturnsNextVersionEvenWhenThePayloadIsUnchanged(bool useAffectedRows, string stateName)
    {
        var queries = await QueriesAsync(useAffectedRows, stateName);
        await queries.WriteAsync("g1", null, [7]);

        var second = await queries.WriteAsync("g1", 1, [7]);
        var third = await queries.WriteAsync("g1", 2, [8]);

        Assert.Equal(2, second);
        Assert.Equal(3, third);
        AssertStored([8], 3, await queries.ReadAsync("g1"));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task UpdateWithStaleVersion_IsConflictAndRowUntouched(bool useAffectedRows, string stateName)
    {
        var queries = await QueriesAsync(useAffectedRows, stateName);
        await queries.WriteAsync("g1", null, [1]);
        await queries.WriteAsync("g1", 1, [2]);
        var before = await RawRowAsync(stateName, "g1");

        var stale = await queries.WriteAsync("g1", 1, [3]);
        var ahead = await queries.WriteAsync("g1", 5, [4]);

        // The provider reports a conflict when the answer equals the version it sent.
        Assert.Equal(1, stale);
        Assert.Equal(5, ahead);
        Assert.Equal(before, await RawRowAsync(stateName, "g1"));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task UpdateOfAGrainWithoutRow_IsConflictAndInsertsNothing(bool useAffectedRows, string stateName)
    {
        var queries = await QueriesAsync(useAffectedRows, stateName);

        var written = await queries.WriteAsync("never-written", 3, [1]);

        Assert.Equal(3, written);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT (SELECT COUNT(*) FROM OrleansStorage) + (SELECT COUNT(*) FROM paygw_projected_state)"));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task ClearThenWrite_KeepsCountingVersionsAndRefusesAFirstWrite(bool useAffectedRows, string stateName)
    {
        var queries = await QueriesAsync(useAffectedRows, stateName);
        await queries.WriteAsync("g1", null, [1]);

        var cleared = await queries.ClearAsync("g1", 1);
        var afterClear = await queries.ReadAsync("g1");
        var firstWriteAfterClear = await queries.WriteAsync("g1", null, [2]);
        var staleClear = await queries.ClearAsync("g1", 1);
        var written = await queries.WriteAsync("g1", 2, [3]);

        Assert.Equal(2, cleared);
        AssertStored(null, 2, afterClear);
        Assert.Null(firstWriteAfterClear);
        Assert.Equal(1, staleClear);
        Assert.Equal(3, written);
        AssertStored([3], 3, await queries.ReadAsync("g1"));
    }

    private static void AssertStored(byte[]? payload, int version, (byte[]? Payload, int? Version) stored)
    {
        Assert.Equal(payload, stored.Payload);
        Assert.Equal(version, stored.Version);
    }

    private async Task<StateQueries> QueriesAsync(bool useAffectedRows, string stateName)
    {
        var builder = new MySqlConnectionStringBuilder(GatewayConnectionString.WithDefaults(_database.ConnectionString))
        {
            UseAffectedRows = useAffectedRows,
        };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery WHERE QueryKey LIKE '%StorageKey'", connection);
        var texts = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                texts[reader.GetString(0)] = reader.GetString(1);
            }
        }
        return new StateQueries(builder.ConnectionString, texts, stateName);
    }

    /// <summary>Every stored column of a grain's row, as text, to show that a refused write changed nothing.</summary>
    private Task<string> RawRowAsync(string stateName, string key) => _database.ScalarAsync<string>(
        $"SELECT CONCAT_WS('|', HEX(PayloadBinary), Version, DATE_FORMAT(ModifiedOn, '%Y-%m-%d %H:%i:%s.%f')) FROM {TableOf(stateName)} WHERE GrainIdExtensionString = @key",
        ("key", key));

    private sealed class StateQueries(string connectionString, IReadOnlyDictionary<string, string> texts, string stateName)
    {
        public async Task<int?> WriteAsync(string key, int? version, byte[] payload)
        {
            var rows = await ExecuteAsync(texts["WriteToStorageKey"], key, version, payload, r => r["NewGrainStateVersion"]);
            return AsVersion(Assert.Single(rows));
        }

        public async Task<int?> ClearAsync(string key, int? version)
        {
            // The provider reads the clear's answer by ordinal.
            var rows = await ExecuteAsync(texts["ClearStorageKey"], key, version, null, r => r.GetValue(0));
            return AsVersion(Assert.Single(rows));
        }

        public async Task<(byte[]? Payload, int? Version)> ReadAsync(string key)
        {
            var rows = await ExecuteAsync(texts["ReadFromStorageKey"], key, null, null, r => (r["PayloadBinary"], r["Version"]));
            var (payload, version) = Assert.Single(rows);
            return (payload as byte[], AsVersion(version));
        }

        private async Task<List<T>> ExecuteAsync<T>(string text, string key, int? version, byte[]? payload, Func<MySqlDataReader, T> selector)
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand(text, connection);
            // The provider's parameters (Orleans' AdoNetGrainStorage): a string key splits into N0 = N1 = 0 plus the key.
            Add(command, "GrainIdHash", DbType.Int32, key.GetHashCode(StringComparison.Ordinal));
            Add(command, "GrainIdN0", DbType.Int64, 0L);
            Add(command, "GrainIdN1", DbType.Int64, 0L);
            Add(command, "GrainTypeHash", DbType.Int32, stateName.GetHashCode(StringComparison.Ordinal));
            Add(command, "GrainTypeString", DbType.String, stateName);
            Add(command, "GrainIdExtensionString", DbType.String, key);
            Add(command, "ServiceId", DbType.String, ServiceId);
            Add(command, "GrainStateVersion", DbType.Int32, version);
            if (payload is not null)
            {
                Add(command, "PayloadBinary", DbType.Binary, payload);
            }
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync();
            do
            {
                while (await reader.ReadAsync())
                {
                    rows.Add(selector(reader));
                }
            }
            while (await reader.NextResultAsync());
            return rows;
        }

        private static void Add(MySqlCommand command, string name, DbType type, object? value) =>
            command.Parameters.Add(new MySqlParameter { ParameterName = name, DbType = type, Value = value ?? DBNull.Value });

        private static int? AsVersion(object? value) => value is null or DBNull ? null : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
