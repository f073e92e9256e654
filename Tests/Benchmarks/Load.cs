using System.Diagnostics;

namespace PayGateway.Benchmarks;

/// <summary>What one load run produced: completed operations in the measured window, failures, and latencies.</summary>
/// <remarks><see cref="AllCompleted"/> includes the warm-up: it is what per-operation costs measured over the whole phase divide by.</remarks>
public sealed record LoadResult(long Completed, long Failed, TimeSpan Elapsed, double[] LatenciesMs, long Missed = 0, long AllCompleted = -1)
{
    public long CostDivisor => AllCompleted >= 0 ? AllCompleted : Completed;

    /// <summary>Open loop only: the second of the run with the slowest request, and how many requests were slow.</summary>
    public string SlowestSecond { get; init; } = "";

    /// <summary>Open loop only: which second that was (0 is the first), or -1.</summary>
    public int SlowestSecondIndex { get; init; } = -1;

    public double PerSecond => Completed / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }
        var sorted = LatenciesMs.Order().ToArray();
        var index = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }
}

/// <summary>Closed-loop (N callers, each waits for its answer) and open-loop (fixed arrival rate) load.</summary>
public static class Load
{
    /// <summary>
    /// <paramref name="workers"/> callers run <paramref name="operation"/> back to back. Operations that finish
    /// during <paramref name="warmup"/> are not counted; the run stops taking new work at the end of the window.
    /// </summary>
    public static async Task<LoadResult> ClosedLoopAsync(int workers, TimeSpan warmup, TimeSpan duration, Func<int, long, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var stopAt = warmup + duration;
        long completed = 0, failed = 0, all = 0;
        var latencies = new List<double>[workers];
        Exception? firstError = null;

        async Task Worker(int worker)
        {
            var mine = latencies[worker] = new List<double>(4096);
            for (long i = 0; clock.Elapsed < stopAt; i++)
            {
                var start = clock.Elapsed;
                try
                {
                    await operation(worker, i);
                    var end = clock.Elapsed;
                    Interlocked.Increment(ref all);
                    if (start >= measureFrom && end <= stopAt)
                    {
                        Interlocked.Increment(ref completed);
                        mine.Add((end - start).TotalMilliseconds);
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref firstError, ex, null);
                    Interlocked.Increment(ref failed);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => Worker(w))));
        if (firstError is not null && failed > completed / 100)
        {
            Console.Error.WriteLine($"  {failed} operations failed; first: {firstError.GetType().Name}: {firstError.Message}");
        }
        return new LoadResult(completed, failed, duration, [.. latencies.SelectMany(l => l)], AllCompleted: all);
    }

    /// <summary>
    /// Starts operations at a fixed rate whether or not earlier ones have finished (no coordinated omission: a
    /// latency is measured from when the request was due, not from when it was sent). At most
    /// <paramref name="maxInFlight"/> run at once; arrivals beyond that are counted as missed.
    /// </summary>
    public static async Task<LoadResult> OpenLoopAsync(double perSecond, TimeSpan duration, Func<long, Task> operation, int maxInFlight = 1024)
    {
        var clock = Stopwatch.StartNew();
        var total = (long)(perSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var done = new bool[total];
        long failed = 0, missed = 0, inFlight = 0;
        var running = new List<Task>((int)Math.Min(total, 1_000_000));
        Exception? firstError = null;

        async Task One(long i, TimeSpan due)
        {
            try
            {
                await operation(i);
                latencies[i] = (clock.Elapsed - due).TotalMilliseconds;
                done[i] = true;
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref firstError, ex, null);
                Interlocked.Increment(ref failed);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        for (long i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }
            if (Interlocked.Read(ref inFlight) >= maxInFlight)
            {
                missed++;
                continue;
            }
            Interlocked.Increment(ref inFlight);
            var n = i;
            running.Add(Task.Run(() => One(n, due)));
        }
        await Task.WhenAll(running);
        if (firstError is not null)
        {
            Console.Error.WriteLine($"  {failed} operations failed; first: {firstError.GetType().Name}: {firstError.Message}");
        }
        var measured = Enumerable.Range(0, (int)total).Where(i => done[i]).Select(i => latencies[i]).ToArray();
        // Where in the run the tail came from: a stall shows as one second with many slow requests, a steady tail
        // as slow requests spread over every second.
        var worst = Enumerable.Range(0, (int)total).Where(i => done[i])
            .GroupBy(i => (int)(i / perSecond))
            .Select(g => (Second: g.Key, Max: g.Max(i => latencies[i]), Slow: g.Count(i => latencies[i] > 100)))
            .OrderByDescending(s => s.Max)
            .FirstOrDefault();
        var slowestSecond = measured.Length == 0 ? "" :
            $"slowest second {worst.Second} of {(int)duration.TotalSeconds}: max {worst.Max:0} ms, {worst.Slow} over 100 ms; {measured.Count(l => l > 100)} over 100 ms in all";
        return new LoadResult(measured.Length, failed, duration, measured, missed) { SlowestSecond = slowestSecond, SlowestSecondIndex = measured.Length == 0 ? -1 : worst.Second };
    }
}
