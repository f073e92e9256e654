using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Reliability;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;
using PayGateway.Tests.Reliability;

namespace PayGateway.Tests.Refunds;

/// <summary>
/// Refunds end to end over HTTP on WeChat Pay: the gateway's API and order grain, the WeChat Pay adapter, the
/// simulator's v3 refund endpoints (PROCESSING first, then a REFUND.* notification), supervision and merchant
/// webhooks; channel-side totals compared with the gateway's.
/// </summary>
public sealed class WeChatPayRefundTests(WeChatPayFixture fixture) : IClassFixture<WeChatPayFixture>
{
    private const string MchId = WeChatPayFixture.MchId;

    private readonly MerchantClient _merchant = fixture.WeChatMerchant();

    private async Task<string> PaidOrderAsync(string tag, long amount)
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", fixture.NewWeChatOrder(tag, amount: amount)));
        var orderId = (string)created["order_id"]!;
        fixture.Simulator.Pay(orderId, MchId);
        await Eventually.HoldsAsync(() => OrderAsync(orderId), o => (string?)o["status"] == "succeeded", "order paid");
        return orderId;
    }

    private async Task<JsonObject> OrderAsync(string id) => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/orders/{id}"));

    private async Task<JsonObject> RefundViewAsync(string refundId) => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/{refundId}"));

    private Task<JsonObject> RefundSettledAsync(string refundId, string status) =>
        Eventually.HoldsAsync(() => RefundViewAsync(refundId), r => (string?)r["status"] == status, $"refund {refundId} {status}", TimeSpan.FromSeconds(30));

    private Task<HttpResponseMessage> RefundAsync(string orderId, long amount, string? outRefundNo = null, string? reason = "退货") =>
        _merchant.PostJsonAsync($"/v1/orders/{orderId}/refunds", new { out_refund_no = outRefundNo ?? $"wxr-{Guid.NewGuid():N}", amount, reason });

    /// <summary>
    /// Like a merchant: a 503 at the API's deadline (the order was busy with other refunds) is repeated with the
    /// same out_refund_no, which returns whatever the first attempt became.
    /// </summary>
    private async Task<HttpResponseMessage> RefundRepeatingAsync(string orderId, long amount, string outRefundNo)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await RefundAsync(orderId, amount, outRefundNo, reason: null);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 10)
            {
                return response;
            }
            Assert.NotNull(response.Headers.RetryAfter);
            await Task.Delay(200);
        }
    }

    private long ChannelRefunded(string orderId) =>
        fixture.Simulator.Records.Where(r => r.Kind == RecordKind.Refunded && r.OutTradeNo == orderId).Sum(r => r.Amount ?? 0);

    private int ChannelRefundCount(string refundId) =>
        fixture.Simulator.Records.Count(r => r.Kind == RecordKind.Refunded && r.TradeNo == refundId);

    private CheckOptions InvariantOptions() => ReliabilityCheck.OptionsFor(fixture) with
    {
        ChannelMerchantByAccount = new Dictionary<string, string> { [$"wechatpay/{WeChatPayFixture.AccountId}"] = MchId },
    };

    [Fact]
    public async Task Refund_AcceptedByWeChat_IsCompletedByItsNotification()
    {
        var orderId = await PaidOrderAsync("wx-refund-e2e", 2500);

        var response = await RefundAsync(orderId, 1000);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refund = await MerchantClient.JsonAsync(response);
        var refundId = (string)refund["refund_id"]!;
        var done = await RefundSettledAsync(refundId, "succeeded");
        var atWeChat = fixture.Simulator.WeChatPay.FindRefund(MchId, refundId)!;
        Assert.Equal(atWeChat.RefundId, (string?)done["channel_refund_no"]);
        Assert.Equal("退货", atWeChat.Reason);
        // The gateway verified and acknowledged WeChat's REFUND.SUCCESS notification.
        var notified = await fixture.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refundId, TimeSpan.FromSeconds(10));
        Assert.Equal((200, "ACK"), (notified.ResponseStatus, notified.Result));
        Assert.Equal(1000, Assert.Single(fixture.Simulator.Records, r => r.Kind == RecordKind.Refunded && r.TradeNo == refundId).Amount);
        Assert.Equal(1000, (long)(await OrderAsync(orderId))["refunded_amount"]!);
    }

    [Fact]
    public async Task FullRefund_AcceptedAsPendingThenNotificationCompletesItAndMerchantIsNotified()
    {
        var orderId = await PaidOrderAsync("wx-refund-full", 3100);

        var response = await RefundAsync(orderId, 3100, "wx-full-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refund = await MerchantClient.JsonAsync(response);
        var refundId = (string)refund["refund_id"]!;
        Assert.Equal(orderId + "R001", refundId);
        Assert.Equal("pending", (string?)refund["status"]); // WeChat accepts refunds as PROCESSING
        var done = await RefundSettledAsync(refundId, "succeeded");
        // WeChat's REFUND.SUCCESS notification was verified and applied (acknowledged only after the order's write).
        var notified = await fixture.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refundId && r.Result == "ACK", TimeSpan.FromSeconds(10));
        Assert.Equal(200, notified.ResponseStatus);
        Assert.Equal(3100, (long)done["amount"]!);
        var byNumber = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/by-out-refund-no/{refund["out_refund_no"]}"));
        Assert.Equal(refundId, (string?)byNumber["refund_id"]);
        var order = await OrderAsync(orderId);
        Assert.Equal(3100, (long)order["refunded_amount"]!);
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Equal(refundId, (string?)Assert.Single(order["refunds"]!.AsArray())!["refund_id"]);

        var deliveries = await fixture.Webhooks.WaitForAsync("wx-refund-full", d => d.Any(x => x.Body.Contains("\"refund.succeeded\"")));
        var refundEvent = Assert.Single(deliveries, d => d.Body.Contains("\"refund.succeeded\""));
        Assert.True(WebhookSignature.Verify(refundEvent.Signature, refundEvent.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
        var evt = JsonNode.Parse(refundEvent.Body)!;
        Assert.Equal(refundId, (string?)evt["refund"]!["refund_id"]);
        Assert.Equal(3100, (long)evt["order"]!["refunded_amount"]!);
        Assert.Equal(1, ChannelRefundCount(refundId));
        Assert.Equal(3100, ChannelRefunded(orderId));
        Assert.Equal("succeeded", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_refund WHERE refund_id = @r", ("@r", refundId)));
        // Nothing more can be refunded: the gateway refuses before asking WeChat.
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 1), 409, ErrorCodes.RefundExceedsRefundable, "fully refunded");
    }

    [Fact]
    public async Task PartialRefunds_AddUpAtWeChatAndOneThatDoesNotFitIsRefused()
    {
        var orderId = await PaidOrderAsync("wx-refund-partial", 1000);

        var ids = new List<string>();
        foreach (var amount in new long[] { 300, 250 })
        {
            var response = await RefundAsync(orderId, amount);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((string)(await MerchantClient.JsonAsync(response))["refund_id"]!);
        }
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 451), 409, ErrorCodes.RefundExceedsRefundable, "451 does not fit in the 450 left");
        var last = await RefundAsync(orderId, 450);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        ids.Add((string)(await MerchantClient.JsonAsync(last))["refund_id"]!);

        Assert.Equal([orderId + "R001", orderId + "R002", orderId + "R003"], ids);
        foreach (var id in ids)
        {
            await RefundSettledAsync(id, "succeeded");
            Assert.Equal(1, ChannelRefundCount(id));
        }
        var order = await OrderAsync(orderId);
        Assert.Equal(1000, (long)order["refunded_amount"]!);
        Assert.Equal(3, order["refunds"]!.AsArray().Count);
        Assert.Equal(1000, ChannelRefunded(orderId));
        // The refused 451 never reached WeChat.
        Assert.DoesNotContain(fixture.Simulator.Records, r => r.Kind == RecordKind.RefundRequest && r.OutTradeNo == orderId && r.Amount == 451);
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 1), 409, ErrorCodes.RefundExceedsRefundable, "nothing left");
    }

    [Fact]
    public async Task ThirtyConcurrentPartialRefunds_ExactlyTheOnesThatFitSucceedAndChannelTotalMatches()
    {
        var orderId = await PaidOrderAsync("wx-refund-c30", 1000);

        // 30 × 70 = 2100 asked for 1000 paid: exactly 14 fit (980), whatever the interleaving.
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => RefundRepeatingAsync(orderId, 70, $"c30-{orderId}-{i}")));

        var accepted = new List<string>();
        foreach (var response in responses)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                accepted.Add((string)(await MerchantClient.JsonAsync(response))["refund_id"]!);
            }
            else
            {
                await ProblemAssert.IsProblemAsync(response, 409, ErrorCodes.RefundExceedsRefundable, "did not fit");
            }
        }
        Assert.Equal(14, accepted.Count);
        Assert.Equal(14, accepted.Distinct().Count());
        foreach (var id in accepted)
        {
            await RefundSettledAsync(id, "succeeded");
        }
        var order = await OrderAsync(orderId);
        Assert.Equal(980, (long)order["refunded_amount"]!);
        Assert.Equal(14, order["refunds"]!.AsArray().Count);
        Assert.All(order["refunds"]!.AsArray(), r => Assert.Equal("succeeded", (string?)r!["status"]));
        Assert.Equal(980, ChannelRefunded(orderId));
        Assert.All(accepted, id => Assert.Equal(1, ChannelRefundCount(id)));
        // Only the refunds that fit were sent to WeChat.
        Assert.Equal(14, fixture.Simulator.Records.Where(r => r.Kind == RecordKind.RefundRequest && r.OutTradeNo == orderId).Select(r => r.TradeNo).Distinct().Count());
        await ReliabilityCheck.AssertHoldsAsync(fixture, InvariantOptions());
    }

    [Fact]
    public async Task RefundOfUnpaidOrder_IsRefusedAndNothingReachesWeChat()
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", fixture.NewWeChatOrder("wx-refund-unpaid", amount: 700)));
        var orderId = (string)created["order_id"]!;

        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 700), 409, ErrorCodes.OrderNotRefundable, "pending orders cannot be refunded");

        Assert.Empty((await OrderAsync(orderId))["refunds"]!.AsArray());
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_refund WHERE order_id = @o", ("@o", orderId)));
        Assert.DoesNotContain(fixture.Simulator.Records, r => r.Kind == RecordKind.RefundRequest && r.OutTradeNo == orderId);
    }

    [Fact]
    public async Task ChannelTimeoutDuringRefund_IsUnknownThenResolvedOnceWithoutASecondRefund()
    {
        var orderId = await PaidOrderAsync("wx-refund-timeout", 900);
        // WeChat accepts the refund (it ends and notifies as usual) but the answer never comes.
        fixture.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Refund], Times = 1 });

        var refund = await MerchantClient.JsonAsync(await RefundAsync(orderId, 900));
        var refundId = (string)refund["refund_id"]!;

        Assert.Equal("unknown", (string?)refund["status"]);
        var settled = await RefundSettledAsync(refundId, "succeeded");
        Assert.Equal(900, (long)settled["amount"]!);
        await fixture.Webhooks.WaitForAsync("wx-refund-timeout", d => d.Any(x => x.Body.Contains("\"refund.succeeded\"")));
        // Let supervision's next check pass: it must not send the refund again.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(1, ChannelRefundCount(refundId));
        Assert.Equal(900, ChannelRefunded(orderId));
        Assert.Equal(1, fixture.Simulator.Records.Count(r => r.Kind == RecordKind.RefundRequest && r.TradeNo == refundId));
        Assert.Equal("succeeded", (string?)(await RefundViewAsync(refundId))["status"]);
        Assert.Equal(900, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        await ReliabilityCheck.AssertHoldsAsync(fixture, InvariantOptions());
    }

    [Fact]
    public async Task ChannelTimeoutAndNoNotification_SupervisionQueryResolvesTheUnknownRefundOnce()
    {
        var orderId = await PaidOrderAsync("wx-refund-timeout-quiet", 800);
        var refundId = orderId + "R001";
        fixture.Simulator.SetBehaviour(refundId, new SimulatorBehaviour
        {
            TimeoutAfterCharge = true,
            SuppressCallbacks = true,
            Operations = [SimulatorOperation.Refund, SimulatorOperation.Callback],
        });

        var refund = await MerchantClient.JsonAsync(await RefundAsync(orderId, 800));

        Assert.Equal(refundId, (string?)refund["refund_id"]);
        Assert.Equal("unknown", (string?)refund["status"]);
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 1), 409, ErrorCodes.RefundExceedsRefundable, "unknown holds the amount");
        await RefundSettledAsync(refundId, "succeeded");
        Assert.Contains(fixture.Simulator.Records, r => r.Kind == RecordKind.RefundQuery && r.TradeNo == refundId && r.Result == "SUCCESS");
        Assert.DoesNotContain(fixture.Simulator.Records, r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refundId);
        Assert.Equal(1, ChannelRefundCount(refundId));
        Assert.Equal(800, ChannelRefunded(orderId));
        await fixture.Webhooks.WaitForAsync("wx-refund-timeout-quiet", d => d.Any(x => x.Body.Contains("\"refund.succeeded\"")));
    }

    [Fact]
    public async Task RefundNotificationSuppressed_SupervisionQueryCompletesTheRefund()
    {
        var orderId = await PaidOrderAsync("wx-refund-quiet", 600);
        var refundId = orderId + "R001";
        fixture.Simulator.SetBehaviour(refundId, new SimulatorBehaviour { SuppressCallbacks = true, Operations = [SimulatorOperation.Callback] });

        var refund = await MerchantClient.JsonAsync(await RefundAsync(orderId, 600));

        Assert.Equal("pending", (string?)refund["status"]);
        var done = await RefundSettledAsync(refundId, "succeeded");
        Assert.NotNull(done["channel_refund_no"]);
        Assert.Contains(fixture.Simulator.Records, r => r.Kind == RecordKind.RefundQuery && r.TradeNo == refundId && r.Result == "SUCCESS");
        Assert.DoesNotContain(fixture.Simulator.Records, r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refundId);
        Assert.Equal(1, fixture.Simulator.Records.Count(r => r.Kind == RecordKind.RefundRequest && r.TradeNo == refundId));
        Assert.Equal(600, ChannelRefunded(orderId));
        Assert.Equal(600, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        await fixture.Webhooks.WaitForAsync("wx-refund-quiet", d => d.Any(x => x.Body.Contains("\"refund.succeeded\"")));
    }

    [Fact]
    public async Task RefundClosedByWeChat_FailsNotifiesMerchantAndTheAmountIsRefundableAgain()
    {
        var orderId = await PaidOrderAsync("wx-refund-closed", 1500);
        var closedId = orderId + "R001";
        fixture.Simulator.SetBehaviour(closedId, new SimulatorBehaviour { RefundStatus = "CLOSED", Operations = [SimulatorOperation.Refund] });

        var refund = await MerchantClient.JsonAsync(await RefundAsync(orderId, 1500));

        Assert.Equal(closedId, (string?)refund["refund_id"]);
        var failed = await RefundSettledAsync(closedId, "failed");
        Assert.Equal("REFUND_CLOSED", (string?)failed["failure"]?["code"]); // the same code whether the notification or a query came first
        Assert.Equal("CLOSED", fixture.Simulator.WeChatPay.FindRefund(MchId, closedId)!.Status);
        await fixture.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == closedId && r.Result == "ACK", TimeSpan.FromSeconds(10));
        var deliveries = await fixture.Webhooks.WaitForAsync("wx-refund-closed", d => d.Any(x => x.Body.Contains("\"refund.failed\"")));
        var evt = JsonNode.Parse(Assert.Single(deliveries, d => d.Body.Contains("\"refund.failed\"")).Body)!;
        Assert.Equal(closedId, (string?)evt["refund"]!["refund_id"]);
        Assert.Equal(0, (long)(await OrderAsync(orderId))["refunded_amount"]!);

        // Nothing moved, so the whole amount can be refunded again, at the gateway and at WeChat.
        var again = await RefundAsync(orderId, 1500);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var againId = (string)(await MerchantClient.JsonAsync(again))["refund_id"]!;
        Assert.Equal(orderId + "R002", againId);
        await RefundSettledAsync(againId, "succeeded");
        Assert.Equal("failed", (string?)(await RefundViewAsync(closedId))["status"]);
        Assert.Equal(0, ChannelRefundCount(closedId));
        Assert.Equal(1500, ChannelRefunded(orderId));
        var order = await OrderAsync(orderId);
        Assert.Equal(1500, (long)order["refunded_amount"]!);
        Assert.Equal(2, order["refunds"]!.AsArray().Count);
        await ReliabilityCheck.AssertHoldsAsync(fixture, InvariantOptions());
    }

    [Fact]
    public async Task RefundNotificationWithTamperedAmount_IsRefusedAndSupervisionCompletesTheRefundOnce()
    {
        var orderId = await PaidOrderAsync("wx-refund-tamper", 1200);
        var refundId = orderId + "R001";
        // Correctly encrypted and signed, but stating refund + 1: only the order's own amount check can catch it.
        fixture.Simulator.SetBehaviour(refundId, new SimulatorBehaviour { TamperCallbackAmount = true, Operations = [SimulatorOperation.Callback] });

        var refund = await MerchantClient.JsonAsync(await RefundAsync(orderId, 500));

        Assert.Equal(refundId, (string?)refund["refund_id"]);
        await Eventually.HoldsAsync(() => fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @o AND code = 'AMOUNT_MISMATCH'", ("@o", orderId)), n => n > 0, "review item");
        // The simulator records the delivery when the gateway's answer arrives, which can be after the review row.
        await fixture.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refundId && r.Result == "NO_ACK", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(fixture.Simulator.Records, r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refundId && r.Result == "ACK");
        // The refund itself did succeed at WeChat: supervision's query (with the true amount) completes it.
        var done = await RefundSettledAsync(refundId, "succeeded");
        Assert.Equal(500, (long)done["amount"]!);
        Assert.Equal(500, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        Assert.Equal(1, ChannelRefundCount(refundId));
        Assert.Equal(1, fixture.Simulator.Records.Count(r => r.Kind == RecordKind.RefundRequest && r.TradeNo == refundId));
    }

    [Fact]
    public async Task RefundAbnormalAtWeChat_StaysOpenAndKeepsHoldingItsAmount()
    {
        var orderId = await PaidOrderAsync("wx-refund-abnormal", 1000);
        var refundId = orderId + "R001";
        fixture.Simulator.SetBehaviour(refundId, new SimulatorBehaviour { RefundStatus = "ABNORMAL", Operations = [SimulatorOperation.Refund] });

        var refund = await MerchantClient.JsonAsync(await RefundAsync(orderId, 600));

        Assert.Equal(refundId, (string?)refund["refund_id"]);
        // ABNORMAL: the money left the merchant but did not reach the payer. Never failed by guess; the supervision
        // query records why it is still open.
        var open = await Eventually.HoldsAsync(() => RefundViewAsync(refundId), r => (string?)r["failure"]?["code"] == "REFUND_ABNORMAL",
            "supervision saw ABNORMAL", TimeSpan.FromSeconds(30));
        Assert.Equal("pending", (string?)open["status"]);
        Assert.Equal("ABNORMAL", fixture.Simulator.WeChatPay.FindRefund(MchId, refundId)!.Status);
        await ProblemAssert.IsProblemAsync(await RefundAsync(orderId, 401), 409, ErrorCodes.RefundExceedsRefundable, "the abnormal refund holds 600");
        Assert.Equal(0, (long)(await OrderAsync(orderId))["refunded_amount"]!);
        Assert.Equal(0, ChannelRefunded(orderId));
        Assert.DoesNotContain(fixture.Webhooks.For("wx-refund-abnormal"), d => d.Body.Contains("\"refund."));
    }
}
