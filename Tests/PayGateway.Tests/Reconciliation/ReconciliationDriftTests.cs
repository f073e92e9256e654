using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Reliability;

namespace PayGateway.Tests.Reconciliation;

/// <summary>
/// Reliability scenario 16, reconciliation drift, on the mock channel over HTTP: every kind of drift injected at the
/// channel is found in one run, only the safe direction (the channel has money the gateway holds as open, confirmed by
/// the channel's own query) is healed, and no charge or order is created.
/// </summary>
public sealed class ReconciliationDriftTests(ReconciliationFixture fixture) : IClassFixture<ReconciliationFixture>
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly MerchantClient _merchant = fixture.HmacMerchant();

    private async Task<string> CreateOrderAsync(long amount)
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: amount)));
        return (string)created["order_id"]!;
    }

    private async Task<JsonObject> OrderAsync(string id) => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/orders/{id}"));

    private async Task<string> PaidOrderAsync(long amount)
    {
        var id = await CreateOrderAsync(amount);
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await Eventually.HoldsAsync(() => OrderAsync(id), o => (string?)o["status"] == "succeeded", "order paid");
        return id;
    }

    private async Task<JsonObject> RefundAsync(string orderId, long amount) =>
        await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync($"/v1/orders/{orderId}/refunds",
            new { out_refund_no = $"R{Guid.NewGuid():N}", amount }));

    private static DateOnly BillDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Beijing).DateTime);

    private async Task<JsonObject> RunAsync(DateOnly day)
    {
        using var admin = fixture.OperatorClient();
        var response = await admin.PostAsync($"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/{day:yyyy-MM-dd}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await MerchantClient.JsonAsync(response);
    }

    // The test may straddle midnight in Beijing: every day it touched is reconciled and the items are taken together.
    private async Task<List<JsonNode>> RunDaysAsync(DateOnly first, DateOnly last)
    {
        var items = new List<JsonNode>();
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var report = await RunAsync(day);
            Assert.Equal("completed", (string?)report["status"]);
            items.AddRange(report["items"]!.AsArray().Select(i => i!));
        }
        return items;
    }

    private static JsonNode ItemOf(List<JsonNode> items, string code, string orderId) =>
        Assert.Single(items, i => (string?)i["code"] == code && (string?)i["order_id"] == orderId);

    [Fact]
    public async Task InjectedDrift_AllDetectedOnlySafeDirectionHealedNoChargeCreated()
    {
        var first = BillDay(DateTimeOffset.UtcNow);
        var merchant = PaymentFixture.MockMerchantId;

        var matched = await PaidOrderAsync(1000);

        // The channel's callback never arrived: paid at the channel, pending in the gateway.
        var missedCallback = await CreateOrderAsync(1100);
        fixture.Simulator.SetBehaviour(missedCallback, new SimulatorBehaviour { SuppressCallbacks = true });
        fixture.Simulator.Pay(missedCallback, merchant);

        // The statement shows another amount than was paid.
        var wrongAmount = await PaidOrderAsync(1200);
        fixture.Simulator.SetBillAmount(wrongAmount, 1201);

        // The statement lacks a payment the gateway has.
        var missingOnChannel = await PaidOrderAsync(1300);
        fixture.Simulator.SetBillAmount(missingOnChannel, 0);

        // A payment made at the channel without the gateway.
        var foreign = $"FOREIGN{Guid.NewGuid():N}"[..24];
        fixture.Simulator.CreateTradeOutsideGateway(merchant, foreign, 1400, "CNY");
        fixture.Simulator.Pay(foreign, merchant);

        // A payment of an order homed in another datacenter: that datacenter's reconciliation matches it, not this one.
        var otherDatacenter = OrderId.Format(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "T2", 7, 7);
        fixture.Simulator.CreateTradeOutsideGateway(merchant, otherDatacenter, 1450, "CNY");
        fixture.Simulator.Pay(otherDatacenter, merchant);

        // Refunds: one that matches, one whose statement amount differs, one whose answer was lost (unknown in the gateway).
        var refunded = await PaidOrderAsync(1500);
        var goodRefund = await RefundAsync(refunded, 500);
        var driftedRefund = await RefundAsync(refunded, 400);
        fixture.Simulator.SetBillAmount((string)driftedRefund["refund_id"]!, 399);
        var lostRefundOrder = await PaidOrderAsync(1600);
        fixture.Simulator.SetBehaviour(lostRefundOrder, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Refund] });
        var lostRefund = await RefundAsync(lostRefundOrder, 600);
        Assert.Equal("unknown", (string?)lostRefund["status"]);
        fixture.Simulator.ClearBehaviours();
        Assert.Equal("pending", (string?)(await OrderAsync(missedCallback))["status"]);
        Assert.Equal("succeeded", (string?)goodRefund["status"]);
        var ordersBefore = await fixture.OrderRowCountAsync();

        var items = await RunDaysAsync(first, BillDay(DateTimeOffset.UtcNow));

        // Detected: exactly the six injected discrepancies, nothing else (the matching order and refund raise nothing).
        Assert.True(items.Count == 6, string.Join("\n", items.Select(i => i.ToJsonString())));
        var healedPayment = ItemOf(items, ReconciliationCodes.PaymentNotSucceededInGateway, missedCallback);
        Assert.Equal("healed", (string?)healedPayment["action"]);
        var healedRefund = ItemOf(items, ReconciliationCodes.RefundNotSucceededInGateway, lostRefundOrder);
        Assert.Equal("healed", (string?)healedRefund["action"]);
        Assert.Equal((string?)lostRefund["refund_id"], (string?)healedRefund["refund_id"]);
        var amount = ItemOf(items, ReconciliationCodes.PaymentAmountMismatch, wrongAmount);
        Assert.Equal(("reported", 1201L, 1200L), ((string?)amount["action"], (long)amount["channel_amount"]!, (long)amount["gateway_amount"]!));
        Assert.Equal("reported", (string?)ItemOf(items, ReconciliationCodes.PaymentMissingOnChannel, missingOnChannel)["action"]);
        Assert.Equal("reported", (string?)ItemOf(items, ReconciliationCodes.PaymentMissingInGateway, foreign)["action"]);
        var refundAmount = ItemOf(items, ReconciliationCodes.RefundAmountMismatch, refunded);
        Assert.Equal(((string?)driftedRefund["refund_id"], "reported"), ((string?)refundAmount["refund_id"], (string?)refundAmount["action"]));
        Assert.DoesNotContain(items, i => (string?)i["order_id"] == matched || (string?)i["order_id"] == otherDatacenter);

        // Healed only through the channel's own answers; the reported ones changed nothing.
        Assert.Equal("succeeded", (string?)(await OrderAsync(missedCallback))["status"]);
        var lost = await OrderAsync(lostRefundOrder);
        Assert.Equal(("succeeded", 600L), ((string?)lost["refunds"]![0]!["status"], (long)lost["refunded_amount"]!));
        var drifted = await OrderAsync(wrongAmount);
        Assert.Equal(("succeeded", 1200L), ((string?)drifted["status"], (long)drifted["amount"]!));
        Assert.Equal(900L, (long)(await OrderAsync(refunded))["refunded_amount"]!);

        // No charge and no order created: every trade charged once, the foreign one has no order.
        Assert.Equal(ordersBefore, await fixture.OrderRowCountAsync());
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_order WHERE order_id = @o", ("@o", foreign)));
        foreach (var id in new[] { matched, missedCallback, wrongAmount, missingOnChannel, foreign, refunded, lostRefundOrder })
        {
            Assert.Equal(1, fixture.Simulator.ChargeCount(id, merchant));
        }

        // A rerun is harmless: healed items stay healed, reported ones stay open, nothing new appears.
        var again = await RunDaysAsync(first, BillDay(DateTimeOffset.UtcNow));
        Assert.Equal(items.Select(Describe).Order(), again.Select(Describe).Order());

        // Once the channel's statement is corrected, the next run resolves the item.
        fixture.Simulator.ClearBillAmount(wrongAmount);
        var corrected = await RunDaysAsync(first, BillDay(DateTimeOffset.UtcNow));
        Assert.DoesNotContain(corrected, i => (string?)i["order_id"] == wrongAmount);
        Assert.Equal(5, corrected.Count);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_recon_item WHERE order_id = @o AND resolved_at IS NOT NULL", ("@o", wrongAmount)));

        // The operators' work list: the three still open, two per page; the resolved and healed ones under open=false.
        using var admin = fixture.OperatorClient();
        var page1 = await MerchantClient.JsonAsync(await admin.GetAsync($"/admin/v1/reconciliation-items?channel=mock&account_id={PaymentFixture.MockAccountId}&limit=2"));
        var page2 = await MerchantClient.JsonAsync(await admin.GetAsync(
            $"/admin/v1/reconciliation-items?channel=mock&account_id={PaymentFixture.MockAccountId}&limit=2&before={(long)page1["next_cursor"]!}"));
        Assert.Null(page2["next_cursor"]);
        Assert.Equal(
            new[] { ReconciliationCodes.PaymentMissingInGateway, ReconciliationCodes.PaymentMissingOnChannel, ReconciliationCodes.RefundAmountMismatch }.Order(StringComparer.Ordinal),
            page1["items"]!.AsArray().Concat(page2["items"]!.AsArray()).Select(i => (string)i!["code"]!).Order(StringComparer.Ordinal));
        var closed = await MerchantClient.JsonAsync(await admin.GetAsync($"/admin/v1/reconciliation-items?open=false&channel=mock&account_id={PaymentFixture.MockAccountId}"));
        Assert.Equal(
            new[] { $"{ReconciliationCodes.PaymentAmountMismatch}/reported", $"{ReconciliationCodes.PaymentNotSucceededInGateway}/healed", $"{ReconciliationCodes.RefundNotSucceededInGateway}/healed" },
            closed["items"]!.AsArray().Select(i => $"{i!["code"]}/{i["action"]}").Order(StringComparer.Ordinal));
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/admin/v1/reconciliation-items?limit=0"), 400, ErrorCodes.ValidationFailed, "limit");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/admin/v1/reconciliation-items?code=drop%20table"), 400, ErrorCodes.ValidationFailed, "code");

        // The invariant checker sees only what was injected at the channel behind the gateway's back: the two charges
        // without an order here (I2), and the merchant's totals differing by exactly their sum (I3). Orders here notify
        // an unreachable URL, so failed notifications are expected.
        var check = await ReliabilityCheck.RunAsync(fixture, ReliabilityCheck.OptionsFor(fixture) with { AllowFailedNotifications = true });
        Assert.Equal(
            new[] { $"I2 {foreign}", $"I2 {otherDatacenter}", "I3 -" }.Order(StringComparer.Ordinal),
            check.Violations.Select(v => $"{v.Invariant} {v.OrderId ?? "-"}").Order(StringComparer.Ordinal));
        Assert.Contains("difference 2850", Assert.Single(check.Violations, v => v.Invariant == "I3").Seen);
    }

    private static string Describe(JsonNode item) => $"{item["code"]}/{item["order_id"]}/{item["refund_id"]}/{item["action"]}";

    [Fact]
    public async Task StoredReport_IsReadBackWithItsTotals()
    {
        var day = BillDay(DateTimeOffset.UtcNow);
        var run = await RunAsync(day);

        using var admin = fixture.OperatorClient();
        var stored = await MerchantClient.JsonAsync(await admin.GetAsync($"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/{day:yyyy-MM-dd}"));

        Assert.Equal((string?)run["bill_date"], (string?)stored["bill_date"]);
        Assert.Equal((int)run["statement_lines"]!, (int)stored["statement_lines"]!);
        Assert.Equal(run["channel_totals"]!.ToJsonString(), stored["channel_totals"]!.ToJsonString());
        Assert.Equal(run["open_items"]!.ToJsonString(), stored["open_items"]!.ToJsonString());
    }

    [Fact]
    public async Task FutureDayOrBadInput_IsRefusedWithProblem()
    {
        using var admin = fixture.OperatorClient();
        var future = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3);

        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/{future:yyyy-MM-dd}", null),
            400, ErrorCodes.ValidationFailed, "a day that has not begun");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/2026-13-01", null),
            400, ErrorCodes.ValidationFailed, "not a date");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/admin/v1/reconciliations/Mock!/acc/2026-01-01", null),
            400, ErrorCodes.ValidationFailed, "bad channel");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/admin/v1/reconciliations/mock/no-such-account/2026-01-01", null),
            422, ErrorCodes.ChannelAccountNotFound, "unknown account");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/2001-01-01"),
            404, ErrorCodes.ReconciliationNotFound, "never ran");
        using var anonymous = fixture.Api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/2026-01-01", null)).StatusCode);
    }

    [Fact]
    public async Task CompletedDayRerunWhileTheStatementFails_UnavailableWithTheCompletedSummaryKept()
    {
        await PaidOrderAsync(1300);
        var day = BillDay(DateTimeOffset.UtcNow);
        var completed = await RunAsync(day);
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_ERROR", "try later", 500), Operations = [SimulatorOperation.Statement] });
        JsonObject rerun;
        try
        {
            rerun = await RunAsync(day);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        using var admin = fixture.OperatorClient();
        var stored = await MerchantClient.JsonAsync(await admin.GetAsync($"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/{day:yyyy-MM-dd}"));
        var row = await fixture.Database.ScalarAsync<string>(
            "SELECT CONCAT_WS('/', status, statement_lines, matched, open_items) FROM paygw_recon_run WHERE channel = 'mock' AND account_id = @a AND bill_date = @d",
            ("@a", PaymentFixture.MockAccountId), ("@d", day.ToDateTime(TimeOnly.MinValue)));

        Assert.Equal("completed", (string?)completed["status"]);
        Assert.True((int)completed["statement_lines"]! > 0, completed.ToJsonString());
        // The failed rerun says so (status, error, time) and concludes nothing: the last completed run's counts,
        // totals and items stay, in the POST's answer, in the GET and in the stored row.
        foreach (var report in new[] { rerun, stored })
        {
            Assert.Equal(("unavailable", "CHANNEL_UNKNOWN"), ((string?)report["status"], (string?)report["error_code"]));
            Assert.True((DateTimeOffset)report["ran_at"]! > (DateTimeOffset)completed["ran_at"]!, report.ToJsonString());
            foreach (var kept in new[] { "statement_lines", "matched", "open_items", "healed_items", "channel_totals", "gateway_totals", "items" })
            {
                Assert.Equal(completed[kept]!.ToJsonString(), report[kept]!.ToJsonString());
            }
        }
        Assert.Equal($"unavailable/{completed["statement_lines"]}/{completed["matched"]}/{completed["open_items"]}", row);
    }

    [Fact]
    public async Task SchedulerTick_RunsEachPublishedDayOnceAndADoubledTickDoesNothing()
    {
        var scheduler = fixture.Grains.GetGrain<IReconciliationSchedulerGrain>(0);

        var first = await scheduler.RunDueAsync();
        var second = await scheduler.RunDueAsync();

        // The mock account enrolled itself when the fixture saved it; 2 or 3 past days are published depending on the hour.
        Assert.InRange(first, 2, 3);
        Assert.Equal(0, second);
        Assert.Equal(first, await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_recon_run WHERE channel = 'mock' AND account_id = @a AND status = 'completed' AND bill_date < @today",
            ("@a", PaymentFixture.MockAccountId), ("@today", BillDay(DateTimeOffset.UtcNow).ToDateTime(TimeOnly.MinValue))));
    }
}
