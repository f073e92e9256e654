using System.Net;
using System.Text.Json.Nodes;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reconciliation;

/// <summary>
/// Reconciliation end to end on WeChat Pay v3: orders and refunds over the merchant API, the trade bill fetched by the
/// gateway (<c>GET /v3/bill/tradebill</c>, then the gzip checked against its SHA-1) and matched against the gateway's
/// records; WeChat Pay dates refunds by acceptance.
/// </summary>
public sealed class WeChatPayReconciliationTests(WeChatPayFixture fixture) : IClassFixture<WeChatPayFixture>
{
    private readonly MerchantClient _merchant = fixture.WeChatMerchant();

    private static DateOnly BillDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private async Task<JsonObject> GetAsync(string path) => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync(path));

    private async Task<string> PaidOrderAsync(long amount)
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", fixture.NewWeChatOrder("recon", amount: amount)));
        var id = (string)created["order_id"]!;
        fixture.Simulator.Pay(id, WeChatPayFixture.MchId);
        await Eventually.HoldsAsync(() => GetAsync($"/v1/orders/{id}"), o => (string?)o["status"] == "succeeded", $"order {id} paid");
        return id;
    }

    [Fact]
    public async Task WeChatPayBill_MatchesPaymentsAndRefundsAndReportsInjectedDrift()
    {
        var first = BillDay(DateTimeOffset.UtcNow);
        var matched = await PaidOrderAsync(3000);
        var refund = await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync($"/v1/orders/{matched}/refunds",
            new { out_refund_no = $"wxr-{Guid.NewGuid():N}", amount = 1000 }));
        var refundId = (string)refund["refund_id"]!;
        await Eventually.HoldsAsync(() => GetAsync($"/v1/refunds/{refundId}"), r => (string?)r["status"] == "succeeded", "refund settled", TimeSpan.FromSeconds(30));
        var drifted = await PaidOrderAsync(3100);
        fixture.Simulator.SetBillAmount(drifted, 3000);
        var driftedRefundOrder = await PaidOrderAsync(3200);
        var driftedRefund = await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync($"/v1/orders/{driftedRefundOrder}/refunds",
            new { out_refund_no = $"wxr-{Guid.NewGuid():N}", amount = 500 }));
        var driftedRefundId = (string)driftedRefund["refund_id"]!;
        await Eventually.HoldsAsync(() => GetAsync($"/v1/refunds/{driftedRefundId}"), r => (string?)r["status"] == "succeeded", "refund settled", TimeSpan.FromSeconds(30));
        fixture.Simulator.SetBillAmount(driftedRefundId, 499);

        using var admin = fixture.OperatorClient();
        var items = new List<JsonNode>();
        var matchedLines = 0;
        for (var day = first; day <= BillDay(DateTimeOffset.UtcNow); day = day.AddDays(1))
        {
            var response = await admin.PostAsync($"/admin/v1/reconciliations/wechatpay/{WeChatPayFixture.AccountId}/{day:yyyy-MM-dd}", null);
            var report = await MerchantClient.JsonAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // A day that has just begun and has no trade yet has no bill yet (NO_STATEMENT_EXIST for today).
            Assert.True((string?)report["status"] == "completed" || (day > first && (string?)report["status"] == "not_ready"), report.ToJsonString());
            items.AddRange(report["items"]!.AsArray().Select(i => i!));
            matchedLines += (int)report["matched"]!;
        }

        Assert.Equal(2, items.Count);
        var amount = Assert.Single(items, i => (string?)i["code"] == ReconciliationCodes.PaymentAmountMismatch);
        Assert.Equal((drifted, 3000L, 3100L), ((string?)amount["order_id"], (long)amount["channel_amount"]!, (long)amount["gateway_amount"]!));
        var refundAmount = Assert.Single(items, i => (string?)i["code"] == ReconciliationCodes.RefundAmountMismatch);
        Assert.Equal((driftedRefundId, 499L, 500L), ((string?)refundAmount["refund_id"], (long)refundAmount["channel_amount"]!, (long)refundAmount["gateway_amount"]!));
        Assert.All(items, i => Assert.Equal("reported", (string?)i["action"]));
        // Matched: two payments (the third drifted) and the undrifted refund.
        Assert.Equal(3, matchedLines);
    }
}
