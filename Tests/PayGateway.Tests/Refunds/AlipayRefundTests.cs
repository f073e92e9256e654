using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;
using PayGateway.Tests.Reliability;

namespace PayGateway.Tests.Refunds;

/// <summary>
/// Refunds end to end over HTTP on Alipay: merchant API → order grain → AlipayChannel (<c>alipay.trade.refund</c>,
/// <c>alipay.trade.fastpay.refund.query</c>, RSA2) → simulated Alipay; supervision and merchant webhooks. What Alipay
/// recorded (one <c>refunded</c> per refund that moved money) is compared with what the gateway counts.
/// </summary>
public sealed class AlipayRefundTests(AlipayFixture fixture) : IClassFixture<AlipayFixture>
{
    private readonly MerchantClient _merchant = fixture.AlipayMerchant();

    private async Task<string> CreateOrderAsync(string tag, long amount)
    {
        var response = await _merchant.PostJsonAsync("/v1/orders", new
        {
            out_trade_no = $"{tag}-{Guid.NewGuid():N}",
            amount,
            currency = "CNY",
            subject = "退款测试商品",
            method = "QR_CODE",
            notify_url = new Uri(fixture.Webhooks.Url, tag).ToString(),
        });
        var created = await MerchantClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"create answered {(int)response.StatusCode}: {created}");
        return (string)created["order_id"]!;
    }

    /// <summary>An order the payer paid at Alipay, whose notify the gateway has taken (so the order is succeeded).</summary>
    private async Task<string> PaidOrderAsync(string tag, long amount)
    {
        var id = await CreateOrderAsync(tag, amount);
        fixture.Simulator.Pay(id);
        await Eventually.HoldsAsync(() => OrderAsync(id), o => (string?)o["status"] == "succeeded", $"order {id} paid");
        return id;
    }

    private async Task<JsonObject> OrderAsync(string id) => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/orders/{id}"));

    private async Task<JsonObject> RefundByIdAsync(string refundId) => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/refunds/{refundId}"));

    /// <summary>Asks for a refund; 503s are repeated with the same body (the same out_refund_no is the same refund).</summary>
    private Task<HttpResponseMessage> RefundAsync(string orderId, long amount, string? outRefundNo = null) =>
        _merchant.PostJsonRepeatingUnavailableAsync($"/v1/orders/{orderId}/refunds", new { out_refund_no = outRefundNo ?? $"R{Guid.NewGuid():N}", amount, reason = "买家退货" });

    private async Task<JsonObject> RefundOkAsync(string orderId, long amount, string? outRefundNo = null)
    {
        var response = await RefundAsync(orderId, amount, outRefundNo);
        var refund = await MerchantClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"refund answered {(int)response.StatusCode}: {refund}");
        return refund;
    }

    private List<SimulatorRecord> AlipayRecords(string kind, string orderId) =>
        [.. fixture.Simulator.Records.Where(r => r.Kind == kind && r.OutTradeNo == orderId)];

    /// <summary>What Alipay paid back for the trade: its own <c>refunded</c> records.</summary>
    private long AlipayRefunded(string orderId) => AlipayRecords(RecordKind.Refunded, orderId).Sum(r => r.Amount ?? 0);

    /// <summary>Distinct webhook events of one type received for a tag (a redelivery repeats the event id).</summary>
    private List<JsonNode> Events(string tag, string type) =>
        [.. fixture.Webhooks.For(tag).Where(d => d.Body.Contains($"\"{type}\"", StringComparison.Ordinal)).DistinctBy(d => d.EventId).Select(d => JsonNode.Parse(d.Body)!)];

    private async Task<List<JsonNode>> WaitForEventsAsync(string tag, string type)
    {
        await fixture.Webhooks.WaitForAsync(tag, _ => Events(tag, type).Count >= 1);
        return Events(tag, type);
    }

    /// <summary>A time taken from Alipay's Beijing-time fields: an offset mistake would show as hours off.</summary>
    private static void AssertAboutNow(JsonNode? at, string what) =>
        Assert.True(at is not null && Math.Abs((DateTimeOffset.Parse((string)at!, CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow).TotalMinutes) < 2, $"{what}: {at}");

    private Task AssertInvariantsAsync() => ReliabilityCheck.AssertHoldsAsync(fixture, ReliabilityCheck.OptionsFor(fixture));

    [Fact]
    public async Task FullRefund_AlipayRefundsOnceOrderShowsItAndMerchantIsNotified()
    {
        var orderId = await PaidOrderAsync("afull", 2500);
        var number = "afull-" + Guid.NewGuid().ToString("N");

        var refund = await RefundOkAsync(orderId, 2500, number);

        var refundId = (string)refund["refund_id"]!;
        Assert.Equal(orderId + "R001", refundId);
        Assert.Equal("succeeded", (string?)refund["status"]);
        Assert.Equal((2500L, "CNY", "alipay"), ((long)refund["amount"]!, (string?)refund["currency"], (string?)refund["channel"]));
        AssertAboutNow(refund["succeeded_at"], "succeeded_at from Alipay's gmt_refund_pay (Beijing time)");
        var order = await OrderAsync(orderId);
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Equal(2500, (long)order["refunded_amount"]!);
        Assert.Equal(refundId, (string?)Assert.Single(order["refunds"]!.AsArray())!["refund_id"]);
        Assert.Equal("succeeded", (string?)(await RefundByIdAsync(refundId))["status"]);
        Assert.Equal(refundId, (string?)(await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/by-out-refund-no/{number}")))["refund_id"]);

        // At Alipay: one request and one refund, named by our refund id as out_request_no; a full refund closes the trade.
        var request = Assert.Single(AlipayRecords(RecordKind.RefundRequest, orderId));
        Assert.Equal((refundId, 2500L, "REFUND_SUCCESS"), (request.TradeNo, request.Amount!.Value, request.Result));
        var refunded = Assert.Single(AlipayRecords(RecordKind.Refunded, orderId));
        Assert.Equal((refundId, 2500L, AlipayFixture.AlipayAppId), (refunded.TradeNo, refunded.Amount!.Value, refunded.MerchantId));
        Assert.Equal(TradeStatus.Closed, fixture.Simulator.FindTrade(orderId)!.Status);

        var evt = Assert.Single(await WaitForEventsAsync("afull", "refund.succeeded"));
        var delivery = fixture.Webhooks.For("afull").First(d => d.EventId == (string?)evt["id"]);
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
        Assert.Equal((refundId, "succeeded"), ((string?)evt["refund"]!["refund_id"], (string?)evt["refund"]!["status"]));
        Assert.Equal(2500, (long)evt["order"]!["refunded_amount"]!);

        Assert.Equal("succeeded", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_refund WHERE refund_id = @r", ("@r", refundId)));
        Assert.Equal(2500L, await fixture.Database.ScalarAsync<long>("SELECT refunded_amount FROM paygw_order WHERE order_id = @o", ("@o", orderId)));
    }

    [Fact]
    public async Task PartialRefunds_AddUpAtAlipayAndOnesThatDoNotFitNeverReachIt()
    {
        var orderId = await PaidOrderAsync("apart", 1000);

        var first = await RefundOkAsync(orderId, 300);
        var secondNumber = "apart-" + Guid.NewGuid().ToString("N");
        var second = await RefundOkAsync(orderId, 300, secondNumber);
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 500), 409, ErrorCodes.RefundExceedsRefundable, "500 does not fit in the 400 left");
        Assert.Equal(TradeStatus.Succeeded, fixture.Simulator.FindTrade(orderId)!.Status); // partly refunded trades stay paid at Alipay
        var third = await RefundOkAsync(orderId, 400);
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 1), 409, ErrorCodes.RefundExceedsRefundable, "nothing left");
        var secondAgain = await RefundOkAsync(orderId, 300, secondNumber);

        Assert.All(new[] { first, second, third }, r => Assert.Equal("succeeded", (string?)r["status"]));
        Assert.Equal((string?)second["refund_id"], (string?)secondAgain["refund_id"]);
        var order = await OrderAsync(orderId);
        Assert.Equal(1000, (long)order["refunded_amount"]!);
        Assert.Equal(3, order["refunds"]!.AsArray().Count);
        // Alipay saw exactly the three refunds that fit, each once, under the gateway's refund ids: the two that did
        // not fit and the repeated request never left the gateway.
        Assert.Equal(
            new[] { (orderId + "R001", 300L), (orderId + "R002", 300L), (orderId + "R003", 400L) },
            AlipayRecords(RecordKind.Refunded, orderId).Select(r => (r.TradeNo!, r.Amount!.Value)).Order());
        Assert.Equal(3, AlipayRecords(RecordKind.RefundRequest, orderId).Count);
        Assert.Equal(TradeStatus.Closed, fixture.Simulator.FindTrade(orderId)!.Status);
        Assert.Equal(3L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_refund WHERE order_id = @o AND status = 'succeeded'", ("@o", orderId)));
    }

    [Fact]
    public async Task FiftyConcurrentPartialRefunds_ExactlyTheOnesThatFitSucceedAndAlipayAgrees()
    {
        var orderId = await PaidOrderAsync("a50", 1000);

        // 50 × 30 = 1500 asked for 1000 paid: exactly 33 fit (990), whatever the interleaving.
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => RefundAsync(orderId, 30, $"a50-{orderId}-{i}")));

        var succeeded = new List<JsonObject>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                succeeded.Add(await MerchantClient.JsonAsync(response));
            }
            else
            {
                await ProblemAssert.IsProblemAsync(response, 409, ErrorCodes.RefundExceedsRefundable, "did not fit");
            }
        }
        Assert.Equal(33, succeeded.Count);
        Assert.All(succeeded, r => Assert.Equal("succeeded", (string?)r["status"]));
        var gatewayIds = succeeded.Select(r => (string)r["refund_id"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(1, 33).Select(n => $"{orderId}R{n:D3}"), gatewayIds);
        var order = await OrderAsync(orderId);
        Assert.Equal(990, (long)order["refunded_amount"]!);
        Assert.Equal(990L, await fixture.Database.ScalarAsync<long>("SELECT refunded_amount FROM paygw_order WHERE order_id = @o", ("@o", orderId)));

        // Alipay's side: the same 33 refunds, each once, adding up to what the gateway counts; the 17 that did not fit
        // were refused by the gateway and never sent.
        var refunded = AlipayRecords(RecordKind.Refunded, orderId);
        Assert.Equal(gatewayIds, refunded.Select(r => r.TradeNo!).Order(StringComparer.Ordinal));
        Assert.Equal((long)order["refunded_amount"]!, AlipayRefunded(orderId));
        Assert.Equal(33, AlipayRecords(RecordKind.RefundRequest, orderId).Count);
        Assert.Equal(TradeStatus.Succeeded, fixture.Simulator.FindTrade(orderId)!.Status);

        // What is left still fits, and closes the trade at Alipay.
        var last = await RefundOkAsync(orderId, 10);
        Assert.Equal((orderId + "R034", "succeeded"), ((string?)last["refund_id"], (string?)last["status"]));
        Assert.Equal(1000, AlipayRefunded(orderId));
        Assert.Equal(TradeStatus.Closed, fixture.Simulator.FindTrade(orderId)!.Status);
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task RefundOfUnpaidOrder_RefusedWithProblemAndNeverSentToAlipay()
    {
        var orderId = await CreateOrderAsync("aunpaid", 700);
        var number = "aunpaid-" + Guid.NewGuid().ToString("N");

        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 700, number), 409, ErrorCodes.OrderNotRefundable, "a pending order cannot be refunded");
        var closed = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{orderId}/close", new { }));
        Assert.Equal("closed", (string?)closed["status"]);
        // The refused request did not use the number up, and a closed order is refused the same way.
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 700, number), 409, ErrorCodes.OrderNotRefundable, "a closed order cannot be refunded");

        Assert.Empty((await OrderAsync(orderId))["refunds"]!.AsArray());
        Assert.Empty(AlipayRecords(RecordKind.RefundRequest, orderId));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_refund WHERE order_id = @o", ("@o", orderId)));
        await ProblemAssert.IsProblemAsync(await _merchant.GetAsync($"/v1/refunds/by-out-refund-no/{number}"), 404, ErrorCodes.RefundNotFound, "no refund was made");
    }

    [Fact]
    public async Task AlipayTimesOutAfterRefunding_UnknownThenSupervisionFindsTheRefundAndNeverRefundsTwice()
    {
        var orderId = await PaidOrderAsync("atimeout", 900);
        var number = "atimeout-" + Guid.NewGuid().ToString("N");
        // Alipay refunds, then never answers: the gateway's call times out.
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Refund], Times = 1 });

        var refund = await RefundOkAsync(orderId, 900, number);
        var refundId = (string)refund["refund_id"]!;

        Assert.Equal("unknown", (string?)refund["status"]);
        Assert.Equal(900, AlipayRefunded(orderId)); // the money did move
        Assert.Equal(0, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        // Still counted against the order: nothing more can be refunded while the outcome is unknown.
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 1), 409, ErrorCodes.RefundExceedsRefundable, "unknown holds the amount");
        // The merchant repeating the request gets the same refund; it is not sent again.
        Assert.Equal(refundId, (string?)(await RefundOkAsync(orderId, 900, number))["refund_id"]);

        var settled = await Eventually.HoldsAsync(() => RefundByIdAsync(refundId), r => (string?)r["status"] == "succeeded", "supervision resolved the refund", TimeSpan.FromSeconds(30));

        Assert.Equal(900, (long)settled["amount"]!);
        AssertAboutNow(settled["succeeded_at"], "succeeded_at from the refund query's gmt_refund_pay (Beijing time)");
        Assert.Equal(900, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        // Supervision asked Alipay (the refund query found it) rather than refunding again.
        Assert.Contains(AlipayRecords(RecordKind.RefundQuery, orderId), r => r.TradeNo == refundId && r.Result == "REFUND_SUCCESS");
        Assert.Single(AlipayRecords(RecordKind.RefundRequest, orderId));
        var refunded = Assert.Single(AlipayRecords(RecordKind.Refunded, orderId));
        Assert.Equal((refundId, 900L), (refunded.TradeNo, refunded.Amount!.Value));
        Assert.Single(await WaitForEventsAsync("atimeout", "refund.succeeded"));
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task RefundThatNeverReachedAlipay_SupervisionSendsTheSameRefundAgainAndAlipayRefundsOnce()
    {
        var orderId = await PaidOrderAsync("aresend", 600);
        // Alipay's gateway is down for the refund call (code 20000: nothing done, outcome unknown to the caller).
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("20000", "服务暂不可用", SubCode: "isp.unknow-error"),
            Operations = [SimulatorOperation.Refund],
            Times = 1,
        });

        var refund = await RefundOkAsync(orderId, 600);
        var refundId = (string)refund["refund_id"]!;

        Assert.Equal("unknown", (string?)refund["status"]);
        Assert.Empty(AlipayRecords(RecordKind.Refunded, orderId));

        await Eventually.HoldsAsync(() => RefundByIdAsync(refundId), r => (string?)r["status"] == "succeeded", "supervision re-sent the refund", TimeSpan.FromSeconds(30));

        // The query found no such refund, so supervision sent it again under the same out_request_no; Alipay refunded once.
        Assert.Contains(AlipayRecords(RecordKind.RefundQuery, orderId), r => r.TradeNo == refundId && r.Result == TradeStatus.NotFound);
        Assert.Equal(
            new[] { (refundId, "isp.unknow-error"), (refundId, "REFUND_SUCCESS") },
            AlipayRecords(RecordKind.RefundRequest, orderId).OrderBy(r => r.Sequence).Select(r => (r.TradeNo!, r.Result!)));
        var refunded = Assert.Single(AlipayRecords(RecordKind.Refunded, orderId));
        Assert.Equal((refundId, 600L), (refunded.TradeNo, refunded.Amount!.Value));
        Assert.Equal(600, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        Assert.Single(await WaitForEventsAsync("aresend", "refund.succeeded"));
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task AlipaySlowerThanTheGateway_RefundSentAgainWhileTheFirstIsInFlightAndAlipayRefundsOnce()
    {
        var orderId = await PaidOrderAsync("aslow", 500);
        // Alipay handles the refund call 10 s late, after the gateway gave up (3 s): supervision's query (due at 4 s)
        // finds no refund, so the refund is sent again while the first request is still on its way.
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { DelayMs = 10_000, Operations = [SimulatorOperation.Refund], Times = 1 });

        var refund = await RefundOkAsync(orderId, 500);
        var refundId = (string)refund["refund_id"]!;
        Assert.Equal("unknown", (string?)refund["status"]);
        await Eventually.HoldsAsync(() => RefundByIdAsync(refundId), r => (string?)r["status"] == "succeeded", "supervision re-sent the refund", TimeSpan.FromSeconds(30));
        // Then the late first request arrives as well.
        var requests = await Eventually.HoldsAsync(() => Task.FromResult(AlipayRecords(RecordKind.RefundRequest, orderId)), r => r.Count == 2, "the late request handled", TimeSpan.FromSeconds(30));

        Assert.Contains(AlipayRecords(RecordKind.RefundQuery, orderId), r => r.TradeNo == refundId && r.Result == TradeStatus.NotFound);
        Assert.All(requests, r => Assert.Equal((refundId, "REFUND_SUCCESS"), (r.TradeNo, r.Result)));
        // Two requests for the same out_request_no, one refund: Alipay deduplicated the late one.
        var refunded = Assert.Single(AlipayRecords(RecordKind.Refunded, orderId));
        Assert.Equal((refundId, 500L), (refunded.TradeNo, refunded.Amount!.Value));
        Assert.Equal(500, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        Assert.Single(await WaitForEventsAsync("aslow", "refund.succeeded"));
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task AlipayRefusesRefund_FailedWithAlipaySubCodeRefundFailedWebhookAndAmountReleased()
    {
        var orderId = await PaidOrderAsync("arefused", 400);
        var number = "arefused-" + Guid.NewGuid().ToString("N");
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("40004", "卖家余额不足", SubCode: "ACQ.SELLER_BALANCE_NOT_ENOUGH"),
            Operations = [SimulatorOperation.Refund],
            Times = 1,
        });

        var refused = await RefundOkAsync(orderId, 400, number);

        Assert.Equal("failed", (string?)refused["status"]);
        Assert.Equal(("ACQ.SELLER_BALANCE_NOT_ENOUGH", "卖家余额不足"), ((string?)refused["failure"]!["code"], (string?)refused["failure"]!["message"]));
        // A refusal is final only once the refund query agrees nothing was refunded.
        Assert.Contains(AlipayRecords(RecordKind.RefundQuery, orderId), r => r.TradeNo == (string?)refused["refund_id"] && r.Result == TradeStatus.NotFound);
        var evt = Assert.Single(await WaitForEventsAsync("arefused", "refund.failed"));
        var delivery = fixture.Webhooks.For("arefused").First(d => d.EventId == (string?)evt["id"]);
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
        Assert.Equal(((string?)refused["refund_id"], "ACQ.SELLER_BALANCE_NOT_ENOUGH"), ((string?)evt["refund"]!["refund_id"], (string?)evt["refund"]!["failure"]!["code"]));
        Assert.Equal(0, (long)evt["order"]!["refunded_amount"]!);

        // A failed refund gives its amount back: the whole amount can be refunded again, under a new refund id.
        var retried = await RefundOkAsync(orderId, 400);
        Assert.Equal((orderId + "R002", "succeeded"), ((string?)retried["refund_id"], (string?)retried["status"]));
        Assert.Equal("failed", (string?)(await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/by-out-refund-no/{number}")))["status"]);
        var refunded = Assert.Single(AlipayRecords(RecordKind.Refunded, orderId));
        Assert.Equal((orderId + "R002", 400L), (refunded.TradeNo, refunded.Amount!.Value));
        Assert.Equal(400, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task RefusalWithBadSignature_NeverFailsTheRefundWhichSupervisionCompletes()
    {
        var orderId = await PaidOrderAsync("aforged", 350);
        // A definitive-looking refusal that does not verify against Alipay's key: nobody can say Alipay sent it.
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("40004", "卖家余额不足", SubCode: "ACQ.SELLER_BALANCE_NOT_ENOUGH"),
            BadSignature = true,
            Operations = [SimulatorOperation.Refund],
            Times = 1,
        });

        var refund = await RefundOkAsync(orderId, 350);
        var refundId = (string)refund["refund_id"]!;

        Assert.Equal("unknown", (string?)refund["status"]);
        await Eventually.HoldsAsync(() => RefundByIdAsync(refundId), r => (string?)r["status"] == "succeeded", "supervision re-sent the refund", TimeSpan.FromSeconds(30));
        Assert.Equal(
            new[] { "ACQ.SELLER_BALANCE_NOT_ENOUGH", "REFUND_SUCCESS" },
            AlipayRecords(RecordKind.RefundRequest, orderId).OrderBy(r => r.Sequence).Select(r => r.Result));
        Assert.Equal(350, Assert.Single(AlipayRecords(RecordKind.Refunded, orderId)).Amount);
        Assert.Empty(Events("aforged", "refund.failed"));
        Assert.Single(await WaitForEventsAsync("aforged", "refund.succeeded"));
        await AssertInvariantsAsync();
    }

    [Fact]
    public async Task AlipayNotifiesAfterPartialAndFullRefund_AcknowledgedAndOrderStaysSucceeded()
    {
        var orderId = await PaidOrderAsync("anotify", 800);
        await RefundOkAsync(orderId, 300);

        // Alipay notifies trade_status_sync after refunds: TRADE_SUCCESS while part is left, TRADE_CLOSED once all is refunded.
        var afterPartial = await fixture.Simulator.SendCallbackAsync(orderId);
        await RefundOkAsync(orderId, 500);
        Assert.Equal(TradeStatus.Closed, fixture.Simulator.FindTrade(orderId)!.Status);
        var afterFull = await fixture.Simulator.SendCallbackAsync(orderId);

        Assert.True(afterPartial.Acknowledged, "TRADE_SUCCESS notify after a partial refund acknowledged");
        Assert.True(afterFull.Acknowledged, "TRADE_CLOSED notify after the full refund acknowledged");
        var order = await OrderAsync(orderId);
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Null(order["closed_at"]);
        Assert.Equal(800, (long)order["refunded_amount"]!);
        Assert.Equal(["order.succeeded", "refund.succeeded", "refund.succeeded"], order["notifications"]!.AsArray().Select(n => (string)n!["type"]!));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @o", ("@o", orderId)));
        await AssertInvariantsAsync();
    }
}
