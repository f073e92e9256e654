using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace PayGateway.Benchmarks;

/// <summary>
/// What the process and the database were doing in each second of an open-loop phase, so that a slow second can be
/// told apart: a paused process (garbage collection, no core free), a starved thread pool (work queued, no thread to
/// run it), or a database whose commits stalled, and with how much CPU in use.
/// </summary>
/// <remarks>
/// Three independent probes, so that one stalling does not hide another:
/// <list type="bullet">
/// <item>a dedicated thread (not a pool thread) that sleeps 100 ms at a time and records how late it wakes (the
/// whole process paused), and queues a work item each time, recording how long it waits for a pool thread;</item>
/// <item>a loop that commits one row on its own connection every 100 ms and records the slowest commit;</item>
/// <item>once a second: CPU of this process, of mariadbd and of the machine, garbage collections, lock contention
/// and the server's counters.</item>
/// </list>
/// Each figure is filed under the second of the phase in which its measurement started.
/// </remarks>
public sealed class SecondSampler : IAsyncDisposable
{
    private static readonly string[] ServerCounters =
    [
        "Innodb_log_waits", "Innodb_data_fsyncs", "Innodb_row_lock_waits", "Innodb_row_lock_time", "Innodb_buffer_pool_wait_free",
        "Innodb_buffer_pool_reads", "Innodb_log_writes", "Questions",
    ];

    private static readonly string[] ServerGauges = ["Threads_running", "Innodb_buffer_pool_pages_dirty"];

    private readonly string _connectionString;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<int, Second> _seconds = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _pauseProbe;
    private readonly Task _commitProbe;
    private readonly Task _counters;

    private SecondSampler(string connectionString)
    {
        _connectionString = connectionString;
        _pauseProbe = new Thread(PauseProbe) { IsBackground = true, Name = "benchmark pause probe" };
        _pauseProbe.Start();
        _commitProbe = Task.Run(() => CommitProbeAsync(_stop.Token));
        _counters = Task.Run(() => CountersAsync(_stop.Token));
    }

    /// <summary>Starts sampling now; second 0 of the report is the first second after this call.</summary>
    public static SecondSampler Start(string connectionString) => new(connectionString);

    private sealed class Second
    {
        public double MaxPauseMs;
        public double MaxPoolWaitMs;
        public double MaxCommitMs;
        public long MaxQueued;
        public int MaxThreads;
        public int Collections;
        public double PausedMs;
        public long LockContentions;
        public double ProcessCpuMs;
        public double DatabaseCpuMs;
        public double MachineBusyPercent;
        public double MachineIoWaitPercent;
        public Dictionary<string, double> Server = [];
    }

    private int Now(out TimeSpan elapsed)
    {
        elapsed = _clock.Elapsed;
        return (int)elapsed.TotalSeconds;
    }

    /// <summary>Runs <paramref name="update"/> on the record of <paramref name="second"/> under the one lock.</summary>
    private void Update(int second, Action<Second> update)
    {
        lock (_seconds)
        {
            if (!_seconds.TryGetValue(second, out var record))
            {
                _seconds[second] = record = new Second();
            }
            update(record);
        }
    }

