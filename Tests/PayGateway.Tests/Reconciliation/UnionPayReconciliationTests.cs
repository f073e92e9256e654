using System.Net;
using System.Text.Json.Nodes;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reconciliation;

/// <summary>
/// Reconciliation end to end on UnionPay: APP orders and a refund over the merchant API, paid and refunded at the
/// simulator (signed backUrl notifications), the day's file fetched by the gateway with file transfer (txnType 76) and its ZM records matched
/// against the gateway's records. UnionPay's statement day is its clearing day, 23:00 to 23:00 Beijing time.
/// </summary>
public sealed class UnionPayReconciliationTests(UnionPayFixture fixture) : IClassFixture<UnionPayFixture>
{
    private readonly MerchantClient _merchant = fixture.UnionPayMerchant();

    private static DateOnly ClearingDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(9)).DateTime);

    private async Task<string> PaidOrderAsync(long amount)
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", new
        {
            out_trade_no = $"recon-{Guid.NewGuid():N}",
            amount,
            currency = "CNY",
            subject = "对账测试",
            method = "APP",
            notify_url = "http://127.0.0.1:9/unreachable",
        }));
        var id = (string)created["order_id"]!;
        fixture.Simulator.Pay(id);
        await Eventually.HoldsAsync(async () => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/orders/{id}")),
            o => (string?)o["status"] == "succeeded", $"order {id} paid");
        return id;
    }

    [Fact]
    public async Task UnionPayStatement_MatchesPaymentsAndRefundsAndReportsInjectedDrift()
    {
        var first = ClearingDay(DateTimeOffset.UtcNow);
        var matched = await PaidOrderAsync(2000);
        var refund = await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync($"/v1/orders/{matched}/refunds",
            new { out_refund_no = $"upr-{Guid.NewGuid():N}", amount = 700 }));
        var refundId = (string)refund["refund_id"]!;
        // Accepted by backTransReq (pending), then done by UnionPay's refund notification (or a supervision query).
        await Eventually.HoldsAsync(async () => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/refunds/{refundId}")),
            r => (string?)r["status"] == "succeeded", $"refund {refundId} settled", TimeSpan.FromSeconds(30));
        var drifted = await PaidOrderAsync(2100);
        fixture.Simulator.SetBillAmount(drifted, 2000);
        var leftOut = await PaidOrderAsync(2200);
        fixture.Simulator.SetBillAmount(leftOut, 0);

        using var admin = fixture.OperatorClient();
        var items = new List<JsonNode>();
        var lines = 0;
        var matchedLines = 0;
        for (var day = first; day <= ClearingDay(DateTimeOffset.UtcNow); day = day.AddDays(1))
        {
            var response = await admin.PostAsync($"/admin/v1/reconciliations/unionpay/{UnionPayFixture.AccountId}/{day:yyyy-MM-dd}", null);
            var report = await MerchantClient.JsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK && (string?)report["status"] == "completed", report.ToJsonString());
            items.AddRange(report["items"]!.AsArray().Select(i => i!));
            lines += (int)report["statement_lines"]!;
            matchedLines += (int)report["matched"]!;
        }

        Assert.Equal(2, items.Count);
        var amount = Assert.Single(items, i => (string?)i["code"] == ReconciliationCodes.PaymentAmountMismatch);
        Assert.Equal((drifted, 2000L, 2100L, "reported"), ((string?)amount["order_id"], (long)amount["channel_amount"]!, (long)amount["gateway_amount"]!, (string?)amount["action"]));
        var missing = Assert.Single(items, i => (string?)i["code"] == ReconciliationCodes.PaymentMissingOnChannel);
        Assert.Equal(leftOut, (string?)missing["order_id"]);
        // The matched payment, its refund (matched by the refund id sent as the refund's orderId) and the drifted
        // payment's line; the left-out one has none.
        Assert.Equal(3, lines);
        Assert.Equal(2, matchedLines);
    }
}
