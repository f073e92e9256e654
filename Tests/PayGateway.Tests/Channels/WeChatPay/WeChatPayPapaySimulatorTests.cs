using System.Text.Json;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.WeChatPay;
using PayGateway.Channels;
using PayGateway.Tests.Channels.Mock;
using Xunit;
using static PayGateway.Tests.Channels.WeChatPay.WeChatPaySimulatorHarness;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// The real WeChat Pay adapter's papay (委托代扣, API v2) against the simulator over real HTTP: signing, contract
/// notifies and queries, deductions and their PAP notifies, termination, and what timeouts and bad answers give.
/// </summary>
public sealed class WeChatPayPapaySimulatorTests : IAsyncLifetime
{
    private WeChatPaySimulatorHarness _h = null!;
    private CallbackReceiver _receiver = null!;
    private ChannelAccount _account = null!;
    private readonly HttpClient _browser = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        _h = await StartAsync();
        _receiver = await CallbackReceiver.StartAsync(_h.Channel, () => _account);
        _account = _h.Account with { NotifyUrl = _receiver.NotifyUrl };
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _receiver.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task Lifecycle_SignDeductTerminate_ChargesOnceAndRefusesAfterTermination()
    {
        var contractId = Contract(1);
        const string orderId = "PAP000000000000000000001";

        // The gateway hands out the Official-Account sign link; the payer opens it and signs.
        var started = await _h.Channel.StartSigningAsync(_account, SignRequest(contractId, PayMethod.WEB), default);
        Assert.Equal(ChannelOutcome.Accepted, started.Outcome);
        Assert.Equal("redirect_url", started.SignData!.Kind);
        var signUrl = new Uri(started.SignData.Content);
        Assert.Equal("/papay/entrustweb", signUrl.AbsolutePath);
        var page = await _browser.GetStringAsync(signUrl);
        Assert.Contains("id=\"sign\"", page, StringComparison.Ordinal);
        Assert.Equal(ChannelContractState.NotFound, (await QueryContractAsync(contractId, null)).State);
        var pending = _h.Simulator.WeChatPay.FindContract(MchId, PlanId, contractId)!;
        Assert.Equal(WeChatPayContractState.Pending, pending.State);
        Assert.Equal("会员 138****0000", pending.DisplayAccount);
        Assert.Equal(_receiver.NotifyUrl, pending.NotifyUrl);

        using (var sign = await _browser.PostAsync(SignPage(contractId), null))
        {
            Assert.Contains("签约成功", await sign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var contractNo = _h.Simulator.WeChatPay.FindContract(MchId, PlanId, contractId)!.ContractId!;

        var added = await _receiver.WaitForAsync(r => r.Result.Contract?.State == ChannelContractState.Signed);
        Assert.Equal((contractId, contractNo, MchId), (added.Result.Contract!.ContractId, added.Result.Contract.ChannelContractNo, added.Result.Contract.ChannelMerchantId));
        Assert.Equal("text/xml", added.Reply.ContentType);
        await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.OutTradeNo == contractId && r.Result == "ACK", TimeSpan.FromSeconds(5));

        var signed = await QueryContractAsync(contractId, contractNo);
        Assert.Equal(ChannelContractState.Signed, signed.State);
        Assert.Equal(contractNo, signed.ChannelContractNo);
        Assert.NotNull(signed.SignedAt);

        // The first period's deduction, sent twice: accepted, settled, notified, charged once.
        var deduction = Deduction(orderId, contractId, contractNo);
        var first = await _h.Channel.DeductAsync(_account, deduction, default);
        var repeated = await _h.Channel.DeductAsync(_account, deduction, default);
        Assert.Equal(ChannelOutcome.Accepted, first.Outcome);
        Assert.NotEqual(ChannelOutcome.Failed, repeated.Outcome);

        var paid = await _receiver.WaitForAsync(r => r.Result.Callback?.OrderId == orderId);
        Assert.Equal(ChannelTradeState.Succeeded, paid.Result.Callback!.State);
        Assert.Equal((990L, "CNY"), (paid.Result.Callback.Amount, paid.Result.Callback.Currency));
        Assert.Equal(_h.Simulator.FindTrade(orderId)!.TradeNo, paid.Result.Callback.ChannelTradeNo);
        var queried = await _h.Channel.QueryDeductionAsync(_account, deduction, default);
        Assert.Equal(ChannelTradeState.Succeeded, queried.State);
        Assert.Equal(990, queried.Amount);
        Assert.NotNull(queried.PaidAt);
        var afterPaid = await _h.Channel.DeductAsync(_account, deduction, default);
        Assert.NotEqual(ChannelOutcome.Failed, afterPaid.Outcome);
        Assert.Equal(1, _h.Simulator.ChargeCount(orderId));

        // The merchant ends the contract: confirmed, notified, and no later deduction goes through.
        var terminated = await _h.Channel.TerminateContractAsync(_account, new ChannelContractRef(contractId, contractNo), "用户退订", default);
        Assert.Equal(ChannelContractState.Terminated, terminated.State);
        var deleted = await _receiver.WaitForAsync(r => r.Result.Contract?.State == ChannelContractState.Terminated);
        Assert.Equal(contractNo, deleted.Result.Contract!.ChannelContractNo);
        var afterTermination = await QueryContractAsync(contractId, contractNo);
        Assert.Equal(ChannelContractState.Terminated, afterTermination.State);
        Assert.NotNull(afterTermination.TerminatedAt);
        Assert.Equal("用户退订", _h.Simulator.WeChatPay.FindContract(MchId, PlanId, contractId)!.TerminationRemark);

        var refused = await _h.Channel.DeductAsync(_account, Deduction("PAP000000000000000000002", contractId, contractNo), default);
        Assert.Equal(ChannelOutcome.Failed, refused.Outcome);
        Assert.Equal(0, _h.Simulator.ChargeCount("PAP000000000000000000002"));
    }

    [Fact]
    public async Task H5Signing_ReturnsSignPageLink_AndQueryByContractCodeFindsTheSignedContract()
    {
        var contractId = Contract(2);

        var started = await _h.Channel.StartSigningAsync(_account, SignRequest(contractId, PayMethod.WAP), default);
        Assert.Equal(ChannelOutcome.Accepted, started.Outcome);
        Assert.Equal("redirect_url", started.SignData!.Kind);
        Assert.Contains(contractId, await _browser.GetStringAsync(started.SignData.Content), StringComparison.Ordinal);

        var signedAtSimulator = _h.Simulator.WeChatPay.SignContract(MchId, PlanId, contractId)!;
        var queried = await QueryContractAsync(contractId, null);

        Assert.Equal(ChannelContractState.Signed, queried.State);
        Assert.Equal(signedAtSimulator.ContractId, queried.ChannelContractNo);
        Assert.Equal(_h.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), signedAtSimulator.RequestSerial);
    }

