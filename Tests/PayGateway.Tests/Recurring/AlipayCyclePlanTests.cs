using System.Globalization;
using System.Text.Json.Nodes;
using Orleans.TestingHost;
using PayGateway.ChannelSimulator;
using PayGateway.ChannelSimulator.Alipay;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Recurring;

/// <summary>
/// Alipay 周期扣款 keeps its own plan of the next deduction date: it stays after a failure, advances one period after a
/// success, and any deduction off it is refused. A period the gateway gives up must move the plan
/// (<c>alipay.user.agreement.executionplan.modify</c>), or the contract never charges again. The silos and the
/// simulator share a clock the test moves forward a period; the API host keeps real time.
/// </summary>
public sealed class AlipayCyclePlanTests(AlipayCyclePlanTests.ShiftedClockFixture fixture) : IClassFixture<AlipayCyclePlanTests.ShiftedClockFixture>
{
    public sealed class ShiftedClockFixture : AlipayFixture
    {
        public ShiftedClock Clock => ShiftedClock.For(ClusterId);

        protected override void ConfigureSimulator(SimulatorOptions options)
        {
            base.ConfigureSimulator(options);
            options.TimeProvider = Clock;
        }

        protected override void ConfigureCluster(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<ShiftedClockSiloConfigurator>();

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            ShiftedClock.Forget(ClusterId);
        }
    }

    private readonly MerchantClient _merchant = fixture.AlipayMerchant();

    /// <summary>Today in Beijing as the silos and the simulator see it (earlier tests of the class moved the clock on).</summary>
    private DateOnly Today => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<JsonObject> GetAsync(string contractId) =>
        await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/contracts/{contractId}"));

    /// <summary>
    /// A DAY/30 contract from today, signed by the payer, whose three period-1 attempts are all refused for a low
    /// balance; returns once the gateway gave period 1 up.
    /// </summary>
    private async Task<string> PeriodOneGivenUpAsync(string tag, Action<string>? beforeSigning = null)
    {
        await BeijingDay.AwayFromMidnightAsync();
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("40004", "买家余额不足", SubCode: AlipayCode.BuyerBalanceNotEnough),
            Operations = [SimulatorOperation.Create],
            Times = 3,
        });
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync("/v1/contracts", new
        {
            out_contract_no = tag + "-" + Guid.NewGuid().ToString("N"),
            channel = "alipay",
            method = "WEB",
            amount = 1990,
            currency = "CNY",
            period_unit = "DAY",
            period_every = 30,
            first_deduction_date = Text(Today),
            display_account = "member 2048",
            subject = "VIP 月卡",
            notify_url = new Uri(fixture.Webhooks.Url, tag).ToString(),
        }));
        var contractId = (string)created["contract_id"]!;
        beforeSigning?.Invoke(contractId);
        using var browser = new HttpClient();
        Assert.True((await browser.GetAsync((string)created["sign_data"]!["content"]!)).IsSuccessStatusCode, "the sign page opens");
        var signed = await browser.PostAsync(new Uri(fixture.Simulator.BaseAddress, $"alipay/control/agreements/{AlipayFixture.AlipayAppId}/{contractId}/sign"), null);
        Assert.True(signed.IsSuccessStatusCode, await signed.Content.ReadAsStringAsync());

        var periodTwo = Text(Today.AddDays(30));
        var givenUp = await Eventually.HoldsAsync(() => GetAsync(contractId), c => c["deductions"]!.AsArray().Count(d => (string?)d!["status"] == "failed") == 3
            && (string?)c["next_deduction_date"] == periodTwo, "period 1 was given up after three refused attempts", TimeSpan.FromSeconds(60));
        Assert.Equal(0, (int)givenUp["deductions_succeeded"]!);
        return contractId;
    }

    [Fact]
    public async Task EveryPeriodOneAttemptRefused_PlanMovedAndPeriodTwoChargedOnItsDate()
    {
        try
        {
            var contractId = await PeriodOneGivenUpAsync("ali-plan");
            var periodTwo = Today.AddDays(30);
            var moved = await Eventually.HoldsAsync(() => Task.FromResult(fixture.Simulator.FindAlipayAgreement(AlipayFixture.AlipayAppId, contractId)!),
                a => a.NextDeductDate == periodTwo, "Alipay's plan moved to period 2's date", TimeSpan.FromSeconds(30));
            Assert.Equal(0, moved.Deductions);

            // Period 2's date comes.
            fixture.Clock.Advance(TimeSpan.FromDays(30));

            var charged = await Eventually.HoldsAsync(() => GetAsync(contractId), c => (int)c["deductions_succeeded"]! == 1, "period 2 was charged on its date", TimeSpan.FromSeconds(60));
            var success = Assert.Single(charged["deductions"]!.AsArray(), d => (string?)d!["status"] == "succeeded")!;
            Assert.Equal(2, (int)success["period"]!);
            Assert.Equal("active", (string?)charged["status"]);
            Assert.Equal(1, fixture.Simulator.ChargeCount((string)success["order_id"]!, AlipayFixture.AlipayAppId));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task PlanMoveWithoutACertainAnswer_AskedAgainAndNotAssumed()
    {
        try
        {
            // The first executionplan.modify gets 20000 (may or may not have moved it); the next one goes through.
            var contractId = await PeriodOneGivenUpAsync("ali-plan-unknown", id => fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour
            {
                Fail = new SimulatorFailure("20000", "服务暂不可用", SubCode: "isp.unknow-error"),
                Operations = [AlipayAgreementKinds.PlanModify],
                Times = 1,
            }));
            var periodTwo = Today.AddDays(30);

            await Eventually.HoldsAsync(() => Task.FromResult(fixture.Simulator.FindAlipayAgreement(AlipayFixture.AlipayAppId, contractId)!),
                a => a.NextDeductDate == periodTwo, "Alipay's plan moved on a later try", TimeSpan.FromSeconds(30));
            var modifies = fixture.Simulator.Records.Where(r => r.Kind == AlipayAgreementKinds.PlanModify && r.OutTradeNo == contractId).ToList();
            Assert.True(modifies.Count >= 2, "asked again after the unknown answer");
            Assert.Equal("isp.unknow-error", modifies[0].Result);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task PlanMoveRefused_ReviewItemFiledAndTheContractStaysActive()
    {
        try
        {
            var contractId = await PeriodOneGivenUpAsync("ali-plan-refused", id => fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour
            {
                Fail = new SimulatorFailure("40004", "扣款时间只能延后", SubCode: AlipayCode.DeductTimeNotLater),
                Operations = [AlipayAgreementKinds.PlanModify],
            }));

            await Eventually.HoldsAsync(() => fixture.Database.ScalarAsync<long>(
                "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @c AND code = 'DEDUCTION_PLAN_NOT_MOVED'", ("@c", contractId)),
                n => n == 1, "a review item for the refused move", TimeSpan.FromSeconds(30));
            Assert.Equal(Today, fixture.Simulator.FindAlipayAgreement(AlipayFixture.AlipayAppId, contractId)!.NextDeductDate);
            var contract = await GetAsync(contractId);
            Assert.Equal("active", (string?)contract["status"]);
            Assert.Equal(Text(Today.AddDays(30)), (string?)contract["next_deduction_date"]);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }
}
