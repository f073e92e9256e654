using System.Collections.Concurrent;
using System.Diagnostics;
using MySqlConnector;

namespace PayGateway.Benchmarks;

/// <summary>Server-wide counters (SHOW GLOBAL STATUS) before and after a phase. Other clients of the server add noise.</summary>
public sealed record ServerStatus(IReadOnlyDictionary<string, long> Values)
{
    public static readonly string[] Names =
    [
        "Questions", "Queries", "Com_select", "Com_insert", "Com_update", "Com_call_procedure", "Com_stmt_execute",
        "Bytes_received", "Bytes_sent", "Innodb_data_fsyncs", "Innodb_os_log_written", "Connections",
        "Handler_commit", "Com_reset_connection",
    ];

    public static async Task<ServerStatus> ReadAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(
            $"SHOW GLOBAL STATUS WHERE Variable_name IN ({string.Join(",", Names.Select(n => $"'{n}'"))})", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync())
        {
            values[reader.GetString(0)] = long.TryParse(reader.GetString(1), out var v) ? v : 0;
        }
        return new ServerStatus(values);
    }

    public long this[string name] => Values.TryGetValue(name, out var v) ? v : 0;

    public ServerStatus Minus(ServerStatus earlier) =>
        new(Values.ToDictionary(kv => kv.Key, kv => kv.Value - earlier[kv.Key], StringComparer.OrdinalIgnoreCase));
}

/// <summary>
/// Counts this process's own database commands (MySqlConnector's ActivitySource), exactly, whatever else the
/// shared server is doing.
/// </summary>
public sealed class CommandCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public CommandCounter()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MySqlConnector",
            // Counted when MySqlConnector asks whether to record, and declined: no Activity (and none of its tags) is
            // created, so counting adds almost nothing to the allocation and CPU figures it sits among.
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
            {
                _counts.AddOrUpdate(options.Name, 1, (_, n) => n + 1);
                return ActivitySamplingResult.None;
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts);

    public static IReadOnlyDictionary<string, long> Delta(IReadOnlyDictionary<string, long> after, IReadOnlyDictionary<string, long> before) =>
        after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));

    public void Dispose() => _listener.Dispose();
}

/// <summary>CPU time used so far by this process, by mariadbd, and by the whole machine (all from /proc).</summary>
/// <remarks><see cref="MachineIoWait"/> is idle time with disk I/O outstanding: counted as not busy.</remarks>
public sealed record CpuSample(TimeSpan Process, TimeSpan Database, TimeSpan MachineBusy, TimeSpan MachineTotal, TimeSpan MachineIoWait = default)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static CpuSample Read()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var machine = Machine();
        return new CpuSample(self.TotalProcessorTime, DatabaseCpu(), machine.Busy, machine.Total, machine.IoWait);
    }

    public CpuSample Minus(CpuSample earlier) =>
        new(Process - earlier.Process, Database - earlier.Database, MachineBusy - earlier.MachineBusy, MachineTotal - earlier.MachineTotal,
            MachineIoWait - earlier.MachineIoWait);

    private static string? _databaseStat;

    private static TimeSpan DatabaseCpu()
    {
        _databaseStat ??= FindDatabaseStat();
        if (_databaseStat is null)
        {
            return TimeSpan.Zero;
        }
        var fields = File.ReadAllText(_databaseStat).Split(") ")[1].Split(' ');
        var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>The /proc stat file of the local mariadbd (processes come and go while /proc is listed).</summary>
    private static string? FindDatabaseStat()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() is "mariadbd" or "mysqld")
                {
                    return Path.Combine(dir, "stat");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    private static (TimeSpan Busy, TimeSpan Total, TimeSpan IoWait) Machine()
    {
        if (!File.Exists("/proc/stat"))
        {
            return (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Take(8).Sum();
        var idle = cpu[3] + cpu[4];
        return (TimeSpan.FromSeconds((total - idle) / TicksPerSecond), TimeSpan.FromSeconds(total / TicksPerSecond), TimeSpan.FromSeconds(cpu[4] / TicksPerSecond));
    }
}

/// <summary>
/// What the .NET runtime did in this process: CPU of the background (tiered) JIT thread, bytes allocated, GC
/// pauses. The JIT thread's CPU comes from /proc (JitInfo's compilation time is wall-clock time, which a busy
/// machine inflates); threads that exit within the window are not counted, so it is a lower bound.
/// </summary>
public sealed record RuntimeSample(IReadOnlyDictionary<int, TimeSpan> JitThreads, long AllocatedBytes, TimeSpan GcPause)
{
    public static RuntimeSample Read() => new(JitThreadCpu(), GC.GetTotalAllocatedBytes(precise: false), GC.GetTotalPauseDuration());

    public TimeSpan Jit => TimeSpan.FromTicks(JitThreads.Values.Sum(t => t.Ticks));

    public RuntimeSample Minus(RuntimeSample earlier) => new(
        JitThreads.ToDictionary(kv => kv.Key, kv => kv.Value - earlier.JitThreads.GetValueOrDefault(kv.Key)),
        AllocatedBytes - earlier.AllocatedBytes, GcPause - earlier.GcPause);

    private static Dictionary<int, TimeSpan> JitThreadCpu()
    {
        var threads = new Dictionary<int, TimeSpan>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return threads;
        }
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                if (!stat[(open + 1)..close].StartsWith(".NET Tiered Com", StringComparison.Ordinal))
                {
                    continue;
                }
                var fields = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture)] = TimeSpan.FromSeconds(ticks / 100.0);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // The thread exited while /proc was read.
            }
        }
        return threads;
    }
}