    [Fact]
    public async Task AppSigning_ReturnsPreEntrustwebId()
    {
        var started = await _h.Channel.StartSigningAsync(_account, SignRequest(Contract(3), PayMethod.APP), default);

        Assert.Equal(ChannelOutcome.Accepted, started.Outcome);
        Assert.Equal("app_params", started.SignData!.Kind);
        using var json = JsonDocument.Parse(started.SignData.Content);
        Assert.StartsWith("sim", json.RootElement.GetProperty("pre_entrustweb_id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigningInUsd_IsFailedWithoutCallingWeChat()
    {
        var result = await _h.Channel.StartSigningAsync(_account, SignRequest(Contract(4), PayMethod.APP) with { Currency = "USD" }, default);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Null(_h.Simulator.WeChatPay.FindContract(MchId, PlanId, Contract(4)));
    }

    [Fact]
    public async Task TerminatedByPayer_MerchantTerminate_IsTerminatedThroughTheQuery()
    {
        var (contractId, contractNo) = await SignedContractAsync(5);
        _h.Simulator.WeChatPay.TerminateContract(MchId, PlanId, contractId);

        var result = await _h.Channel.TerminateContractAsync(_account, new ChannelContractRef(contractId, contractNo), null, default);

        Assert.Equal(ChannelContractState.Terminated, result.State);
        Assert.Contains(_h.Simulator.Records, r => r.Kind == WeChatPayRecordKind.ContractQuery && r.OutTradeNo == contractId);
    }

    [Fact]
    public async Task Deduction_PayFail_IsFailedByNotifyAndQuery()
    {
        var (contractId, contractNo) = await SignedContractAsync(6);
        const string orderId = "PAP000000000000000000006";
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TradeState = "PAY_FAIL", Operations = [SimulatorOperation.Create] });
        var deduction = Deduction(orderId, contractId, contractNo);

        var accepted = await _h.Channel.DeductAsync(_account, deduction, default);
        var notified = await _receiver.WaitForAsync(r => r.Result.Callback?.OrderId == orderId);
        var queried = await _h.Channel.QueryDeductionAsync(_account, deduction, default);

        Assert.Equal(ChannelOutcome.Accepted, accepted.Outcome);
        Assert.Equal(ChannelTradeState.Failed, notified.Result.Callback!.State);
        Assert.Equal(ChannelTradeState.Failed, queried.State);
        Assert.Equal("PAY_FAIL", queried.ErrorCode);
        Assert.Equal(0, _h.Simulator.ChargeCount(orderId));
    }

    [Fact]
    public async Task Deduction_TimeoutAfterCharge_IsUnknown_ThenQuerySucceededOnce()
    {
        var (contractId, contractNo) = await SignedContractAsync(7);
        const string orderId = "PAP000000000000000000007";
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Create], Times = 1 });
        var deduction = Deduction(orderId, contractId, contractNo);

        var timedOut = await _h.Channel.DeductAsync(_account, deduction, default);
        var queried = await _h.Channel.QueryDeductionAsync(_account, deduction, default);

        Assert.Equal(ChannelOutcome.Unknown, timedOut.Outcome);
        Assert.Equal(ChannelTradeState.Succeeded, queried.State);
        Assert.Equal(1, _h.Simulator.ChargeCount(orderId));
    }

    [Fact]
    public async Task ContractQuery_SlowOrBadlySignedOr5xx_IsUnknown()
    {
        var (contractId, contractNo) = await SignedContractAsync(8);
        var reference = new ChannelContractRef(contractId, contractNo);
        // Only the queries: the contract's ADD notify may still be on its way and must not use up a behaviour.
        string[] query = [WeChatPayOperation.ContractQuery];

        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { BadSignature = true, Operations = query, Times = 1 });
        var badlySigned = await _h.Channel.QueryContractAsync(_account, reference, default);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEMERROR", HttpStatus: 503), Operations = query, Times = 1 });
        var unavailable = await _h.Channel.QueryContractAsync(_account, reference, default);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { DelayMs = (int)(ClientTimeout.TotalMilliseconds + 500), Operations = query, Times = 1 });
        var slow = await _h.Channel.QueryContractAsync(_account, reference, default);
        var afterwards = await _h.Channel.QueryContractAsync(_account, reference, default);

        Assert.Equal(ChannelContractState.Unknown, badlySigned.State);
        Assert.Equal(ChannelContractState.Unknown, unavailable.State);
        Assert.Equal(ChannelContractState.Unknown, slow.State);
        Assert.Equal(ChannelContractState.Signed, afterwards.State);
    }

    [Fact]
    public async Task Terminate_TimesOut_IsUnknownNotTerminated()
    {
        var (contractId, contractNo) = await SignedContractAsync(9);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { DelayMs = (int)(ClientTimeout.TotalMilliseconds + 500), Operations = [WeChatPayOperation.ContractTerminate, WeChatPayOperation.ContractQuery] });

        var result = await _h.Channel.TerminateContractAsync(_account, new ChannelContractRef(contractId, contractNo), "reason", default);

        Assert.Equal(ChannelContractState.Unknown, result.State);
    }

    [Fact]
    public async Task QueryDeduction_NeverSent_IsNotFound()
    {
        var result = await _h.Channel.QueryDeductionAsync(_account, Deduction("PAP000000000000000000010", Contract(10), "2000"), default);

        Assert.Equal(ChannelTradeState.NotFound, result.State);
        Assert.Equal("ORDERNOTEXIST", result.ErrorCode);
    }

    [Fact]
    public async Task V3PaymentNotification_IsStillParsed_AndAcknowledgedInJson()
    {
        const string orderId = "wxpapay00000000000000011";
        var created = await _h.Channel.CreatePaymentAsync(_account, _h.Request(orderId), default);
        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        _h.Simulator.Pay(orderId);

        var received = await _receiver.WaitForAsync(r => r.Result.Callback?.OrderId == orderId);

        Assert.Equal(ChannelTradeState.Succeeded, received.Result.Callback!.State);
        Assert.Equal(_h.Channel.ReplyToCallback(true), received.Reply);
        Assert.Equal("application/json", received.Reply.ContentType);
    }

    private static string Contract(int n) => $"CPAPAY{n:D19}";

    private ChannelSignRequest SignRequest(string contractId, PayMethod method) => new(
        contractId, method, "CNY", 990, null, new ChannelContractPeriod("MONTH", 1, new DateOnly(2026, 12, 1)), "会员 138****0000",
        "https://shop.example/return", method == PayMethod.WAP ? "203.0.113.9" : null, _h.Time.GetUtcNow(), _h.Time.GetUtcNow().AddMinutes(30));

    private ChannelDeductionRequest Deduction(string orderId, string contractId, string contractNo) =>
        new(orderId, contractId, contractNo, 990, "CNY", "月度会员 monthly", null, _h.Time.GetUtcNow());

    private Task<ChannelContractResult> QueryContractAsync(string contractId, string? contractNo) =>
        _h.Channel.QueryContractAsync(_account, new ChannelContractRef(contractId, contractNo), default);

    private Uri SignPage(string contractId) =>
        new(_h.Simulator.BaseAddress, $"wechatpay/papay/sign?mch_id={MchId}&plan_id={PlanId}&contract_code={contractId}");

    private async Task<(string ContractId, string ContractNo)> SignedContractAsync(int n)
    {
        var contractId = Contract(n);
        var started = await _h.Channel.StartSigningAsync(_account, SignRequest(contractId, PayMethod.APP), default);
        Assert.Equal(ChannelOutcome.Accepted, started.Outcome);
        var signed = _h.Simulator.WeChatPay.SignContract(MchId, PlanId, contractId)!;
        return (contractId, signed.ContractId!);
    }
}
