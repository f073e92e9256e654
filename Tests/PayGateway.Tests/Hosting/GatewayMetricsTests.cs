using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PayGateway.Callbacks;

namespace PayGateway.Tests.Hosting;

/// <summary>What the review log counts: every item by kind, and only refused callbacks as refused callbacks.</summary>
public sealed class GatewayMetricsTests
{
    [Fact]
    public async Task ReviewItemsOfEachKind_CountedByKindAndOnlyCallbacksAsRejectedCallbacks()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var counted = new List<(string Instrument, string Kind, string Code)>();
        using var listener = new MeterListener
        {
            // Only this test's factory: the fixtures' silos publish the same meter name.
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            var tagged = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            lock (counted)
            {
                counted.Add((instrument.Name, tagged.GetValueOrDefault("kind") ?? "", tagged.GetValueOrDefault("code") ?? ""));
            }
        });
        listener.Start();
        // Nothing listens on port 1: the row cannot be written, which the log tolerates; the counting is what is tested.
        var log = new ReviewLog("Server=127.0.0.1;Port=1;Connection Timeout=2", new GatewayMetrics(factory), NullLogger<ReviewLog>.Instance);

        await log.RecordAsync(ReviewKinds.Contradiction, "mock", "acct", "o1", "PAID_AFTER_FINAL", "paid after close", null);
        await log.RecordAsync(ReviewKinds.Query, "mock", "acct", "o2", "AMOUNT_MISMATCH", "another amount", null);
        await log.RecordAsync(ReviewKinds.Callback, "mock", "acct", null, "BAD_SIGNATURE", "forged", [1, 2, 3]);

        Assert.Equal(["PAID_AFTER_FINAL", "AMOUNT_MISMATCH", "BAD_SIGNATURE"], counted.Where(c => c.Instrument == "paygw.review.items").Select(c => c.Code));
        var rejected = Assert.Single(counted, c => c.Instrument == "paygw.callbacks.rejected");
        Assert.Equal("BAD_SIGNATURE", rejected.Code);
    }
}
