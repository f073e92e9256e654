using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PayGateway.Hosting;
using PayGateway.Ids;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Ids;

/// <summary>Uniqueness and ordering of order ids, against the real node lease table.</summary>
public sealed class OrderIdGeneratorTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private OrderIdGenerator Generator(TimeProvider clock, string datacenter = "SH", IIdNodeStore? store = null) => new(
        store ?? new MySqlIdNodeStore(_database.ConnectionString),
        Options.Create(new GatewayOptions { DatacenterCode = datacenter }),
        clock,
        NullLogger<OrderIdGenerator>.Instance);

    [Fact]
    public async Task Id_HasDocumentedLayout()
    {
        var clock = new SteppableClock(new DateTimeOffset(2026, 11, 26, 10, 15, 30, 123, TimeSpan.Zero));
        await using var generator = Generator(clock);

        var id = await generator.NextAsync();

        Assert.Equal(24, id.Length);
        Assert.StartsWith("20261126101530123SH", id);
        Assert.Matches("^[0-9A-Z]{24}$", id);
        Assert.True(OrderId.IsValid(id));
        Assert.Equal("SH", OrderId.DatacenterOf(id));
    }

    [Fact]
    public async Task TwoNodesIssuingConcurrently_AllIdsUniqueAndEachNodeStrictlyIncreasing()
    {
        var clock = new SteppableClock(DateTimeOffset.UtcNow);
        await using var a = Generator(clock);
        await using var b = Generator(clock);

        async Task<List<string>> Issue(OrderIdGenerator generator)
        {
            var ids = new List<string>();
            for (var i = 0; i < 3000; i++)
            {
                ids.Add(await generator.NextAsync());
                if (i % 500 == 0)
                {
                    clock.Advance(TimeSpan.FromMilliseconds(1));
                }
            }
            return ids;
        }
        var results = await Task.WhenAll(Task.Run(() => Issue(a)), Task.Run(() => Issue(b)));

        Assert.NotEqual(a.NodeCode, b.NodeCode);
        Assert.Equal(6000, results.SelectMany(r => r).Distinct().Count());
        foreach (var ids in results)
        {
            Assert.Equal(ids.OrderBy(x => x, StringComparer.Ordinal), ids);
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
    }

    [Fact]
    public async Task ClockStepsBackwards_IdsKeepIncreasing()
    {
        var clock = new SteppableClock(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var generator = Generator(clock);
        var before = await generator.NextAsync();

        clock.Set(clock.GetUtcNow().AddMinutes(-10));
        var after = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            after.Add(await generator.NextAsync());
        }

        Assert.All(after, id => Assert.True(string.CompareOrdinal(id, before) > 0, $"{id} should sort after {before}"));
        Assert.Equal(after.OrderBy(x => x, StringComparer.Ordinal), after);
    }

    [Fact]
    public async Task RestartWithClockSteppedBackwards_NewIdsSortAfterEveryEarlierId()
    {
        var clock = new SteppableClock(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var first = Generator(clock);
        var earlier = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            earlier.Add(await first.NextAsync());
        }
        var nodeCode = first.NodeCode;
        await first.DisposeAsync(); // the process stops and releases its node code

        clock.Set(clock.GetUtcNow().AddHours(-1)); // and comes back with a clock an hour behind
        await using var restarted = Generator(clock);
        var later = await restarted.NextAsync();

        Assert.Equal(nodeCode, restarted.NodeCode); // the same code is reused …
        Assert.DoesNotContain(later, earlier);      // … without ever repeating an id
        Assert.True(string.CompareOrdinal(later, earlier.Max(StringComparer.Ordinal)) > 0);
    }

    [Fact]
    public async Task SequenceExhaustedWithinOneMillisecond_MovesToNextMillisecond()
    {
        var clock = new SteppableClock(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var generator = Generator(clock);
        var ids = new List<string>();
        for (var i = 0; i < OrderId.MaxSequence + 10; i++)
        {
            ids.Add(await generator.NextAsync());
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.OrderBy(x => x, StringComparer.Ordinal), ids);
        Assert.StartsWith("20261126120000001", ids[^1]);
    }

    [Fact]
    public async Task LeaseKeptAhead_RequestsIssueWithoutWritingForTwentySeconds()
    {
        var clock = new SteppableClock(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var store = new CountingStore(new MySqlIdNodeStore(_database.ConnectionString));
        await using var generator = Generator(clock, store: store);

        await generator.KeepLeaseAsync();
        var (acquired, renewedByKeeper) = (store.Acquires, store.Renews);
        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add(await generator.NextAsync());
            clock.Advance(TimeSpan.FromMilliseconds(99)); // 19.8 s in all: inside the two windows reserved ahead
        }

        Assert.Equal((1, 1), (acquired, renewedByKeeper));
        Assert.Equal((1, 1), (store.Acquires, store.Renews));
        Assert.Equal(ids.OrderBy(x => x, StringComparer.Ordinal), ids);
        // Past the reservation the request path writes before it issues, as without the keeper.
        clock.Advance(TimeSpan.FromSeconds(1));
        await generator.NextAsync();
        Assert.Equal(2, store.Renews);
    }

    [Fact]
    public async Task KeeperReservedAhead_RestartedHolderStartsAboveIt()
    {
        var clock = new SteppableClock(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var first = Generator(clock);
        await first.KeepLeaseAsync();
        var issued = await first.NextAsync();
        await first.DisposeAsync(); // releases the code, keeping its reservation

        await using var second = Generator(clock);
        var next = await second.NextAsync();

        // The reservation was 20 s ahead of the clock: the next holder starts there, never below what was issued.
        Assert.True(string.CompareOrdinal(next, "20261126120020000") >= 0, next);
        Assert.True(string.CompareOrdinal(next, issued) > 0);
    }

    /// <summary>Counts the writes the generator makes, to show which path made them.</summary>
    private sealed class CountingStore(IIdNodeStore inner) : IIdNodeStore
    {
        public int Acquires;
        public int Renews;

        public Task<IdNodeLease> AcquireAsync(string holder, TimeSpan leaseDuration, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Acquires);
            return inner.AcquireAsync(holder, leaseDuration, cancellationToken);
        }

        public Task<bool> RenewAsync(IdNodeLease lease, long reservedUntilMs, TimeSpan leaseDuration, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Renews);
            return inner.RenewAsync(lease, reservedUntilMs, leaseDuration, cancellationToken);
        }

        public Task ReleaseAsync(IdNodeLease lease, CancellationToken cancellationToken) => inner.ReleaseAsync(lease, cancellationToken);
    }
}