/// <summary>
/// A phase's cost: this process's database commands and grain calls (exact), the server's counters over the same
/// window (global), CPU time, and the runtime's JIT, allocation and GC figures.
/// </summary>
public sealed record PhaseCost(IReadOnlyDictionary<string, long> Commands, ServerStatus Server, CpuSample Cpu, IReadOnlyDictionary<string, long> GrainCalls, RuntimeSample Runtime)
{
    public long TotalCommands => Commands.Where(kv => kv.Key != "Open").Sum(kv => kv.Value);

    /// <summary>Calls received by grains on the silo, from the API host or from other grains.</summary>
    public long SiloGrainCalls => GrainCalls.Where(kv => kv.Key.StartsWith("silo ", StringComparison.Ordinal)).Sum(kv => kv.Value);

    /// <summary>Calls the API host's client sent to the silo.</summary>
    public long ClientGrainCalls => GrainCalls.Where(kv => kv.Key.StartsWith("client ", StringComparison.Ordinal)).Sum(kv => kv.Value);

    /// <summary>Process CPU without the background JIT thread's (which only warm-up pays in a long-running host).</summary>
    public TimeSpan ProcessCpuWithoutJit => Cpu.Process - Runtime.Jit;

    public static async Task<(T Result, PhaseCost Cost)> MeasureAsync<T>(string connectionString, CommandCounter counter, Func<Task<T>> phase)
    {
        var serverBefore = await ServerStatus.ReadAsync(connectionString);
        var before = counter.Snapshot();
        var callsBefore = GrainCallCounter.Snapshot();
        var runtimeBefore = RuntimeSample.Read();
        var cpuBefore = CpuSample.Read();
        var result = await phase();
        var cpu = CpuSample.Read().Minus(cpuBefore);
        var runtime = RuntimeSample.Read().Minus(runtimeBefore);
        var calls = CommandCounter.Delta(GrainCallCounter.Snapshot(), callsBefore);
        var after = counter.Snapshot();
        var serverAfter = await ServerStatus.ReadAsync(connectionString);
        var server = serverAfter.Minus(serverBefore);
        return (result, new PhaseCost(CommandCounter.Delta(after, before), server, cpu, calls, runtime));
    }

    public string Describe(double operations) =>
        $"CPU {Cpu.Process.TotalMilliseconds / operations:0.00} ms in this process (background JIT {Runtime.Jit.TotalMilliseconds / operations:0.00} ms of it) + {Cpu.Database.TotalMilliseconds / operations:0.00} ms in mariadbd " +
        $"(machine {Cpu.MachineBusy.TotalSeconds / Math.Max(0.001, Cpu.MachineTotal.TotalSeconds):P0} busy, others included); " +
        $"allocated {Runtime.AllocatedBytes / operations / 1024:0.0} KB, GC pauses {Runtime.GcPause.TotalMilliseconds / operations:0.000} ms; " +
        $"{TotalCommands / operations:0.00} commands/op ({string.Join(", ", Commands.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key} {kv.Value / operations:0.00}"))}); " +
        $"grain calls {SiloGrainCalls / operations:0.00} received by grains, {ClientGrainCalls / operations:0.00} of them sent by the API host " +
        $"({string.Join(", ", GrainCalls.Where(kv => kv.Value / operations >= 0.01).OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value / operations:0.00}"))}); " +
        $"server: Questions {Server["Questions"] / operations:0.00}, Queries {Server["Queries"] / operations:0.00}, " +
        $"Com_select {Server["Com_select"] / operations:0.00}, Com_insert {Server["Com_insert"] / operations:0.00}, " +
        $"Com_update {Server["Com_update"] / operations:0.00}, Com_call_procedure {Server["Com_call_procedure"] / operations:0.00}, " +
        $"bytes in/out {Server["Bytes_received"] / operations:0}/{Server["Bytes_sent"] / operations:0}, fsyncs {Server["Innodb_data_fsyncs"] / operations:0.00}";
}

/// <summary>
/// Waits for the server to write out what a bulk load left dirty in its buffer pool. The pre-fill stores a million
/// orders in minutes, far faster than a gateway takes them; measuring creates while the server is still writing
/// those pages back would measure the pre-fill, not the effect of the orders being there.
/// </summary>
public static class DirtyPages
{
    public static async Task<string> SettleAsync(string connectionString, string whose, double percent, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var (dirty, total) = await ReadAsync(connectionString);
        var start = dirty;
        while (dirty * 100.0 / total > percent && clock.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            (dirty, total) = await ReadAsync(connectionString);
        }
        return $"waited {clock.Elapsed.TotalSeconds:0} s for {whose} dirty pages to be written out: {start:N0} → {dirty:N0} of {total:N0} pages dirty";
    }

    private static async Task<(long Dirty, long Total)> ReadAsync(string connectionString)
    {
        var rows = await Sql.RowsAsync(connectionString,
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')");
        var values = rows.ToDictionary(r => (string)r[0]!, r => long.Parse(Convert.ToString(r[1], System.Globalization.CultureInfo.InvariantCulture)!, System.Globalization.CultureInfo.InvariantCulture));
        return (values["Innodb_buffer_pool_pages_dirty"], values["Innodb_buffer_pool_pages_total"]);
    }
}
