using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Payments;

/// <summary>
/// A merchant endpoint that accepts connections and never answers must not hold up the order: webhook attempts run in
/// the delivery workers, so the order keeps serving callbacks, refunds and reads while an attempt hangs.
/// </summary>
public sealed class SlowMerchantEndpointTests(SlowMerchantEndpointTests.LongAttemptFixture fixture)
    : IClassFixture<SlowMerchantEndpointTests.LongAttemptFixture>, IAsyncLifetime
{
    public sealed class LongAttemptFixture : PaymentFixture
    {
        public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Gateway:Notifications:AttemptTimeout"] = "00:00:30",
        };
    }

    private readonly TcpListener _silentEndpoint = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();

    public Task InitializeAsync()
    {
        _silentEndpoint.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _silentEndpoint.AcceptTcpClientAsync(_stop.Token);
                lock (_held)
                {
                    _held.Add(client); // read nothing, answer nothing, keep it open
                }
            }
        });
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _stop.Cancel();
        _silentEndpoint.Stop();
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task WebhookAttemptHanging_OrderStillServesCallbacksRefundsAndReadsAtOnce()
    {
        var merchant = fixture.HmacMerchant();
        var silentUrl = $"http://127.0.0.1:{((IPEndPoint)_silentEndpoint.LocalEndpoint).Port}/hang";
        var created = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 800, notifyUrl: silentUrl)));
        var orderId = (string)created["order_id"]!;
        fixture.Simulator.Pay(orderId, PaymentFixture.MockMerchantId);
        await Eventually.HoldsAsync(async () => await MerchantClient.JsonAsync(await merchant.GetAsync($"/v1/orders/{orderId}")),
            o => (string?)o["status"] == "succeeded", "paid");
        await Eventually.HoldsAsync(() => Task.FromResult(HeldConnections()), n => n >= 1, "the order.succeeded attempt is hanging at the merchant");

        var clock = Stopwatch.StartNew();
        var redelivery = await fixture.Simulator.SendCallbackAsync(orderId, PaymentFixture.MockMerchantId);
        var refund = await merchant.PostJsonAsync($"/v1/orders/{orderId}/refunds", new { out_refund_no = $"slow-{orderId}", amount = 300 });
        var read = await merchant.GetAsync($"/v1/orders/{orderId}");
        clock.Stop();

        // With the attempt inside the order's turn, each of these would wait for the 30 s attempt (and the API answer 503 at 5 s).
        Assert.True(redelivery.Acknowledged);
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        Assert.Equal("succeeded", (string?)(await MerchantClient.JsonAsync(refund))["status"]);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal(300, (long)(await MerchantClient.JsonAsync(read))["refunded_amount"]!);
    }

    private int HeldConnections()
    {
        lock (_held)
        {
            return _held.Count;
        }
    }
}
