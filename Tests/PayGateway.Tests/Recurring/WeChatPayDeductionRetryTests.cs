using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Recurring;

/// <summary>
/// A papay deduction is only accepted when it is made (<c>pappayapply</c>), so its failure is found on a later look at
/// the order. The next attempt of the period must still wait <c>RetryDelay</c>: this fixture sets it to an hour (the
/// shared fixtures use a second, which would hide an attempt started at once).
/// </summary>
public sealed class WeChatPayDeductionRetryTests(WeChatPayDeductionRetryTests.LongRetryFixture fixture) : IClassFixture<WeChatPayDeductionRetryTests.LongRetryFixture>
{
    public sealed class LongRetryFixture : WeChatPayFixture
    {
        public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Gateway:Recurring:RetryDelay"] = "01:00:00",
        };
    }

    private readonly MerchantClient _merchant = fixture.WeChatMerchant();

    [Fact]
    public async Task DeductionFoundFailedOnALaterLook_NextAttemptWaitsForTheRetryDelay()
    {
        await BeijingDay.AwayFromMidnightAsync();
        // Every deduction is accepted, then fails (PAY_FAIL) when the simulator settles it.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TradeState = "PAY_FAIL", Operations = [SimulatorOperation.Create] });
        try
        {
            var created = await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync("/v1/contracts", new
            {
                out_contract_no = "wx-retry-" + Guid.NewGuid().ToString("N"),
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
                notify_url = new Uri(fixture.Webhooks.Url, "wx-retry").ToString(),
            }));
            var contractId = (string)created["contract_id"]!;
            using var browser = new HttpClient();
            Assert.True((await browser.GetAsync(new Uri((string)created["sign_data"]!["content"]!))).IsSuccessStatusCode, "the sign page opens");
            Assert.NotNull(fixture.Simulator.WeChatPay.SignContract(WeChatPayFixture.MchId, WeChatPayFixture.PapayPlanId, contractId));

            async Task<System.Text.Json.Nodes.JsonObject> Get() =>
                await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/contracts/{contractId}"));
            await Eventually.HoldsAsync(Get, c => (string?)c["deductions"]![0]!["status"] == "failed", "the first attempt was found failed", TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(4));

            var later = await Get();
            var only = Assert.Single(later["deductions"]!.AsArray())!;
            Assert.Equal(1, (int)only["attempt"]!);
            Assert.Equal("failed", (string?)only["status"]);
            Assert.Equal("active", (string?)later["status"]);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }
}
