using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MySqlConnector;
using PayGateway.Benchmarks;
using PayGateway.Silo.Storage;

// The gateway's performance benchmark (issue 7). One run, one fresh database, one machine; see docs/performance.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchmarkOptions.Parse(args);
var total = Stopwatch.StartNew();

var server = new MySqlConnectionStringBuilder(BenchmarkDatabase.ServerConnectionString());
if (server.Server is not ("127.0.0.1" or "localhost" or "::1"))
{
    throw new InvalidOperationException("The benchmark only ever talks to a database on 127.0.0.1.");
}
var databaseName = $"paygw_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
var admin = new MySqlConnectionStringBuilder(server.ConnectionString)
{
    Database = databaseName,
    ApplicationName = "paygw-bench-admin",
    DefaultCommandTimeout = 900,
    MaximumPoolSize = 100,
}.ConnectionString;
// What the gateway's hosts will use: the configured string with the gateway's defaults (GatewayConnectionString).
var gatewayConnection = PayGateway.Hosting.GatewayConnectionString.WithDefaults(
    new MySqlConnectionStringBuilder(server.ConnectionString + ";" + options.DbOptions) { Database = databaseName }.ConnectionString);

var report = new Report(options, databaseName);
Console.WriteLine($"Benchmark ({options.Mode}), database {databaseName}, {options.Callers} callers; gateway connection options: '{options.DbOptions}'");
await new SchemaMigrator(admin, SchemaMigrator.DefaultSqlDirectory, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).MigrateAsync();
await report.DescribeMachineAsync(admin);

