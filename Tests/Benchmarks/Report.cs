using System.Text;

namespace PayGateway.Benchmarks;

/// <summary>Collects the figures of one run and prints them as markdown.</summary>
public sealed class Report(BenchmarkOptions options, string database)
{
    private readonly List<string> _rows = [];
    private readonly List<string> _scale = [];
    private readonly List<string> _costs = [];
    private readonly List<string> _perOperation = [];
    private readonly List<string> _notes = [];
    private string _machine = "";
    private double _reference = double.NaN;
    private readonly Dictionary<string, double> _cpuPerOperation = new(StringComparer.Ordinal);

    public async Task DescribeMachineAsync(string connectionString)
    {
        var version = await Sql.ScalarAsync<string>(connectionString, "SELECT VERSION()");
        var variables = await Sql.RowsAsync(connectionString,
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('innodb_flush_log_at_trx_commit','innodb_buffer_pool_size','innodb_log_file_size','innodb_io_capacity','innodb_flush_neighbors','innodb_max_dirty_pages_pct_lwm','sync_binlog','log_bin')");
        var memory = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim() : "?";
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?"
            : "?";
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        _machine = $"{Environment.ProcessorCount} cores ({cpu}), {memory} RAM, load average at start {load}; MariaDB {version} on 127.0.0.1 " +
            $"({string.Join(", ", variables.Select(r => $"{r[0]}={r[1]}"))}); .NET {Environment.Version}; database {database}.";
    }

    private string Ratio(double rate) => double.IsNaN(_reference) ? "" : $"{rate / _reference:0.00}×";

    public void Reference(LoadResult result, PhaseCost cost)
    {
        _reference = result.PerSecond;
        Throughput("1. Raw single-row INSERT, MySqlConnector, connection held per caller (reference)", result, cost, "1 KB payload, autocommit");
    }

    public void Throughput(string name, LoadResult result, PhaseCost cost, string notes)
    {
        var failed = result.Failed > 0 ? $"; {result.Failed} failed" : "";
        _rows.Add($"| {name} | {result.PerSecond:N0}/s | {Ratio(result.PerSecond)} | {notes}{failed} |");
        if (result.CostDivisor > 0)
        {
            _costs.Add($"- **{name.Split(' ')[0]}** per operation: {cost.Describe(result.CostDivisor)}");
            double n = result.CostDivisor;
            _cpuPerOperation[name.Split(' ')[0]] = (cost.ProcessCpuWithoutJit + cost.Cpu.Database).TotalMilliseconds / n;
            _perOperation.Add($"| {name.Split(' ')[0]} | {cost.Server["Questions"] / n:0.00} | {cost.Server["Queries"] / n:0.0} | {cost.SiloGrainCalls / n:0.00} ({cost.ClientGrainCalls / n:0.00}) | " +
                $"{cost.Cpu.Process.TotalMilliseconds / n:0.00} ({cost.ProcessCpuWithoutJit.TotalMilliseconds / n:0.00}) | {cost.Cpu.Database.TotalMilliseconds / n:0.00} | " +
                $"{cost.Runtime.AllocatedBytes / n / 1024:0} | {cost.Server["Bytes_received"] / n:0} / {cost.Server["Bytes_sent"] / n:0} |");
        }
    }

    public void Latency(string name, LoadResult result, GcWindow gc, SecondSampler seconds)
    {
        var slowest = seconds.Describe(result.SlowestSecondIndex);
        if (slowest.Length > 0)
        {
            _notes.Add($"{name.Split(' ')[0]} slowest second ({result.SlowestSecondIndex}), {slowest}.");
        }
        var missed = result.Missed > 0 ? $"; {result.Missed} arrivals dropped (too many in flight)" : "";
        var failed = result.Failed > 0 ? $"; {result.Failed} failed" : "";
        _rows.Add($"| {name} | {result.PerSecond:N0}/s | | p50 {result.Percentile(50):0.0} ms, p95 {result.Percentile(95):0.0} ms, **p99 {result.Percentile(99):0.0} ms**, " +
            $"max {result.Percentile(100):0.0} ms{missed}{failed}; {result.SlowestSecond}; {gc.Describe()} |");
    }

    public void Supervision(int pending, TimeSpan window, MemorySample memory, int activations, PhaseCost cost)
    {
        var minutes = window.TotalMinutes;
        _scale.Add($"| {pending:N0} | {memory.WorkingSetBytes / 1048576.0:N0} MiB | {memory.ManagedHeapBytes / 1048576.0:N1} MiB | {activations:N0} | " +
            $"{cost.TotalCommands / minutes:N0} | {cost.Commands.GetValueOrDefault("Open") / minutes:N0} | {cost.Server["Questions"] / minutes:N0} | {cost.Server["Com_select"] / minutes:N0} |");
    }

    public async Task StorageFootprintAsync(string connectionString)
    {
        await Sql.ExecuteAsync(connectionString, "ANALYZE TABLE OrleansStorage, paygw_projected_state, paygw_order");
        foreach (var row in await Sql.RowsAsync(connectionString,
            "SELECT GrainTypeString, COUNT(*), AVG(LENGTH(PayloadBinary)), MAX(LENGTH(PayloadBinary)) FROM " +
            "(SELECT GrainTypeString, PayloadBinary FROM OrleansStorage UNION ALL SELECT GrainTypeString, PayloadBinary FROM paygw_projected_state) s " +
            "GROUP BY GrainTypeString ORDER BY 2 DESC"))
        {
            _notes.Add($"State rows `{row[0]}`: {row[1]:N0} rows, payload average {Convert.ToDouble(row[2], System.Globalization.CultureInfo.InvariantCulture):N0} B, max {row[3]:N0} B.");
        }
        foreach (var row in await Sql.RowsAsync(connectionString,
            "SELECT table_name, table_rows, data_length, index_length FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('OrleansStorage', 'paygw_projected_state', 'paygw_order')"))
        {
            var rows = Math.Max(1, Convert.ToInt64(row[1], System.Globalization.CultureInfo.InvariantCulture));
            _notes.Add($"Table `{row[0]}`: ~{rows:N0} rows, data {Convert.ToInt64(row[2], System.Globalization.CultureInfo.InvariantCulture) / rows:N0} B/row, indexes {Convert.ToInt64(row[3], System.Globalization.CultureInfo.InvariantCulture) / rows:N0} B/row (InnoDB estimates).");
        }
    }

    public void Note(string text) => _notes.Add(text);

    /// <summary>
    /// What a create and a callback would cost if the gateway's own work were free: their hops (counted in the
    /// cost table of phases 3 and 4) at what each costs alone in this run, and the rate that CPU would allow.
    /// </summary>
    public void FloorNotes()
    {
        if (!_cpuPerOperation.TryGetValue("1.", out var reference) || !_cpuPerOperation.TryGetValue("1b.", out var insert) ||
            !_cpuPerOperation.TryGetValue("F1.", out var http) || !_cpuPerOperation.TryGetValue("F2.", out var client) ||
            !_cpuPerOperation.TryGetValue("F3.", out var local))
        {
            return;
        }
        void Floor(string what, string id, int exchanges, int clientCalls, int localCalls, int roundTrips)
        {
            var floor = exchanges * http + clientCalls * client + localCalls * local + roundTrips * insert;
            var measured = _cpuPerOperation.TryGetValue(id, out var m) ? $"; measured in phase {id.TrimEnd('.')}: {m:0.00} ms, {m / floor:0.0}× its floor" : "";
            _notes.Add($"Floor of {what}: {exchanges} × an HTTP exchange ({http:0.000} ms, F1) + {clientCalls} × a client call ({client:0.000} ms, F2) + " +
                $"{localCalls} × a silo call ({local:0.000} ms, F3) + {roundTrips} × a database round trip at a raw INSERT's cost ({insert:0.000} ms, 1b) = " +
                $"{floor:0.00} ms of CPU (process and mariadbd) against the reference INSERT's {reference:0.000} ms: on a machine bound by CPU, " +
                $"at most {reference / floor:0.00}× the reference even if the gateway's own work cost nothing{measured}.");
        }
        Floor("a create", "3.", exchanges: 2, clientCalls: 3, localCalls: 1, roundTrips: 6);
        Floor("a callback → webhook", "4.", exchanges: 2, clientCalls: 1, localCalls: 3, roundTrips: 2);
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"### {options.Mode} run{(options.Label.Length > 0 ? $": {options.Label}" : "")} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        text.AppendLine();
        text.AppendLine($"Machine: {_machine}");
        text.AppendLine();
        text.AppendLine($"Command: `dotnet run -c Release --project Tests/Benchmarks --{(options.Quick ? " --quick" : "")}{(options.DbOptions.Length > 0 ? $" --db-options \"{options.DbOptions}\"" : "")}` " +
            $"({options.Callers} callers, {options.Duration.TotalSeconds:0} s per phase after {options.Warmup.TotalSeconds:0} s warm-up).");
        text.AppendLine();
        text.AppendLine("| Workload | Throughput | Ratio to raw INSERT | Notes |");
        text.AppendLine("|---|---:|---:|---|");
        _rows.ForEach(r => text.AppendLine(r));
        text.AppendLine();
        text.AppendLine($"Supervision, idle for {options.IdleWindow.TotalSeconds:0} s with N pending orders stored (next check a day away); rates per minute:");
        text.AppendLine();
        text.AppendLine("| Pending orders | Process working set | Managed heap | Activations | Our DB commands/min | Connection opens/min | Server Questions/min | Server Com_select/min |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        _scale.ForEach(r => text.AppendLine(r));
        text.AppendLine();
        text.AppendLine("Cost per operation (counts are exact for this process; Questions and Queries are the server's, which other clients add to):");
        text.AppendLine();
        text.AppendLine("| Phase | DB round trips (Questions) | Server statements (Queries) | Grain calls (sent by the API host) | Process CPU ms (without background JIT) | mariadbd CPU ms | Allocated KB | DB bytes in / out |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        _perOperation.ForEach(r => text.AppendLine(r));
        text.AppendLine();
        text.AppendLine("Database cost per operation (our commands counted in-process by MySqlConnector's ActivitySource; server counters are global and include other clients):");
        text.AppendLine();
        _costs.ForEach(c => text.AppendLine(c));
        text.AppendLine();
        _notes.ForEach(n => text.AppendLine($"- {n}"));
        return text.ToString();
    }
}
