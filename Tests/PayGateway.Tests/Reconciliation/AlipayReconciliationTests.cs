using System.Net;
using System.Text.Json.Nodes;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reconciliation;

/// <summary>
/// Reconciliation end to end on Alipay: orders and refunds over the merchant API, the statement fetched by the gateway
/// with <c>alipay.data.dataservice.bill.downloadurl.query</c> (RSA2) and downloaded as the simulated GBK zip, then
/// matched against the gateway's records.
/// </summary>
public sealed class AlipayReconciliationTests(AlipayFixture fixture) : IClassFixture<AlipayFixture>
{
    private readonly MerchantClient _merchant = fixture.AlipayMerchant();

    private static DateOnly BillDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private async Task<string> PaidOrderAsync(long amount)
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", new
        {
            out_trade_no = $"recon-{Guid.NewGuid():N}",
            amount,
            currency = "CNY",
            subject = "对账测试",
            method = "QR_CODE",
            notify_url = "http://127.0.0.1:9/unreachable",
        }));
        var id = (string)created["order_id"]!;
        fixture.Simulator.Pay(id);
        await Eventually.HoldsAsync(async () => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/orders/{id}")),
            o => (string?)o["status"] == "succeeded", $"order {id} paid");
        return id;
    }

    [Fact]
    public async Task AlipayStatement_MatchesPaymentsAndRefundsAndReportsInjectedDrift()
    {
        var first = BillDay(DateTimeOffset.UtcNow);
        var matched = await PaidOrderAsync(2000);
        var refundResponse = await _merchant.PostJsonRepeatingUnavailableAsync($"/v1/orders/{matched}/refunds", new { out_refund_no = $"R{Guid.NewGuid():N}", amount = 700 });
        var refund = await MerchantClient.JsonAsync(refundResponse);
        Assert.Equal("succeeded", (string?)refund["status"]);
        var drifted = await PaidOrderAsync(2100);
        fixture.Simulator.SetBillAmount(drifted, 2000);
        var leftOut = await PaidOrderAsync(2200);
        fixture.Simulator.SetBillAmount(leftOut, 0);

        using var admin = fixture.OperatorClient();
        var items = new List<JsonNode>();
        var lines = 0;
        var matchedLines = 0;
        for (var day = first; day <= BillDay(DateTimeOffset.UtcNow); day = day.AddDays(1))
        {
            var response = await admin.PostAsync($"/admin/v1/reconciliations/alipay/{AlipayFixture.AccountId}/{day:yyyy-MM-dd}", null);
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
        // The payment, its refund (matched by the refund id sent as out_request_no) and the drifted payment's line.
        Assert.Equal(3, lines);
        Assert.Equal(2, matchedLines);
    }
}
