using PayGateway.ChannelSimulator.Alipay;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// 周期扣款 plans: Alipay refuses a deduction off the agreement's planned date and never moves the plan after a failure;
/// <c>alipay.user.agreement.executionplan.modify</c> moves it, only later and (MONTH) never onto the 29th–31st.
/// </summary>
public sealed partial class AlipayContractSimulatorTests
{
    [Fact]
    public async Task PlanLeftOnAPastDate_DeductionRefusedUntilMovedThenCharged()
    {
        const string contractId = "C000000000000000000000101";
        var agreementNo = await SignedAsync(contractId, SignRequest(contractId, first: Today.AddDays(-30), unit: "DAY", every: 30));
        var contract = new ChannelContractRef(contractId, agreementNo);

        var stuck = await _h.Channel.DeductAsync(_h.Account, Deduction("o_plan_before", contractId, agreementNo), default);
        var moved = await _h.Channel.MoveDeductionPlanAsync(_h.Account, contract, Today, default);
        var charged = await _h.Channel.DeductAsync(_h.Account, Deduction("o_plan_after", contractId, agreementNo), default);
        var agreement = await AgreementAsync(contractId);

        Assert.Equal(ChannelOutcome.Failed, stuck.Outcome);
        Assert.Equal("ACQ.CYCLE_PAY_DATE_NOT_MATCH", stuck.ErrorCode);
        Assert.Equal(ChannelPlanState.Moved, moved.State);
        Assert.Equal(ChannelOutcome.Succeeded, charged.Outcome);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_plan_after"));
        // Advanced one period from the moved date, not from the first one.
        Assert.Equal(Today.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), agreement.GetProperty("next_deduct_date").GetString());
    }

    [Fact]
    public async Task MovePlan_RepeatedAfterItMoved_StillMoved()
    {
        const string contractId = "C000000000000000000000102";
        var agreementNo = await SignedAsync(contractId, SignRequest(contractId, first: Today.AddDays(-1), unit: "DAY", every: 7));
        var contract = new ChannelContractRef(contractId, agreementNo);

        var first = await _h.Channel.MoveDeductionPlanAsync(_h.Account, contract, Today.AddDays(6), default);
        var again = await _h.Channel.MoveDeductionPlanAsync(_h.Account, contract, Today.AddDays(6), default);

        Assert.Equal(ChannelPlanState.Moved, first.State);
        Assert.Equal(ChannelPlanState.Moved, again.State);
        Assert.Contains(_h.Simulator.Records, r => r.Kind == AlipayAgreementKinds.PlanModify && r.Result == AlipayCode.DeductTimeNotLater);
    }

    [Fact]
    public async Task MovePlan_Earlier_Refused()
    {
        const string contractId = "C000000000000000000000103";
        var agreementNo = await SignedAsync(contractId, SignRequest(contractId, first: Today.AddDays(3), unit: "DAY", every: 7));

        var result = await _h.Channel.MoveDeductionPlanAsync(_h.Account, new ChannelContractRef(contractId, agreementNo), Today.AddDays(1), default);

        Assert.Equal(ChannelPlanState.Refused, result.State);
        Assert.Equal(AlipayCode.DeductTimeNotLater, result.ErrorCode);
    }

    [Fact]
    public async Task MovePlan_MonthAgreementOntoThe29th_Refused()
    {
        const string contractId = "C000000000000000000000104";
        var first = new DateOnly(Today.Year, Today.Month, 1).AddMonths(1);
        var agreementNo = await SignedAsync(contractId, SignRequest(contractId, first: first));

        var result = await _h.Channel.MoveDeductionPlanAsync(_h.Account, new ChannelContractRef(contractId, agreementNo), first.AddDays(28), default);

        Assert.Equal(ChannelPlanState.Refused, result.State);
        Assert.Equal(AlipayCode.DeductDayNotAllowed, result.ErrorCode);
    }

    [Fact]
    public async Task MovePlan_GeneralWithholding_NoPlanAndNothingSent()
    {
        var account = _h.Account with
        {
            Settings = new Dictionary<string, string>(_h.Account.Settings) { [AlipayAgreementSettings.ProductCodeSetting] = "GENERAL_WITHHOLDING" },
        };

        var result = await _h.Channel.MoveDeductionPlanAsync(account, new ChannelContractRef("C000000000000000000000105", "20240000000000000105"), Today, default);

        Assert.Equal(ChannelPlanState.NoPlan, result.State);
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == AlipayAgreementKinds.PlanModify);
    }

    [Fact]
    public async Task MovePlan_TimesOut_Unknown()
    {
        const string contractId = "C000000000000000000000106";
        var agreementNo = await SignedAsync(contractId, SignRequest(contractId, first: Today.AddDays(-1), unit: "DAY", every: 7));
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { DelayMs = 3000, Operations = [AlipayAgreementKinds.PlanModify] });

        var result = await _h.ImpatientChannel.MoveDeductionPlanAsync(_h.Account, new ChannelContractRef(contractId, agreementNo), Today, default);

        Assert.Equal(ChannelPlanState.Unknown, result.State);
    }
}
