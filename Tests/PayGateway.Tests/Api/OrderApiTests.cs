using System.Net;
using System.Text.Json.Nodes;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Api;

/// <summary>Merchant order API end to end: signed HTTP → API host → grains on MariaDB → mock channel simulator.</summary>
public sealed class OrderApiTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    [Fact]
    public async Task CreateQrOrder_ReturnsPendingOrderWithQrCode()
    {
        var merchant = fixture.HmacMerchant();
        var outTradeNo = $"qr-{Guid.NewGuid():N}";

        var response = await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(outTradeNo, amount: 1999));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = await MerchantClient.JsonAsync(response);
        Assert.Equal("pending", (string?)order["status"]);
        Assert.Equal(outTradeNo, (string?)order["out_trade_no"]);
        Assert.Equal(1999, (long)order["amount"]!);
        Assert.Equal("qr_code", (string?)order["pay_data"]!["kind"]);
        Assert.False(string.IsNullOrEmpty((string?)order["pay_data"]!["content"]));
        var orderId = (string)order["order_id"]!;
        Assert.True(OrderId.IsValid(orderId));
        Assert.Equal(GatewayFixture.DatacenterCode, OrderId.DatacenterOf(orderId));
        Assert.Equal(1, fixture.Simulator.RecordsFor(orderId).Count(r => r.Kind == "create"));
    }

    [Fact]
    public async Task CreatedOrder_IsProjectedIntoQueryableTableInSameWrite()
    {
        var merchant = fixture.HmacMerchant();
        var outTradeNo = $"proj-{Guid.NewGuid():N}";
        var order = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(outTradeNo, amount: 4321)));

        var status = await fixture.Database.ScalarAsync<string>(
            "SELECT status FROM paygw_order WHERE app_id = @a AND out_trade_no = @o", ("@a", PaymentFixture.HmacAppId), ("@o", outTradeNo));
        var amount = await fixture.Database.ScalarAsync<long>("SELECT amount FROM paygw_order WHERE order_id = @id", ("@id", (string)order["order_id"]!));

        Assert.Equal("pending", status);
        Assert.Equal(4321, amount);
    }

    [Fact]
    public async Task RepeatedIdenticalRequest_ReturnsOriginalOrderWithoutSecondChannelCall()
    {
        var merchant = fixture.RsaMerchant();
        var body = PaymentFixture.NewOrder($"rep-{Guid.NewGuid():N}");

        var first = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", body));
        var second = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", body));

        Assert.Equal((string?)first["order_id"], (string?)second["order_id"]);
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal(1, fixture.Simulator.RecordsFor((string)first["order_id"]!).Count(r => r.Kind == "create"));
    }

    [Fact]
    public async Task SameOutTradeNoDifferentRequest_Returns409WithStableCode()
    {
        var merchant = fixture.HmacMerchant();
        var outTradeNo = $"conf-{Guid.NewGuid():N}";
        await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(outTradeNo, amount: 100));

        var response = await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(outTradeNo, amount: 200));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await MerchantClient.JsonAsync(response);
        Assert.Equal("OUT_TRADE_NO_CONFLICT", (string?)problem["code"]);
        Assert.Equal(409, (int)problem["status"]!);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_order WHERE out_trade_no = @o", ("@o", outTradeNo)));
    }

    [Fact]
    public async Task FiftyConcurrentDuplicates_CreateExactlyOneOrderAndOneChannelPayment()
    {
        var outTradeNo = $"race-{Guid.NewGuid():N}";
        var body = PaymentFixture.NewOrder(outTradeNo);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => fixture.HmacMerchant().PostJsonAsync("/v1/orders", body)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var ids = (await Task.WhenAll(responses.Select(MerchantClient.JsonAsync))).Select(o => (string)o["order_id"]!).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_order WHERE out_trade_no = @o", ("@o", outTradeNo)));
        Assert.Equal(1, fixture.Simulator.RecordsFor(ids[0]).Count(r => r.Kind == "create"));
    }

    [Fact]
    public async Task GetByIdAndByOutTradeNo_ReturnSameOrder()
    {
        var merchant = fixture.HmacMerchant();
        var outTradeNo = $"get-{Guid.NewGuid():N}";
        var created = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(outTradeNo)));
        var id = (string)created["order_id"]!;

        var byId = await merchant.GetAsync($"/v1/orders/{id}");
        var byOutTradeNo = await merchant.GetAsync($"/v1/orders/by-out-trade-no/{outTradeNo}");

        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byOutTradeNo.StatusCode);
        Assert.Equal(id, (string?)(await MerchantClient.JsonAsync(byId))["order_id"]);
        Assert.Equal(id, (string?)(await MerchantClient.JsonAsync(byOutTradeNo))["order_id"]);
    }

    [Fact]
    public async Task AnotherAppsOrder_IsNotFound()
    {
        var created = await MerchantClient.JsonAsync(await fixture.HmacMerchant().PostJsonAsync("/v1/orders", PaymentFixture.NewOrder()));

        var response = await fixture.RsaMerchant().GetAsync($"/v1/orders/{(string)created["order_id"]!}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ORDER_NOT_FOUND", (string?)(await MerchantClient.JsonAsync(response))["code"]);
    }

    [Fact]
    public async Task CloseUnpaidOrder_ClosesAtChannelAndHere_AndRepeatIsHarmless()
    {
        var merchant = fixture.HmacMerchant();
        var id = (string)(await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder())))["order_id"]!;

        var closed = await merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });
        var again = await merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("closed", (string?)(await MerchantClient.JsonAsync(closed))["status"]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, fixture.Simulator.RecordsFor(id).Count(r => r.Kind == "close"));
        Assert.Equal("closed", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_order WHERE order_id = @id", ("@id", id)));
    }

    [Fact]
    public async Task ClosePaidOrder_Returns409AndOrderBecomesSucceeded()
    {
        var merchant = fixture.HmacMerchant();
        var id = (string)(await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 555))))["order_id"]!;
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        var response = await merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("ORDER_ALREADY_PAID", (string?)(await MerchantClient.JsonAsync(response))["code"]);
        var order = await MerchantClient.JsonAsync(await merchant.GetAsync($"/v1/orders/{id}"));
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id, PaymentFixture.MockMerchantId));
    }

    [Fact]
    public async Task CloseWhileChannelDoesNotAnswer_Returns503WithRetryAfterAndOrderUnchanged()
    {
        var merchant = fixture.HmacMerchant();
        var id = (string)(await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder())))["order_id"]!;
        fixture.Simulator.SetBehaviour(id, new PayGateway.ChannelSimulator.Behaviour.SimulatorBehaviour { DelayMs = 8000, Operations = ["close"] });

        var response = await merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });

        await ProblemAssert.IsProblemAsync(response, 503, "CHANNEL_UNAVAILABLE", "close unanswered");
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Equal("pending", (string?)(await MerchantClient.JsonAsync(await merchant.GetAsync($"/v1/orders/{id}")))["status"]);
    }

    [Fact]
    public async Task BarcodePayment_SucceedsSynchronously()
    {
        var response = await fixture.HmacMerchant().PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(method: "SERVER", authCode: "28763443825664394"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = await MerchantClient.JsonAsync(response);
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.NotNull(order["paid_at"]);
    }

    [Fact]
    public async Task ChannelTimesOutAfterCharging_OrderIsUnknownNeverFailed()
    {
        var outTradeNo = $"to-{Guid.NewGuid():N}";
        fixture.Simulator.SetBehaviour(new PayGateway.ChannelSimulator.Behaviour.SimulatorBehaviour { TimeoutAfterCharge = true, Operations = ["create"], Times = 1 });
        try
        {
            var response = await fixture.HmacMerchant().PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(outTradeNo, method: "SERVER", authCode: "28763443825664394"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var order = await MerchantClient.JsonAsync(response);
            Assert.Equal("unknown", (string?)order["status"]);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }
}
