using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Recurring;

/// <summary>
/// A recurring contract end to end on WeChat Pay papay (API v2): merchant API → SignGrain → the signed entrustweb link →
/// the payer signs at simulated WeChat Pay → the signed v2 XML contract notify (acknowledged in XML) → the deduction
/// order → <c>pappayapply</c> (accepted only) → the v2 PAP pay notify settles it → merchant termination by
/// <c>deletecontract</c>.
/// </summary>
public sealed class WeChatPayContractTests(WeChatPayFixture fixture) : IClassFixture<WeChatPayFixture>
{
    private readonly MerchantClient _merchant = fixture.WeChatMerchant();

    private async Task<JsonObject> GetAsync(string contractId) =>
        await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/contracts/{contractId}"));

    [Fact]
    public async Task PayerSignsPapayContract_DeductionSettlesByPapNotifyAndMerchantTerminates()
    {
        await BeijingDay.AwayFromMidnightAsync();
        var response = await _merchant.PostJsonRepeatingUnavailableAsync("/v1/contracts", new
        {
            out_contract_no = "wx-ct-" + Guid.NewGuid().ToString("N"),
            channel = "wechatpay",
            method = "WEB",
            amount = 990,
            currency = "CNY",
            period_unit = "DAY",
            period_every = 30,
            first_deduction_date = BeijingDay.TodayText,
            display_account = "会员 138****0000",
            subject = "连续包月",
            user_ip = "203.0.113.7",
            notify_url = new Uri(fixture.Webhooks.Url, "wx-ct").ToString(),
        });
        var created = await MerchantClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, created.ToString());
        var contractId = (string)created["contract_id"]!;
        var signUrl = new Uri((string)created["sign_data"]!["content"]!);
        Assert.Equal("/papay/entrustweb", signUrl.AbsolutePath);

        using var browser = new HttpClient();
        Assert.True((await browser.GetAsync(signUrl)).IsSuccessStatusCode, "the sign page opens");
        Assert.NotNull(fixture.Simulator.WeChatPay.SignContract(WeChatPayFixture.MchId, WeChatPayFixture.PapayPlanId, contractId));

        var charged = await Eventually.HoldsAsync(() => GetAsync(contractId), c => (int)c["deductions_succeeded"]! == 1,
            "the contract notify arrived and the PAP deduction settled", TimeSpan.FromSeconds(30));
        Assert.Equal("active", (string?)charged["status"]);
        Assert.Equal(fixture.Simulator.WeChatPay.FindContract(WeChatPayFixture.MchId, WeChatPayFixture.PapayPlanId, contractId)!.ContractId,
            (string?)charged["channel_contract_no"]);
        var orderId = (string)charged["deductions"]![0]!["order_id"]!;
        Assert.Equal(1, fixture.Simulator.ChargeCount(orderId));
        // Both notifies were acknowledged in WeChat Pay's v2 XML, so the simulator stopped retrying them.
        Assert.Contains(fixture.Simulator.Records, r => r.Kind == RecordKind.CallbackSent && r.OutTradeNo == contractId && r.Result == "ACK");

        var ended = await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync($"/v1/contracts/{contractId}/terminate", new { reason = "用户退订" }));

        Assert.Equal("terminated", (string?)ended["status"]);
        var deliveries = await fixture.Webhooks.WaitForAsync("wx-ct", d => d.Count >= 3);
        var types = deliveries.Select(d => (string?)JsonNode.Parse(d.Body)!["type"]).ToHashSet();
        Assert.Superset(new HashSet<string?> { "contract.active", "order.succeeded", "contract.terminated" }, types);
    }
}