    private void PauseProbe()
    {
        while (!_stop.IsCancellationRequested)
        {
            var second = Now(out var before);
            Thread.Sleep(100);
            var late = (_clock.Elapsed - before).TotalMilliseconds - 100;
            var queuedAt = _clock.Elapsed;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                var waited = (_clock.Elapsed - queuedAt).TotalMilliseconds;
                Update((int)queuedAt.TotalSeconds, s => s.MaxPoolWaitMs = Math.Max(s.MaxPoolWaitMs, waited));
            }, null);
            var queued = ThreadPool.PendingWorkItemCount;
            var threads = ThreadPool.ThreadCount;
            Update(second, s =>
            {
                s.MaxPauseMs = Math.Max(s.MaxPauseMs, late);
                s.MaxQueued = Math.Max(s.MaxQueued, queued);
                s.MaxThreads = Math.Max(s.MaxThreads, threads);
            });
        }
    }

    private async Task CommitProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var probe = new MySqlConnection(_connectionString);
            await probe.OpenAsync(cancellationToken);
            await using (var create = new MySqlCommand("CREATE TABLE IF NOT EXISTS bench_commit_probe (id BIGINT AUTO_INCREMENT PRIMARY KEY, at DATETIME(3) NOT NULL)", probe))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            await using var insert = new MySqlCommand("INSERT INTO bench_commit_probe (at) VALUES (UTC_TIMESTAMP(3))", probe);
            while (!cancellationToken.IsCancellationRequested)
            {
                var second = Now(out var start);
                await insert.ExecuteNonQueryAsync(cancellationToken);
                var took = (_clock.Elapsed - start).TotalMilliseconds;
                Update(second, s => s.MaxCommitMs = Math.Max(s.MaxCommitMs, took));
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, 100 - took)), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CountersAsync(CancellationToken cancellationToken)
    {
        var previousServer = await ReadServerAsync();
        var gcCount = GC.CollectionCount(0);
        var paused = GC.GetTotalPauseDuration();
        var contentions = Monitor.LockContentionCount;
        var cpu = CpuSample.Read();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            var second = 0;
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var nowCount = GC.CollectionCount(0);
                var nowPaused = GC.GetTotalPauseDuration();
                var nowContentions = Monitor.LockContentionCount;
                var nowCpu = CpuSample.Read();
                var server = await ReadServerAsync();
                var used = nowCpu.Minus(cpu);
                var (collections, pausedMs, lockContentions) = (nowCount - gcCount, (nowPaused - paused).TotalMilliseconds, nowContentions - contentions);
                Update(second++, s =>
                {
                    s.Collections = collections;
                    s.PausedMs = pausedMs;
                    s.LockContentions = lockContentions;
                    s.ProcessCpuMs = used.Process.TotalMilliseconds;
                    s.DatabaseCpuMs = used.Database.TotalMilliseconds;
                    s.MachineBusyPercent = used.MachineTotal > TimeSpan.Zero ? 100 * used.MachineBusy / used.MachineTotal : 0;
                    s.MachineIoWaitPercent = used.MachineTotal > TimeSpan.Zero ? 100 * used.MachineIoWait / used.MachineTotal : 0;
                    foreach (var name in ServerCounters)
                    {
                        s.Server[name] = server.GetValueOrDefault(name) - previousServer.GetValueOrDefault(name);
                    }
                    foreach (var name in ServerGauges)
                    {
                        s.Server[name] = server.GetValueOrDefault(name);
                    }
                });
                (gcCount, paused, contentions, cpu, previousServer) = (nowCount, nowPaused, nowContentions, nowCpu, server);
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
        lock (_seconds)
        {
            if (!_seconds.TryGetValue(second, out var slowest))
            {
                return "";
            }
            var sampled = _seconds.Values.Where(s => s.Server.Count > 0).OrderBy(s => s.ProcessCpuMs).ToList();
            var next = _seconds.TryGetValue(second + 1, out var after) ? $"; the next second: {Line(after)}" : "";
            var typical = sampled.Count > 0 ? $"; the median second: {Line(sampled[sampled.Count / 2])}" : "";
            return $"that second: {Line(slowest)}{next}{typical}";
        }
    }

    private static string Line(Second s) =>
        string.Create(CultureInfo.InvariantCulture,
            $"process paused up to {s.MaxPauseMs:0} ms, pool work waited up to {s.MaxPoolWaitMs:0} ms ({s.MaxQueued} queued, {s.MaxThreads} threads), " +
            $"probe commit up to {s.MaxCommitMs:0} ms; CPU {s.ProcessCpuMs:0} ms process + {s.DatabaseCpuMs:0} ms mariadbd (machine {s.MachineBusyPercent:0} % busy, {s.MachineIoWaitPercent:0} % waiting for I/O), " +
            $"{s.Collections} GCs {s.PausedMs:0} ms paused, {s.LockContentions} lock contentions; server {s.Server.GetValueOrDefault("Questions"):0} questions, " +
            $"{s.Server.GetValueOrDefault("Threads_running"):0} threads running at its end, {s.Server.GetValueOrDefault("Innodb_log_writes"):0} log writes, " +
            $"{s.Server.GetValueOrDefault("Innodb_data_fsyncs"):0} fsyncs, {s.Server.GetValueOrDefault("Innodb_log_waits"):0} log waits, " +
            $"{s.Server.GetValueOrDefault("Innodb_row_lock_waits"):0} row lock waits ({s.Server.GetValueOrDefault("Innodb_row_lock_time"):0} ms), " +
            $"{s.Server.GetValueOrDefault("Innodb_buffer_pool_wait_free"):0} free-page waits, {s.Server.GetValueOrDefault("Innodb_buffer_pool_reads"):0} page reads from disk, " +
            $"{s.Server.GetValueOrDefault("Innodb_buffer_pool_pages_dirty"):0} dirty pages");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_commitProbe, _counters);
        _pauseProbe.Join();
        _stop.Dispose();
    }
}