using var counter = new CommandCounter();
GatewayUnderTest? gateway = null;
try
{
    // 1. The reference: what the database does with plain single-row durable INSERTs at the same concurrency.
    await Sql.ExecuteAsync(admin, "CREATE TABLE bench_raw (id BIGINT NOT NULL PRIMARY KEY, payload VARBINARY(1200) NOT NULL, created_at DATETIME(3) NOT NULL) ENGINE = InnoDB");
    var payload = Encoding.UTF8.GetBytes(new string('x', 1000));
    var held = new MySqlConnection[options.Callers];
    for (var i = 0; i < held.Length; i++)
    {
        held[i] = new MySqlConnection(admin);
        await held[i].OpenAsync();
    }
    Console.WriteLine("1. raw INSERTs");
    var (raw, rawCost) = await PhaseCost.MeasureAsync(admin, counter, () => Load.ClosedLoopAsync(options.Callers, options.Warmup, options.Duration, async (w, i) =>
    {
        await using var insert = new MySqlCommand("INSERT INTO bench_raw (id, payload, created_at) VALUES (@id, @p, UTC_TIMESTAMP(3))", held[w]);
        insert.Parameters.AddWithValue("@id", 1_000_000_000L * w + i);
        insert.Parameters.AddWithValue("@p", payload);
        await insert.ExecuteNonQueryAsync();
    }));
    foreach (var connection in held)
    {
        await connection.DisposeAsync();
    }
    report.Reference(raw, rawCost);

    Console.WriteLine("1b. raw INSERTs, pooled connection per insert (gateway's connection string)");
    var (pooled, pooledCost) = await PhaseCost.MeasureAsync(admin, counter, () => Load.ClosedLoopAsync(options.Callers, options.Warmup, options.Duration, async (w, i) =>
    {
        await using var connection = new MySqlConnection(gatewayConnection);
        await connection.OpenAsync();
        await using var insert = new MySqlCommand("INSERT INTO bench_raw (id, payload, created_at) VALUES (@id, @p, UTC_TIMESTAMP(3))", connection);
        insert.Parameters.AddWithValue("@id", 1_000_000_000L * (w + 100) + i);
        insert.Parameters.AddWithValue("@p", payload);
        await insert.ExecuteNonQueryAsync();
    }));
    report.Throughput("1b. Raw INSERT, pooled connection opened per insert (gateway's connection string)", pooled, pooledCost, "what any per-call ADO.NET code pays for connection checkout");

    Console.WriteLine("starting the gateway (silo, API host, channel simulator, webhook sink)");
    gateway = await GatewayUnderTest.StartAsync(gatewayConnection);
    var grains = gateway.SiloGrains;

    if (options.Only != "storage")
    {
        // F. The hops of a create and a callback, each alone and doing nothing: what the framework and the kernel
        // cost per hop on this machine, the floor under any create (Report.FloorNotes).
        await using var floors = await HopFloors.StartAsync();
        Console.WriteLine("F1. HTTP exchanges on loopback");
        var (exchanges, exchangeCost) = await PhaseCost.MeasureAsync(admin, counter, () => Load.ClosedLoopAsync(options.Callers, options.Warmup, options.Duration,
            (w, i) => floors.ExchangeAsync()));
        report.Throughput("F1. Floor: an HTTP exchange on loopback (HttpClient → Kestrel, 300 B posted, 600 B answered, nothing behind it)", exchanges, exchangeCost, "");
        Console.WriteLine("F2. grain calls from the API host's client");
        var clusterClient = gateway.Api.Services.GetRequiredService<IClusterClient>();
        var fromClient = Enumerable.Range(0, options.Callers).Select(w => clusterClient.GetGrain<IHopGrain>(w)).ToArray();
        var (clientCalls, clientCallCost) = await PhaseCost.MeasureAsync(admin, counter, () => Load.ClosedLoopAsync(options.Callers, options.Warmup, options.Duration,
            (w, i) => fromClient[w].EchoAsync(HopFloors.RequestBody)));
        report.Throughput("F2. Floor: a grain call from the API host's client to the silo (300 B in, 600 B out, no work)", clientCalls, clientCallCost, "");
        Console.WriteLine("F3. grain calls on the silo");
        var onSilo = Enumerable.Range(0, options.Callers).Select(w => grains.GetGrain<IHopGrain>(1000 + w)).ToArray();
        var (localCalls, localCallCost) = await PhaseCost.MeasureAsync(admin, counter, () => Load.ClosedLoopAsync(options.Callers, options.Warmup, options.Duration,
            (w, i) => onSilo[w].EchoAsync(HopFloors.RequestBody)));
        report.Throughput("F3. Floor: the same call made on the silo", localCalls, localCallCost, "");
    }

    if (options.Only is null or "storage")
    {
        // 2. Grain state writes through the ADO.NET provider and the project's OrleansQuery texts.
        Console.WriteLine("2. grain state writes (updates)");
        // The references are made once, as a caller that writes the same grains again would hold them: making a reference
        // (key formatting, GrainId, proxy) is the load generator's work, not the storage path's.
        var updated = Enumerable.Range(0, options.Callers)
            .Select(w => Enumerable.Range(0, 8).Select(g => grains.GetGrain<IStateWriteGrain>($"upd-{w}-{g}")).ToArray())
            .ToArray();
        var (updates, updateCost) = await PhaseCost.MeasureAsync(admin, counter, () => Load.ClosedLoopAsync(options.Callers, options.Warmup, options.Duration,
            (w, i) => updated[w][i % 8].WriteAsync((int)i)));
        report.Throughput("2. Grain state writes: updates (1 KB JSON state, default storage provider)", updates, updateCost, "64 callers × 8 grains each, from the silo");

        Console.WriteLine("2b. grain state writes (new grains)");
        var newPerCaller = new long[options.Callers];
        IStateWriteGrain NewGrain(int caller, long i) => grains.GetGrain<IStateWriteGrain>($"new-{caller}-{i}");
        var (inserts, insertCost) = await PhaseCost.MeasureAsync(admin, counter, () => Load.ClosedLoopAsync(options.Callers, options.Warmup, options.Duration,
            (w, i) =>
            {
                newPerCaller[w] = i + 1;
                return NewGrain(w, i).WriteAsync(1);
            }));
        report.Throughput("2b. Grain state writes: first write of a new grain (activation read + insert)", inserts, insertCost, "");

        // The REST phases measure the gateway, not the aftermath of this synthetic one: its grains (tens of thousands,
        // collected only after Orleans' 15-minute collection age) leave memory, and its pages are written out first.
        var benchGrains = updated.SelectMany(g => g)
            .Concat(newPerCaller.SelectMany((count, w) => Enumerable.Range(0, (int)count).Select(i => NewGrain(w, i))))
            .ToList();
        await Parallel.ForEachAsync(benchGrains, new ParallelOptions { MaxDegreeOfParallelism = options.Callers }, async (grain, _) => await grain.LetGoAsync());
        var cleared = await DirtyPages.SettleAsync(admin, "the state-write phases'", percent: 12, limit: TimeSpan.FromMinutes(1));
        report.Note($"Before phase 3 the benchmark deactivated the {benchGrains.Count:N0} grains of phases 2 and 2b and {cleared}.");
    }

    if (options.Only is null or "rest")
    {
        // 3. Signed REST order creation, end to end, at saturation and then at half of it (open loop).
        var created = new ConcurrentQueue<(string OrderId, long Amount)>();
        var run = Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine("3. REST order create at saturation");
        var (saturation, createCost) = await PhaseCost.MeasureAsync(admin, counter, () => Load.ClosedLoopAsync(options.Callers, options.Warmup, options.Duration, async (w, i) =>
            created.Enqueue(await gateway.CreateOrderAsync($"S{run}-{w}-{i}", 100 + i))));
        report.Throughput("3. Signed REST order create, saturation (HTTP → API → grains → storage → mock channel → response)", saturation, createCost,
            $"closed loop; latency p50/p95/p99 {saturation.Percentile(50):0.0}/{saturation.Percentile(95):0.0}/{saturation.Percentile(99):0.0} ms");
        var halfRate = Math.Max(1, saturation.PerSecond / 2);
        // Let the database and the process finish what saturation left behind (page flushing, purge, GC) first.
        await Task.Delay(options.Warmup * 2);
        var storedBefore = await Sql.ScalarAsync<long>(admin, "SELECT COUNT(*) FROM paygw_order");
        Console.WriteLine($"3b. REST order create, open loop at {halfRate:0}/s ({storedBefore} orders stored)");
        var halfGc = new GcWindow();
        await using (var halfSeconds = SecondSampler.Start(admin))
        {
            var half = await Load.OpenLoopAsync(halfRate, options.Duration, async i => created.Enqueue(await gateway.CreateOrderAsync($"H{run}-{i}", 100 + i)));
            report.Latency($"3b. REST order create at half saturation ({halfRate:0}/s open loop, {storedBefore:N0} orders stored)", half, halfGc, halfSeconds);
        }

        await report.StorageFootprintAsync(admin);
        var orderTemplate = await Sql.ScalarAsync<byte[]>(admin, "SELECT PayloadBinary FROM paygw_projected_state WHERE GrainTypeString = 'order' LIMIT 1");
        var keyTemplate = await Sql.ScalarAsync<byte[]>(admin, "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'order_key' LIMIT 1");

        // 4. Channel callback → order succeeded → merchant webhook delivered.
        Console.WriteLine($"4. callback → webhook ({created.Count} pending orders available)");
        var callbackStart = gateway.Webhooks.Now;
        var deliveredBefore = gateway.Webhooks.Delivered;
        long acknowledged = 0;
        var (_, callbackCost) = await PhaseCost.MeasureAsync(admin, counter, async () =>
        {
            var stopAt = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, options.Callers).Select(_ => Task.Run(async () =>
            {
                while (stopAt.Elapsed < options.Duration && created.TryDequeue(out var order))
                {
                    await gateway.PostPaidCallbackAsync(order.OrderId, order.Amount);
                    Interlocked.Increment(ref acknowledged);
                }
            })));
            var deadline = Stopwatch.StartNew();
            while (gateway.Webhooks.Delivered - deliveredBefore < acknowledged && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(20);
            }
            return 0;
        });
        var delivered = gateway.Webhooks.Delivered - deliveredBefore;
        var callbackElapsed = gateway.Webhooks.LastDelivery - callbackStart;
        report.Throughput("4. Callback → succeeded → merchant webhook delivered", new LoadResult(delivered, acknowledged - delivered, callbackElapsed, []), callbackCost,
            $"{acknowledged:N0} callbacks acknowledged, {delivered:N0} webhooks delivered in {callbackElapsed.TotalSeconds:0.0} s");

        if (options.Only is null)
        {
            // 5. Supervision of many pending orders, idle, and create latency with many orders stored.
            var prefill = new Prefill(admin, "paygw-bench", orderTemplate, keyTemplate);
            foreach (var pending in new[] { options.SmallPending, options.LargePending })
            {
                Console.WriteLine($"5. supervision idle with {pending:N0} pending orders");
                await prefill.UpToAsync(pending);
                await Task.Delay(TimeSpan.FromSeconds(5));
                var (idle, idleCost) = await PhaseCost.MeasureAsync(admin, counter, async () =>
                {
                    var before = Memory.Read();
                    await Task.Delay(options.IdleWindow);
                    return (Before: before, After: Memory.Read(), Activations: await Memory.ActivationsAsync(grains));
                });
                report.Supervision(pending, options.IdleWindow, idle.After, idle.Activations, idleCost);
            }

            Console.WriteLine($"5b. create latency with {options.StoredOrders:N0} stored orders (pre-filling)");
            var fillClock = Stopwatch.StartNew();
            await prefill.UpToAsync(options.StoredOrders);
            var storedNow = await Sql.ScalarAsync<long>(admin, "SELECT COUNT(*) FROM paygw_order");
            var fillTime = fillClock.Elapsed;
            // Down to the server's pre-flush mark (deploy/local/db.sh) plus a little, within three minutes.
            var settled = await DirtyPages.SettleAsync(admin, "the pre-fill's", percent: 12, limit: TimeSpan.FromMinutes(3));
            Console.WriteLine($"   pre-filled in {fillTime.TotalSeconds:0} s, {settled}; open loop at {halfRate:0}/s");
            var loadedGc = new GcWindow();
            await using var loadedSeconds = SecondSampler.Start(admin);
            var loaded = await Load.OpenLoopAsync(halfRate, options.Duration, async i => await gateway.CreateOrderAsync($"L{run}-{i}", 100 + i));
            report.Latency($"5b. REST order create at {halfRate:0}/s open loop with {storedNow:N0} orders stored", loaded, loadedGc, loadedSeconds);
            report.Note($"Pre-filling {storedNow - storedBefore:N0} orders (order row + key row + projection) took {fillTime.TotalSeconds:0} s; before 5b the benchmark {settled}.");
        }
    }
}
finally
{
    if (gateway is not null)
    {
        await gateway.DisposeAsync();
    }
    if (!options.KeepDatabase)
    {
        MySqlConnection.ClearAllPools();
        await Sql.ExecuteAsync(new MySqlConnectionStringBuilder(admin) { Database = "" }.ConnectionString, $"DROP DATABASE IF EXISTS `{databaseName}`");
    }
}

report.FloorNotes();
report.Note($"Whole run: {total.Elapsed.TotalSeconds:0} s.");
var markdown = report.ToMarkdown();
Console.WriteLine();
Console.WriteLine(markdown);
if (options.Output is { } output)
{
    // `dotnet run --project` starts in the project directory; a relative path means relative to the repository root.
    var path = Path.IsPathRooted(output) ? output : Path.Combine(RepositoryRoot(), output);
    await File.WriteAllTextAsync(path, markdown);
    Console.WriteLine($"Written to {path}");
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Orleans.sln")))
        {
            return dir.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}
