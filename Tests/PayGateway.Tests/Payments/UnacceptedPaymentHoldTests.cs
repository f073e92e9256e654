using System.Collections.Immutable;
using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Payments;

/// <summary>
/// The channel reports an order paid, but with another amount: the gateway neither settles nor closes it. The order is
/// held for review: one review item per answer the channel gives, no close calls or review items on every tick.
/// </summary>
public sealed class UnacceptedPaymentHoldTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private readonly MerchantClient _merchant = fixture.HmacMerchant();

    // Queries answer amount + 1; callbacks are suppressed, so only supervision (and sync) hear of the payment.
    private static readonly SimulatorBehaviour PaidWithAnotherAmount = new()
    {
        TamperQueryAmount = true,
        SuppressCallbacks = true,
        Operations = [SimulatorOperation.Query, SimulatorOperation.Callback],
    };

    private async Task<JsonObject> OrderAsync(string id) => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/orders/{id}"));

    private Task<long> QueryReviewItemsAsync(string orderId) => fixture.Database.ScalarAsync<long>(
        "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @o AND kind = 'query' AND code = 'AMOUNT_MISMATCH'", ("@o", orderId));

    private int Calls(string id, string kind) => fixture.Simulator.RecordsFor(id).Count(r => r.Kind == kind);

    [Fact]
    public async Task ExpiredOrderPaidWithAnotherAmount_HeldWithOneReviewItemAndClosedAtChannelOnlyOnce()
    {
        // The API refuses expiries under a minute, so this order is created through the grains with a 3 s expiry: shorter
        // than the fixture's first check (4 s), so expiry is the first look at the order, and long enough for the
        // create to reach the channel before expire_at on a busy machine.
        var command = new CreateOrderCommand(PaymentFixture.HmacAppId, $"held-{Guid.NewGuid():N}", 300, "CNY", "Expiring", null, PayMethod.QR_CODE, null,
            "http://127.0.0.1:9/unreachable", null, 3, null, null, null, null, ImmutableSortedDictionary<string, string>.Empty);
        var created = await fixture.Grains.GetGrain<IMerchantOrderKeyGrain>(MerchantOrderKey.For(command.AppId, command.OutTradeNo)).CreateOrderAsync(command);
        var id = created.Order!.OrderId;
        fixture.Simulator.SetBehaviour(id, PaidWithAnotherAmount);
        // On a busy machine the create's answer can time out (the order is then unknown) after the trade was made.
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Simulator.FindTrade(id, PaymentFixture.MockMerchantId)), t => t is not null, "trade created at the channel");
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        // Past expiry, the fixture retries an unfinished expiry every second; several supervision rounds, plus
        // doubled ticks, must all pass without another close call or another review item.
        await Eventually.HoldsAsync(() => Task.FromResult(Calls(id, "close")), n => n >= 1, "expiry tried to close the order");
        await Eventually.HoldsAsync(() => Task.FromResult(Calls(id, "query")), n => n >= 3, "supervision kept watching the order", TimeSpan.FromSeconds(30));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.Grains.GetGrain<IOrderGrain>(id).WakeAsync()));

        Assert.Equal(1, await QueryReviewItemsAsync(id));
        Assert.Equal(1, Calls(id, "close"));
        // Operators read any order (the hold included) at /admin/v1/orders/{id}.
        using var admin = fixture.OperatorClient();
        var order = await MerchantClient.JsonAsync(await admin.GetAsync($"/admin/v1/orders/{id}"));
        Assert.Contains((string?)order["status"], new[] { "pending", "unknown" });
        Assert.Null(order["closed_at"]);
        Assert.Empty(order["notifications"]!.AsArray());
        var hold = order["held_for_review"]!;
        Assert.Equal(("AMOUNT_MISMATCH", 301L, "CNY"), ((string?)hold["code"], (long)hold["reported_amount"]!, (string?)hold["reported_currency"]));
    }

    [Fact]
    public async Task PendingOrderPaidWithAnotherAmount_OneReviewItemAcrossChecksAndSyncsUntilTheAnswerChanges()
    {
        var response = await _merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 4200));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (string)(await MerchantClient.JsonAsync(response))["order_id"]!;
        fixture.Simulator.SetBehaviour(id, PaidWithAnotherAmount);
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        await Eventually.HoldsAsync(() => Task.FromResult(Calls(id, "query")), n => n >= 3, "supervision queried several times", TimeSpan.FromSeconds(30));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("pending", (string?)(await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { })))["status"]);
        }

        Assert.Equal(1, await QueryReviewItemsAsync(id));
        Assert.Equal(0, Calls(id, "close"));
        Assert.Equal(4201L, (long)(await OrderAsync(id))["held_for_review"]!["reported_amount"]!);

        // Once the channel answers with the order's own amount, the order settles and is no longer held.
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { SuppressCallbacks = true, Operations = [SimulatorOperation.Callback] });
        var synced = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { }));
        Assert.Equal("succeeded", (string?)synced["status"]);
        Assert.Null(synced["held_for_review"]);
        Assert.Equal(1, await QueryReviewItemsAsync(id));
    }
}
