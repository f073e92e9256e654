using System.Diagnostics;
using MySqlConnector;
using Orleans.Runtime;

namespace PayGateway.Benchmarks;

public static class BenchmarkDatabase
{
    /// <summary><c>PAYGW_DB_SERVER</c>, or the <c>.run/db.env</c> that deploy/local/db.sh wrote (searched upwards).</summary>
    public static string ServerConnectionString()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("PAYGW_DB_SERVER");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var file = Path.Combine(dir.FullName, ".run", "db.env");
                if (File.Exists(file))
                {
                    var line = File.ReadAllLines(file).First(l => l.StartsWith("PAYGW_DB_SERVER=", StringComparison.Ordinal));
                    return line["PAYGW_DB_SERVER=".Length..].Trim('\'', '"');
                }
            }
        }
        throw new InvalidOperationException("No database configured: run deploy/local/db.sh, or set PAYGW_DB_SERVER.");
    }
}

public static class Sql
{
    public static async Task ExecuteAsync(string connectionString, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is T typed ? typed : (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<List<object?[]>> RowsAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }
}

/// <summary>
/// Stores pending orders directly in the database, shaped like real ones: an <c>order</c> state row made from a
/// real order's JSON (the projection trigger fills <c>paygw_order</c>), and its <c>order_key</c> row. Their next
/// check is a day away, so supervision only has to not find them.
/// </summary>
public sealed class Prefill(string connectionString, string serviceId, byte[] orderTemplate, byte[] keyTemplate)
{
    private const int Batch = 25_000;
    private long _filled;

    public async Task UpToAsync(long target)
    {
        var next = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();
        while (_filled < target)
        {
            var from = _filled + 1;
            var to = Math.Min(target, _filled + Batch);
            var ids = $"(SELECT CONCAT('P', LPAD(seq, 23, '0')) AS id FROM seq_{from}_to_{to}) s";
            await Sql.ExecuteAsync(connectionString,
                $"""
                INSERT INTO paygw_projected_state (IdentityHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
                SELECT paygw_grain_identity(@svc, 'order', 0, 0, s.id), @svc, 'order', 0, 0, s.id,
                       CAST(JSON_SET(CONVERT(@tpl USING utf8mb4), '$.order_id', s.id, '$.out_trade_no', s.id, '$.app_id', 'bench_prefill',
                                     '$.status', 'pending', '$.next_check_at_ms', @next, '$.next_supervision_at_ms', @next) AS BINARY),
                       1, UTC_TIMESTAMP(3)
                  FROM {ids}
                """,
                ("@svc", serviceId), ("@tpl", orderTemplate), ("@next", next));
            await Sql.ExecuteAsync(connectionString,
                $"""
                INSERT INTO OrleansStorage (IdentityHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
                SELECT paygw_grain_identity(@svc, 'order_key', 0, 0, CONCAT('bench_prefill:', s.id)), @svc, 'order_key', 0, 0, CONCAT('bench_prefill:', s.id),
                       CAST(JSON_SET(CONVERT(@tpl USING utf8mb4), '$.order_id', s.id) AS BINARY), 1, UTC_TIMESTAMP(3)
                  FROM {ids}
                """,
                ("@svc", serviceId), ("@tpl", keyTemplate));
            _filled = to;
        }
    }
}

public sealed record MemorySample(long WorkingSetBytes, long ManagedHeapBytes);

public static class Memory
{
    /// <summary>The whole benchmark process (silo, API host, simulator): working set and the managed heap after a full collection.</summary>
    public static MemorySample Read()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return new MemorySample(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true));
    }

    public static async Task<int> ActivationsAsync(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Sum(s => s.ActivationCount);
    }
}

/// <summary>
/// Garbage collections during one phase, for the latency rows: a blocking collection stops every request in the
/// process, so its pauses show up in the tail (p99) long before they matter to the mean.
/// </summary>
public sealed class GcWindow
{
    private readonly int[] _counts = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();

    public string Describe()
    {
        var gen0 = GC.CollectionCount(0) - _counts[0];
        var gen1 = GC.CollectionCount(1) - _counts[1];
        var gen2 = GC.CollectionCount(2) - _counts[2];
        var paused = (GC.GetTotalPauseDuration() - _paused).TotalMilliseconds;
        // A gen2 collection also counts as gen1 and gen0, and a gen1 as gen0: gen0 is the number of collections.
        var mean = gen0 > 0 ? paused / gen0 : 0;
        return $"GC: {gen0} collections ({gen1} reaching gen1, {gen2} gen2), {paused:N0} ms paused, {mean:0.0} ms per collection";
    }
}
