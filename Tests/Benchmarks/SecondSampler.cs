using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace PayGateway.Benchmarks;

/// <summary>
/// What the process and the database were doing in each second of an open-loop phase, so that a slow second can be
/// told apart: a garbage collection, a thread pool that ran out of threads (work queued, threads being injected),
/// lock contention, or the database waiting on its redo log or on row locks.
/// </summary>
/// <remarks>
/// In-process figures are sampled every 100 ms and the worst of each second kept (a queue that fills and drains
/// within a second would vanish from a once-a-second sample); the server's counters are read once a second.
/// </remarks>
public sealed class SecondSampler : IAsyncDisposable
{
    private static readonly string[] ServerCounters =
        ["Innodb_log_waits", "Innodb_data_fsyncs", "Innodb_row_lock_waits", "Innodb_row_lock_time", "Innodb_buffer_pool_wait_free", "Innodb_buffer_pool_reads", "Innodb_log_writes", "Questions"];

    private static readonly string[] ServerGauges = ["Threads_running", "Innodb_buffer_pool_pages_dirty"];

    private readonly string _connectionString;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Second> _seconds = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private SecondSampler(string connectionString)
    {
        _connectionString = connectionString;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Starts sampling now; second 0 of the report is the first second after this call.</summary>
    public static SecondSampler Start(string connectionString) => new(connectionString);

    private sealed class Second
    {
        public long MaxQueued;
        public double MaxTimerLateMs;
        public double MaxCommitMs;
        public int MaxThreads;
        public int Collections;
        public double PausedMs;
        public long LockContentions;
        public double ProcessCpuMs;
        public double DatabaseCpuMs;
        public double MachineBusyPercent;
        public Dictionary<string, double> Server = [];
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var previousServer = await ReadServerAsync();
        var gcCount = GC.CollectionCount(0);
        var paused = GC.GetTotalPauseDuration();
        var contentions = Monitor.LockContentionCount;
        var cpu = CpuSample.Read();
        await using var probe = new MySqlConnection(_connectionString);
        await probe.OpenAsync(cancellationToken);
        await using (var create = new MySqlCommand("CREATE TABLE IF NOT EXISTS bench_commit_probe (id BIGINT AUTO_INCREMENT PRIMARY KEY, at DATETIME(3) NOT NULL)", probe))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var insert = new MySqlCommand("INSERT INTO bench_commit_probe (at) VALUES (UTC_TIMESTAMP(3))", probe);
        var current = new Second();
        var tick = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var due = _clock.Elapsed;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                // How late the timer ran says whether the process had a thread and a core for it; how long one
                // durable autocommit INSERT takes says whether the database's commit path (and its fsync) stalled.
                due += TimeSpan.FromMilliseconds(100);
                current.MaxTimerLateMs = Math.Max(current.MaxTimerLateMs, (_clock.Elapsed - due).TotalMilliseconds);
                var commitStart = _clock.Elapsed;
                await insert.ExecuteNonQueryAsync(cancellationToken);
                current.MaxCommitMs = Math.Max(current.MaxCommitMs, (_clock.Elapsed - commitStart).TotalMilliseconds);
                due = _clock.Elapsed > due + TimeSpan.FromMilliseconds(100) ? _clock.Elapsed : due;
                current.MaxQueued = Math.Max(current.MaxQueued, ThreadPool.PendingWorkItemCount);
                current.MaxThreads = Math.Max(current.MaxThreads, ThreadPool.ThreadCount);
                if (++tick % 10 != 0)
                {
                    continue;
                }
                var nowCount = GC.CollectionCount(0);
                var nowPaused = GC.GetTotalPauseDuration();
                var nowContentions = Monitor.LockContentionCount;
                var nowCpu = CpuSample.Read();
                current.Collections = nowCount - gcCount;
                current.PausedMs = (nowPaused - paused).TotalMilliseconds;
                current.LockContentions = nowContentions - contentions;
                var used = nowCpu.Minus(cpu);
                current.ProcessCpuMs = used.Process.TotalMilliseconds;
                current.DatabaseCpuMs = used.Database.TotalMilliseconds;
                current.MachineBusyPercent = used.MachineTotal > TimeSpan.Zero ? 100 * used.MachineBusy / used.MachineTotal : 0;
                (gcCount, paused, contentions, cpu) = (nowCount, nowPaused, nowContentions, nowCpu);
                var server = await ReadServerAsync();
                foreach (var name in ServerCounters)
                {
                    current.Server[name] = server.GetValueOrDefault(name) - previousServer.GetValueOrDefault(name);
                }
                foreach (var name in ServerGauges)
                {
                    current.Server[name] = server.GetValueOrDefault(name);
                }
                previousServer = server;
                lock (_seconds)
                {
                    _seconds.Add(current);
                }
                current = new Second();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<Dictionary<string, double>> ReadServerAsync()
    {
        var names = string.Join(",", ServerCounters.Concat(ServerGauges).Select(n => $"'{n}'"));
        var rows = await Sql.RowsAsync(_connectionString, $"SHOW GLOBAL STATUS WHERE Variable_name IN ({names})");
        return rows.ToDictionary(r => (string)r[0]!, r => double.Parse(Convert.ToString(r[1], CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The given second of the phase and the one after it (a request due in a stalled second often finishes in
    /// the next), and the median second for comparison.
    /// </summary>
    public string Describe(int second)
    {
        List<Second> seconds;
        lock (_seconds)
        {
            seconds = [.. _seconds];
        }
        if (second < 0 || second >= seconds.Count)
        {
            return "";
        }
        var typical = seconds.OrderBy(s => s.ProcessCpuMs).ElementAt(seconds.Count / 2);
        var next = second + 1 < seconds.Count ? $"; the next second: {Line(seconds[second + 1])}" : "";
        return $"that second: {Line(seconds[second])}{next}; the median second: {Line(typical)}";
    }

    private static string Line(Second s) =>
        string.Create(CultureInfo.InvariantCulture,
            $"timer up to {s.MaxTimerLateMs:0} ms late, probe commit up to {s.MaxCommitMs:0} ms, CPU {s.ProcessCpuMs:0} ms process + {s.DatabaseCpuMs:0} ms mariadbd (machine {s.MachineBusyPercent:0} % busy), {s.Collections} GCs {s.PausedMs:0} ms paused, thread pool up to {s.MaxQueued} queued on {s.MaxThreads} threads, " +
            $"{s.LockContentions} lock contentions; server {s.Server.GetValueOrDefault("Questions"):0} questions, {s.Server.GetValueOrDefault("Threads_running"):0} threads running at its end, " +
            $"{s.Server.GetValueOrDefault("Innodb_log_writes"):0} log writes, {s.Server.GetValueOrDefault("Innodb_data_fsyncs"):0} fsyncs, {s.Server.GetValueOrDefault("Innodb_log_waits"):0} log waits, " +
            $"{s.Server.GetValueOrDefault("Innodb_row_lock_waits"):0} row lock waits ({s.Server.GetValueOrDefault("Innodb_row_lock_time"):0} ms), " +
            $"{s.Server.GetValueOrDefault("Innodb_buffer_pool_wait_free"):0} free-page waits, {s.Server.GetValueOrDefault("Innodb_buffer_pool_reads"):0} page reads from disk, {s.Server.GetValueOrDefault("Innodb_buffer_pool_pages_dirty"):0} dirty pages");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
