using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Recurring;

/// <summary>
/// A recurring contract end to end on Alipay: merchant API → SignGrain → AlipayChannel (<c>alipay.user.agreement.page.sign</c>,
/// RSA2) → the payer opens the sign page and signs at simulated Alipay → the signed <c>dut_user_sign</c> notify → the
/// contract's deduction order → <c>alipay.trade.pay</c> with <c>agreement_params</c> on the planned date → merchant
/// webhooks → merchant termination by <c>alipay.user.agreement.unsign</c>.
/// </summary>
public sealed class AlipayContractTests(AlipayFixture fixture) : IClassFixture<AlipayFixture>
{
    private readonly MerchantClient _merchant = fixture.AlipayMerchant();

    private async Task<JsonObject> GetAsync(string contractId) =>
        await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/contracts/{contractId}"));

    [Fact]
    public async Task PayerSignsAtAlipay_ContractChargesThePlannedDateByAgreementAndTerminatesByUnsign()
    {
        await BeijingDay.AwayFromMidnightAsync();
        var response = await _merchant.PostJsonRepeatingUnavailableAsync("/v1/contracts", new
        {
            out_contract_no = "ali-ct-" + Guid.NewGuid().ToString("N"),
            channel = "alipay",
            method = "WEB",
            amount = 1990,
            currency = "CNY",
            period_unit = "DAY",
            period_every = 30,
            first_deduction_date = BeijingDay.TodayText,
            display_account = "member 1024",
            subject = "VIP 月卡",
            notify_url = new Uri(fixture.Webhooks.Url, "ali-ct").ToString(),
        });
        var created = await MerchantClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, created.ToString());
        var contractId = (string)created["contract_id"]!;
        Assert.Equal("signing", (string?)created["status"]);
        var signUrl = (string)created["sign_data"]!["content"]!;
        Assert.Contains("alipay.user.agreement.page.sign", Uri.UnescapeDataString(signUrl), StringComparison.Ordinal);

        // The payer opens the sign page (Alipay now knows the agreement, not yet in force) and signs it.
        using var browser = new HttpClient();
        Assert.True((await browser.GetAsync(signUrl)).IsSuccessStatusCode, "the sign page opens");
        var signed = await browser.PostAsync(new Uri(fixture.Simulator.BaseAddress, $"alipay/control/agreements/{AlipayFixture.AlipayAppId}/{contractId}/sign"), null);
        Assert.True(signed.IsSuccessStatusCode, await signed.Content.ReadAsStringAsync());

        var charged = await Eventually.HoldsAsync(() => GetAsync(contractId), c => (int)c["deductions_succeeded"]! == 1,
            "the signed agreement was charged for today's period", TimeSpan.FromSeconds(30));
        Assert.Equal("active", (string?)charged["status"]);
        var agreementNo = (string)charged["channel_contract_no"]!;
        Assert.Equal(20, agreementNo.Length);
        var orderId = (string)charged["deductions"]![0]!["order_id"]!;
        var order = await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/orders/{orderId}"));
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Equal(1990, (long)order["amount"]!);
        Assert.Single(fixture.Simulator.Records, r => r.Kind == RecordKind.Charge && r.OutTradeNo == orderId);

        var ended = await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync($"/v1/contracts/{contractId}/terminate", new { reason = "cancelled" }));

        Assert.Equal("terminated", (string?)ended["status"]);
        Assert.Null(ended["next_deduction_date"]);
        var deliveries = await fixture.Webhooks.WaitForAsync("ali-ct", d => d.Count >= 3);
        var types = deliveries.Select(d => (string?)JsonNode.Parse(d.Body)!["type"]).ToHashSet();
        Assert.Superset(new HashSet<string?> { "contract.active", "order.succeeded", "contract.terminated" }, types);
    }
}
