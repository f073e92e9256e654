using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;
using PayGateway.Tests.Reliability;

namespace PayGateway.Tests.Refunds;

/// <summary>
/// Refunds end to end over HTTP on the mock channel: the gateway's API, the order grain, the simulator's refund
/// endpoints, supervision and merchant webhooks; channel-side totals compared with the gateway's.
/// </summary>
public sealed class RefundTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private readonly MerchantClient _merchant = fixture.HmacMerchant();

    private async Task<string> PaidOrderAsync(long amount, string? webhookTag = null)
    {
        var body = webhookTag is null ? PaymentFixture.NewOrder(amount: amount) : fixture.NewOrderWithWebhook(webhookTag, amount);
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", body));
        var id = (string)created["order_id"]!;
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await Eventually.HoldsAsync(() => OrderAsync(id), o => (string?)o["status"] == "succeeded", "order paid");
        return id;
    }

    // 503s are repeated (a read, or the same out_refund_no = the same refund): 50 concurrent refunds of one order
    // queue on its grain, then it delivers their 33 webhooks in one turn; on a loaded machine requests meanwhile
    // pass the API host's 5 s request deadline.
    private async Task<JsonObject> OrderAsync(string id) => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/orders/{id}"));

    private Task<HttpResponseMessage> RefundAsync(string orderId, long amount, string? outRefundNo = null, string? reason = "customer returned the goods") =>
        _merchant.PostJsonRepeatingUnavailableAsync($"/v1/orders/{orderId}/refunds", new { out_refund_no = outRefundNo ?? $"R{Guid.NewGuid():N}", amount, reason });

    private long ChannelRefunded(string orderId) =>
        fixture.Simulator.Records.Where(r => r.Kind == RecordKind.Refunded && r.OutTradeNo == orderId).Sum(r => r.Amount ?? 0);

    private int ChannelRefundCount(string refundId) =>
        fixture.Simulator.Records.Count(r => r.Kind == RecordKind.Refunded && r.TradeNo == refundId);

    [Fact]
    public async Task RepeatedSuccessNoticeForSucceededRefund_KeepsItsSuccessTime()
    {
        var orderId = await PaidOrderAsync(1300);
        var refund = await MerchantClient.JsonAsync(await RefundAsync(orderId, 1300));
        Assert.Equal("succeeded", (string?)refund["status"]);
        var order = fixture.Grains.GetGrain<IOrderGrain>(orderId);
        var before = await order.GetAsync();

        await Task.Delay(20);
        // As UnionPay sends them: no success time, so a rewrite would stamp the time of the repeat.
        var notice = new RefundCallbackNotice("mock", PaymentFixture.MockAccountId, (string)refund["refund_id"]!, orderId,
            FundsStatus.Succeeded, null, 1300, "CNY", SucceededAt: null);
        Assert.True((await order.HandleRefundCallbackAsync(notice)).Accepted);

        var after = Assert.Single((await order.GetAsync())!.Refunds);
        var was = Assert.Single(before!.Refunds);
        Assert.Equal(FundsStatus.Succeeded, after.Status);
        Assert.NotNull(after.SucceededAt);
        Assert.Equal(was.SucceededAt, after.SucceededAt);
        Assert.Equal(was.UpdatedAt, after.UpdatedAt);
    }

    [Fact]
    public async Task FullRefund_SucceedsShowsOnOrderAndNotifiesMerchant()
    {
        var orderId = await PaidOrderAsync(2500, "refund-full");

        var response = await RefundAsync(orderId, 2500, "full-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refund = await MerchantClient.JsonAsync(response);
        var refundId = (string)refund["refund_id"]!;
        Assert.Equal("succeeded", (string?)refund["status"]);
        Assert.Equal(orderId + "R001", refundId);
        Assert.Equal(2500, (long)refund["amount"]!);
        Assert.Equal("CNY", (string?)refund["currency"]);
        var order = await OrderAsync(orderId);
        Assert.Equal(2500, (long)order["refunded_amount"]!);
        Assert.Equal(refundId, (string?)Assert.Single(order["refunds"]!.AsArray())!["refund_id"]);
        Assert.Equal("succeeded", (string?)order["status"]); // the payment itself stays paid; the refund is its own record

        var byId = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/{refundId}"));
        Assert.Equal("succeeded", (string?)byId["status"]);
        var byNumber = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/by-out-refund-no/{refund["out_refund_no"]}"));
        Assert.Equal(refundId, (string?)byNumber["refund_id"]);

        var deliveries = await fixture.Webhooks.WaitForAsync("refund-full", d => d.Any(x => x.Body.Contains("\"refund.succeeded\"")));
        var refundEvent = deliveries.Single(d => d.Body.Contains("\"refund.succeeded\""));
        Assert.True(WebhookSignature.Verify(refundEvent.Signature, refundEvent.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
        var evt = JsonNode.Parse(refundEvent.Body)!;
        Assert.Equal(refundId, (string?)evt["refund"]!["refund_id"]);
        Assert.Equal(2500, (long)evt["order"]!["refunded_amount"]!);

        Assert.Equal(2500, ChannelRefunded(orderId));
        Assert.Equal(1, ChannelRefundCount(refundId));
        Assert.Equal("succeeded", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_refund WHERE refund_id = @r", ("@r", refundId)));
        Assert.Equal(2500L, await fixture.Database.ScalarAsync<long>("SELECT refunded_amount FROM paygw_order WHERE order_id = @o", ("@o", orderId)));
    }

    [Fact]
    public async Task PartialRefunds_AddUpAndOneThatDoesNotFitIsRefusedWithProblem()
    {
        var orderId = await PaidOrderAsync(1000);

        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(orderId, 300)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(orderId, 300)).StatusCode);
        var tooMuch = await RefundAsync(orderId, 500);
        await ProblemAssert.IsProblemAsync(tooMuch, 409, ErrorCodes.RefundExceedsRefundable, "500 does not fit in the 400 left");
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(orderId, 400)).StatusCode);
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 1), 409, ErrorCodes.RefundExceedsRefundable, "nothing left");

        var order = await OrderAsync(orderId);
        Assert.Equal(1000, (long)order["refunded_amount"]!);
        Assert.Equal(3, order["refunds"]!.AsArray().Count);
        Assert.Equal(1000, ChannelRefunded(orderId));
        Assert.Equal(3L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_refund WHERE order_id = @o AND status = 'succeeded'", ("@o", orderId)));
    }

    [Fact]
    public async Task FiftyConcurrentPartialRefunds_ExactlyTheOnesThatFitSucceed()
    {
        // Notifying a reachable endpoint: refund events to an unreachable one are retried every few hundred ms here,
        // each retry a turn and a write of this same order grain, competing with the 50 requests.
        var orderId = await PaidOrderAsync(1000, "refund-50");

        // 50 × 30 = 1500 asked for 1000 paid: exactly 33 fit (990), whatever the interleaving.
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => RefundAsync(orderId, 30, $"c50-{orderId}-{i}")));

        Assert.Equal(33, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            await ProblemAssert.IsProblemAsync(refused, 409, ErrorCodes.RefundExceedsRefundable, "did not fit");
        }
        var order = await OrderAsync(orderId);
        Assert.Equal(990, (long)order["refunded_amount"]!);
        Assert.Equal(990, ChannelRefunded(orderId));
        Assert.All(order["refunds"]!.AsArray(), r => Assert.Equal("succeeded", (string?)r!["status"]));
        Assert.Equal(33, order["refunds"]!.AsArray().Select(r => (string?)r!["refund_id"]).Distinct().Count());
        await ReliabilityCheck.AssertHoldsAsync(fixture, ReliabilityCheck.OptionsFor(fixture) with { AllowFailedNotifications = true }); // most orders here notify an unreachable URL
    }

    [Fact]
    public async Task HundredRefundsOfOneOrder_AllSucceedAndTheStoredStateGrowsLinearly()
    {
        // An order may have RefundId.MaxPerOrder (999) refunds, and its one stored record (every refund, every webhook
        // event body) must stay writable all the way: the payload column is a MEDIUMBLOB (16 MiB). A refund event that
        // carried the whole order with all its refunds grew the record quadratically: ~200 refunds did not fit.
        const int count = 100, step = 25;
        const long payloadLimit = 16 * 1024 * 1024;
        var orderId = await PaidOrderAsync(1000, "refund-many");
        Task<long> StoredBytesAsync() => fixture.Database.ScalarAsync<long>(
            "SELECT LENGTH(PayloadBinary) FROM paygw_projected_state WHERE GrainTypeString = 'order' AND GrainIdExtensionString = @o", ("@o", orderId));
        var sizes = new List<long> { await StoredBytesAsync() };

        for (var n = 0; n < count; n++)
        {
            var response = await RefundAsync(orderId, 1, $"many-{orderId}-{n}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            Assert.Equal("succeeded", (string?)(await MerchantClient.JsonAsync(response))["status"]);
            if ((n + 1) % step == 0)
            {
                sizes.Add(await StoredBytesAsync());
                // Each further step adds about what the first did (quadratic growth added 3×, 5×, … as much).
                var first = sizes[1] - sizes[0];
                var latest = sizes[^1] - sizes[^2];
                Assert.True(latest < first * 5 / 4, $"refunds {n + 2 - step}-{n + 1} added {latest} bytes, the first {step} {first}: {string.Join(", ", sizes)}");
            }
        }

        var order = await OrderAsync(orderId);
        Assert.Equal(count, (long)order["refunded_amount"]!);
        Assert.Equal(count, order["refunds"]!.AsArray().Count);
        Assert.All(order["refunds"]!.AsArray(), r => Assert.Equal("succeeded", (string?)r!["status"]));
        Assert.Equal(count, ChannelRefunded(orderId));
        var perRefund = (sizes[^1] - sizes[0]) / count;
        var atMaximum = sizes[^1] + perRefund * (RefundId.MaxPerOrder - count);
        Assert.True(atMaximum < payloadLimit / 4, $"{RefundId.MaxPerOrder} refunds would store ~{atMaximum} bytes ({perRefund} per refund)");

        // The refund events still tell the merchant which refund and how much of the order is refunded by then; the
        // order's list of refunds is for GET /v1/orders/{id}.
        var deliveries = await fixture.Webhooks.WaitForAsync("refund-many",
            d => d.Where(x => x.Body.Contains("\"refund.succeeded\"")).Select(x => x.EventId).Distinct().Count() == count);
        var last = JsonNode.Parse(deliveries.First(d => d.Body.Contains($"\"many-{orderId}-{count - 1}\"")).Body)!;
        Assert.Equal($"{orderId}R{count:D3}", (string?)last["refund"]!["refund_id"]);
        Assert.Equal(count, (long)last["order"]!["refunded_amount"]!);
        Assert.Empty(last["order"]!["refunds"]!.AsArray());
    }

    [Fact]
    public async Task RepeatedRefundRequest_ReturnsOriginalAndDifferentBodyIsConflict()
    {
        var orderId = await PaidOrderAsync(800);
        var number = "rep-" + Guid.NewGuid().ToString("N");

        var first = await MerchantClient.JsonAsync(await RefundAsync(orderId, 200, number));
        var again = await MerchantClient.JsonAsync(await RefundAsync(orderId, 200, number));
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RefundAsync(orderId, 200, number)));
        var different = await RefundAsync(orderId, 300, number);

        Assert.Equal((string?)first["refund_id"], (string?)again["refund_id"]);
        foreach (var r in concurrent)
        {
            Assert.Equal((string?)first["refund_id"], (string?)(await MerchantClient.JsonAsync(r))["refund_id"]);
        }
        await ProblemAssert.IsProblemAsync(different, 409, ErrorCodes.OutRefundNoConflict, "same number, other amount");
        Assert.Equal(200, ChannelRefunded(orderId));
        Assert.Single((await OrderAsync(orderId))["refunds"]!.AsArray());
    }

    [Fact]
    public async Task SameOutRefundNoOnAnotherOrder_IsConflict()
    {
        var first = await PaidOrderAsync(500);
        var second = await PaidOrderAsync(500);
        var number = "cross-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(first, 100, number)).StatusCode);

        await ProblemAssert.IsProblemAsync(await RefundAsync(second, 100, number), 409, ErrorCodes.OutRefundNoConflict, "out_refund_no is unique per app");

        Assert.Equal(0, ChannelRefunded(second));
    }

    [Fact]
    public async Task RefundOfUnpaidOrder_IsRefusedAndRecordsNothing()
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 700)));
        var orderId = (string)created["order_id"]!;
        var number = "unpaid-" + Guid.NewGuid().ToString("N");

        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 700, number), 409, ErrorCodes.OrderNotRefundable, "pending orders cannot be refunded");

        Assert.Empty((await OrderAsync(orderId))["refunds"]!.AsArray());
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_refund WHERE order_id = @o", ("@o", orderId)));
        // The refused request did not use the number up: once paid, the same request goes through.
        fixture.Simulator.Pay(orderId, PaymentFixture.MockMerchantId);
        await Eventually.HoldsAsync(() => OrderAsync(orderId), o => (string?)o["status"] == "succeeded", "paid");
        Assert.Equal(HttpStatusCode.OK, (await RefundAsync(orderId, 700, number)).StatusCode);
    }

    [Fact]
    public async Task InvalidRefundRequests_AreProblemsThatChangeNothing()
    {
        var orderId = await PaidOrderAsync(600);

        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 0), 400, ErrorCodes.ValidationFailed, "zero amount");
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, -5), 400, ErrorCodes.ValidationFailed, "negative amount");
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 100, "bad number!"), 400, ErrorCodes.ValidationFailed, "out_refund_no charset");
        await ProblemAssert.IsProblemAsync(await RefundAsync("NOT-AN-ORDER", 100), 404, ErrorCodes.OrderNotFound, "malformed order id");
        var otherApp = fixture.RsaMerchant();
        await ProblemAssert.IsProblemAsync(await otherApp.PostJsonAsync($"/v1/orders/{orderId}/refunds", new { out_refund_no = "x1", amount = 100 }), 404, ErrorCodes.OrderNotFound, "another app's order");
        await ProblemAssert.IsProblemAsync(await _merchant.GetAsync($"/v1/refunds/{orderId}R999"), 404, ErrorCodes.RefundNotFound, "no such refund");

        Assert.Empty((await OrderAsync(orderId))["refunds"]!.AsArray());
        Assert.Equal(0, ChannelRefunded(orderId));
    }

    [Fact]
    public async Task ChannelTimeoutDuringRefund_IsUnknownThenSupervisionResolvesItOnce()
    {
        var orderId = await PaidOrderAsync(900, "refund-timeout");
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Refund], Times = 1 });
        try
        {
            var refund = await MerchantClient.JsonAsync(await RefundAsync(orderId, 900));
            var refundId = (string)refund["refund_id"]!;

            Assert.Equal("unknown", (string?)refund["status"]);
            // Still counted against the order: nothing more can be refunded while the outcome is unknown.
            await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 1), 409, ErrorCodes.RefundExceedsRefundable, "unknown holds the amount");

            var settled = await Eventually.HoldsAsync(
                async () => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/{refundId}")),
                r => (string?)r["status"] == "succeeded", "supervision resolved the refund", TimeSpan.FromSeconds(30));
            Assert.Equal(900, (long)settled["amount"]!);
            Assert.Equal(1, ChannelRefundCount(refundId));
            Assert.Equal(900, ChannelRefunded(orderId));
            await fixture.Webhooks.WaitForAsync("refund-timeout", d => d.Any(x => x.Body.Contains("\"refund.succeeded\"")));
            await ReliabilityCheck.AssertHoldsAsync(fixture, ReliabilityCheck.OptionsFor(fixture) with { AllowFailedNotifications = true }); // most orders here notify an unreachable URL
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task ChannelReportsFailedRefundAsSucceeded_FiledForReviewRefundStaysFailed()
    {
        var orderId = await PaidOrderAsync(700);
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("INSUFFICIENT_BALANCE", "merchant balance too low", 409), Operations = [SimulatorOperation.Refund], Times = 1 });
        JsonObject refused;
        try
        {
            refused = await MerchantClient.JsonAsync(await RefundAsync(orderId, 700));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var refundId = (string)refused["refund_id"]!;
        Assert.Equal("failed", (string?)refused["status"]);

        // The channel changes its mind: a correctly signed notification says the refund went through after all.
        using var channel = fixture.Api.CreateClient();
        var callback = await fixture.PostMockRefundCallbackAsync(channel, orderId, refundId, "SUCCEEDED", 700);

        Assert.True(callback.IsSuccessStatusCode, $"callback answered {(int)callback.StatusCode}");
        var refund = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/{refundId}"));
        Assert.Equal("failed", (string?)refund["status"]); // final is final
        Assert.Equal(0, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @o AND code = 'REFUNDED_AFTER_FAILED'", ("@o", orderId)));
    }

    [Fact]
    public async Task SuccessNoticeForFailedRefundWhoseReviewItemCannotBeFiled_IsNotAcknowledgedThenFiledOnceOnRedelivery()
    {
        await StorageFaults.InstallAsync(fixture.Database);
        var orderId = await PaidOrderAsync(710);
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { Fail = new SimulatorFailure("INSUFFICIENT_BALANCE", "merchant balance too low", 409), Operations = [SimulatorOperation.Refund], Times = 1 });
        var refused = await MerchantClient.JsonAsync(await RefundAsync(orderId, 710));
        var refundId = (string)refused["refund_id"]!;
        Assert.Equal("failed", (string?)refused["status"]);
        using var channel = fixture.Api.CreateClient();
        await StorageFaults.FailReviewItemsAsync(fixture.Database, orderId);
        HttpResponseMessage unfiled;
        CallbackOutcome outcome;
        try
        {
            // The channel changes its mind, but the item that says so cannot be written.
            unfiled = await fixture.PostMockRefundCallbackAsync(channel, orderId, refundId, "SUCCEEDED", 710);
            outcome = await fixture.Grains.GetGrain<IOrderGrain>(orderId).HandleRefundCallbackAsync(new RefundCallbackNotice(
                "mock", PaymentFixture.MockAccountId, refundId, orderId, FundsStatus.Succeeded, null, 710, "CNY", SucceededAt: null));
        }
        finally
        {
            await StorageFaults.HealReviewItemsAsync(fixture.Database, orderId);
        }

        // Not acknowledged: the item is the only prompt record that the released amount was refunded after all.
        Assert.Equal(HttpStatusCode.BadRequest, unfiled.StatusCode);
        Assert.False(outcome.Accepted);
        Assert.Equal("REVIEW_ITEM_NOT_FILED", outcome.RejectionCode);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @o AND code = 'REFUNDED_AFTER_FAILED'", ("@o", orderId)));

        var redelivered = await fixture.PostMockRefundCallbackAsync(channel, orderId, refundId, "SUCCEEDED", 710);

        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @o AND code = 'REFUNDED_AFTER_FAILED'", ("@o", orderId)));
        Assert.Equal("failed", (string?)(await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/{refundId}")))["status"]); // final is final
    }

    [Fact]
    public async Task RetryOfRefundWhoseAnswerWasNotWritten_AsksTheChannelFirstAndEndsSucceeded()
    {
        await StorageFaults.InstallAsync(fixture.Database);
        var orderId = await PaidOrderAsync(730);
        var outTradeNo = await fixture.Database.ScalarAsync<string>("SELECT out_trade_no FROM paygw_order WHERE order_id = @o", ("@o", orderId));
        var request = new { out_refund_no = $"R{Guid.NewGuid():N}", amount = 730L, reason = "customer returned the goods" };
        // The channel takes its time over the refund, long enough for the order's next write to be made to fail.
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { DelayMs = 1500, Operations = [SimulatorOperation.Refund], Times = 1 });
        HttpResponseMessage lost;
        try
        {
            var sending = _merchant.PostJsonAsync($"/v1/orders/{orderId}/refunds", request);
            await Eventually.HoldsAsync(() => fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_refund WHERE order_id = @o", ("@o", orderId)),
                n => n == 1, "the refund was recorded before the channel call");
            await StorageFaults.FailWritesAsync(fixture.Database, outTradeNo, "update");
            lost = await sending;
        }
        finally
        {
            await StorageFaults.HealWritesAsync(fixture.Database, outTradeNo);
        }
        // The channel refunded; the gateway could not write that down and still has the refund pending, unanswered.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        var refundId = orderId + "R001";
        Assert.Equal(1, ChannelRefundCount(refundId));
        Assert.Equal("pending", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_refund WHERE refund_id = @r", ("@r", refundId)));

        // A re-send would be refused with a final code, as UnionPay (33, 35, 36) or WeChat Pay (NOT_ENOUGH) may answer a duplicate.
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { Fail = new SimulatorFailure("INSUFFICIENT_BALANCE", "merchant balance too low", 409), Operations = [SimulatorOperation.Refund], Times = 1 });
        var retried = await _merchant.PostJsonAsync($"/v1/orders/{orderId}/refunds", request);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        var refund = await MerchantClient.JsonAsync(retried);
        Assert.Equal(refundId, (string?)refund["refund_id"]);
        Assert.Equal("succeeded", (string?)refund["status"]);
        Assert.Equal(730, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        Assert.Equal(730, ChannelRefunded(orderId));
        // Nothing was released: the order has nothing left to refund.
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 1), 409, ErrorCodes.RefundExceedsRefundable, "all of it refunded");
    }

    [Fact]
    public async Task ChannelRefusesRefund_FailedReleasesTheAmountAndNotifies()
    {
        var orderId = await PaidOrderAsync(400, "refund-refused");
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("INSUFFICIENT_BALANCE", "merchant balance too low", 409), Operations = [SimulatorOperation.Refund], Times = 1 });
        try
        {
            var refused = await MerchantClient.JsonAsync(await RefundAsync(orderId, 400));

            Assert.Equal("failed", (string?)refused["status"]);
            Assert.Equal("INSUFFICIENT_BALANCE", (string?)refused["failure"]!["code"]);
            await fixture.Webhooks.WaitForAsync("refund-refused", d => d.Any(x => x.Body.Contains("\"refund.failed\"")));
            // A failed refund gives its amount back: the full amount can be refunded again.
            var retried = await MerchantClient.JsonAsync(await RefundAsync(orderId, 400));
            Assert.Equal("succeeded", (string?)retried["status"]);
            Assert.Equal(400, ChannelRefunded(orderId));
            Assert.Equal(400, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }
}
