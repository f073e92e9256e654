using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using PayGateway.ChannelSimulator.Alipay;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// Alipay agreements (周期扣款 by default) end to end: the real <see cref="AlipayChannel"/> against the simulator's
/// Alipay side over real HTTP, the payer played by the sign page and the loopback control.
/// </summary>
public sealed partial class AlipayContractSimulatorTests : IAsyncLifetime
{
    private const string AlipaysPrefix = "alipays://platformapi/startapp?appId=60000157&appClearTop=false&startMultApp=YES&sign_params=";

    private AlipaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await AlipaySimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Today in Beijing: the day Alipay's schedules (and the simulator's window) count in.</summary>
    private static DateOnly Today => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static ChannelSignRequest SignRequest(string contractId, PayMethod method = PayMethod.WEB, DateOnly? first = null, long amount = 1500, string unit = "MONTH", int every = 1) =>
        new(contractId, method, "CNY", amount, null, new ChannelContractPeriod(unit, every, first ?? Today), "user@shop.test", null, null,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(30));

    private static ChannelDeductionRequest Deduction(string orderId, string contractId, string agreementNo, long amount = 1500) =>
        new(orderId, contractId, agreementNo, amount, "CNY", "会员月费", null, DateTimeOffset.UtcNow);

    private Task<ChannelContractResult> QueryAsync(string contractId, string? agreementNo = null) =>
        _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, agreementNo), default);

    // ---- the whole life of an agreement

    [Fact]
    public async Task SignDeductTerminate_RoundTrip_EachStepAsAlipaySaysIt()
    {
        const string contractId = "C000000000000000000000001";
        var signing = await _h.Channel.StartSigningAsync(_h.Account, SignRequest(contractId), default);
        using var browser = new HttpClient();
        using var page = await browser.GetAsync(signing.SignData!.Content);
        var html = await page.Content.ReadAsStringAsync();
        var pending = await QueryAsync(contractId);
        using var signed = await browser.PostAsync(new Uri(page.RequestMessage!.RequestUri!, FormAction().Match(html).Groups[1].Value), null);
        var notify = Assert.Single(await _h.Notifies.WaitForAsync(1));
        var byContract = await QueryAsync(contractId);
        var agreementNo = byContract.ChannelContractNo!;
        var byNumber = await QueryAsync(contractId, agreementNo);

        Assert.Equal(ChannelOutcome.Accepted, signing.Outcome);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("/alipay/agreement/", page.RequestMessage.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("id=\"sign\"", html, StringComparison.Ordinal);
        Assert.Equal(ChannelContractState.Pending, pending.State);
        Assert.Contains("Agreement signed.", await signed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ChannelContractState.Signed, notify.Result.Contract!.State);
        Assert.Equal(contractId, notify.Result.Contract.ContractId);
        Assert.Equal(AlipaySimulatorHarness.AppId, notify.Result.Contract.ChannelMerchantId);
        Assert.NotNull(notify.Result.Contract.At);
        Assert.NotNull(notify.Result.Contract.ChannelEventId);
        Assert.Matches("^[0-9]{20}$", agreementNo);
        Assert.Equal(agreementNo, notify.Result.Contract.ChannelContractNo);
        Assert.Equal(ChannelContractState.Signed, byContract.State);
        Assert.NotNull(byContract.SignedAt);
        Assert.Equal(ChannelContractState.Signed, byNumber.State);
        Assert.Equal(agreementNo, byNumber.ChannelContractNo);
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.CallbackSent && r.OutTradeNo == contractId && r.Result == "ACK");

        // Within the window (the planned date is today): charged once, also when the same order is sent again.
        var first = await _h.Channel.DeductAsync(_h.Account, Deduction("o_d1", contractId, agreementNo), default);
        var repeated = await _h.Channel.DeductAsync(_h.Account, Deduction("o_d1", contractId, agreementNo), default);
        var queried = await _h.Channel.QueryDeductionAsync(_h.Account, Deduction("o_d1", contractId, agreementNo), default);
        var tradeNotify = (await _h.Notifies.WaitForAsync(2))[1];
        var sameperiod = await _h.Channel.DeductAsync(_h.Account, Deduction("o_d2", contractId, agreementNo), default);

        Assert.Equal(ChannelOutcome.Succeeded, first.Outcome);
        Assert.Equal(_h.Simulator.FindTrade("o_d1")!.TradeNo, first.ChannelTradeNo);
        Assert.Equal("AGREEMENT", _h.Simulator.FindTrade("o_d1")!.Method);
        Assert.Equal(ChannelOutcome.Succeeded, repeated.Outcome);
        Assert.Equal("ACQ.TRADE_HAS_SUCCESS", repeated.ErrorCode);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_d1"));
        Assert.Equal(ChannelTradeState.Succeeded, queried.State);
        Assert.Equal(1500, queried.Amount);
        Assert.Equal("o_d1", tradeNotify.Result.Callback!.OrderId);
        Assert.Equal(ChannelTradeState.Succeeded, tradeNotify.Result.Callback.State);
        Assert.Equal(ChannelOutcome.Failed, sameperiod.Outcome);
        Assert.Equal("ACQ.CYCLE_PAY_DATE_NOT_MATCH", sameperiod.ErrorCode);
        Assert.Equal(0, _h.Simulator.ChargeCount("o_d2"));

        // The merchant ends it: Alipay confirms, tells by notify, and refuses to charge under it.
        var terminated = await _h.Channel.TerminateContractAsync(_h.Account, new ChannelContractRef(contractId, agreementNo), "merchant", default);
        var afterwards = await QueryAsync(contractId, agreementNo);
        var unsignNotify = (await _h.Notifies.WaitForAsync(3))[2];
        var again = await _h.Channel.TerminateContractAsync(_h.Account, new ChannelContractRef(contractId, agreementNo), null, default);
        var refused = await _h.Channel.DeductAsync(_h.Account, Deduction("o_d3", contractId, agreementNo), default);

        Assert.Equal(ChannelContractState.Terminated, terminated.State);
        Assert.Equal(ChannelContractState.Terminated, afterwards.State);
        Assert.Equal(ChannelContractState.Terminated, unsignNotify.Result.Contract!.State);
        Assert.Equal(contractId, unsignNotify.Result.Contract.ContractId);
        Assert.Equal(ChannelContractState.Terminated, again.State);
        Assert.Equal(ChannelOutcome.Failed, refused.Outcome);
        Assert.Equal("ACQ.AGREEMENT_STATUS_NOT_NORMAL", refused.ErrorCode);
        Assert.Equal(0, _h.Simulator.ChargeCount("o_d3"));
    }

    // ---- the deduction window and caps

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    [InlineData(-1, false)]
    public async Task Deduct_PlannedDaysFromToday_OnlyWithinFiveDaysBefore(int daysAhead, bool allowed)
    {
        var agreementNo = await SignedAsync("C000000000000000000000002", SignRequest("C000000000000000000000002", first: Today.AddDays(daysAhead)));

        var result = await _h.Channel.DeductAsync(_h.Account, Deduction("o_window", "C000000000000000000000002", agreementNo), default);

        Assert.Equal(allowed ? ChannelOutcome.Succeeded : ChannelOutcome.Failed, result.Outcome);
        Assert.Equal(allowed ? null : "ACQ.CYCLE_PAY_DATE_NOT_MATCH", result.ErrorCode);
        Assert.Equal(allowed ? 1 : 0, _h.Simulator.ChargeCount("o_window"));
    }

    [Fact]
    public async Task Deduct_MoreThanSingleAmount_FailedAndNotCharged()
    {
        var agreementNo = await SignedAsync("C000000000000000000000003", SignRequest("C000000000000000000000003", amount: 1000));

        var result = await _h.Channel.DeductAsync(_h.Account, Deduction("o_over", "C000000000000000000000003", agreementNo, amount: 1001), default);
        var exact = await _h.Channel.DeductAsync(_h.Account, Deduction("o_exact", "C000000000000000000000003", agreementNo, amount: 1000), default);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("ACQ.CYCLE_PAY_SINGLE_FEE_EXCEED", result.ErrorCode);
        Assert.Equal(0, _h.Simulator.ChargeCount("o_over"));
        Assert.Equal(ChannelOutcome.Succeeded, exact.Outcome);
    }

    [Fact]
    public async Task Deduct_UnknownAgreement_Failed()
    {
        var result = await _h.Channel.DeductAsync(_h.Account, Deduction("o_none", "C000000000000000000000004", "20240000000000000000"), default);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("ACQ.AGREEMENT_NOT_EXIST", result.ErrorCode);
    }

    [Fact]
    public async Task GeneralWithholding_NoSchedule_DeductsAgainInTheSamePeriod()
    {
        var account = _h.Account with
        {
            Settings = new Dictionary<string, string>(_h.Account.Settings) { [AlipayAgreementSettings.ProductCodeSetting] = "GENERAL_WITHHOLDING" },
        };
        var signing = await _h.Channel.StartSigningAsync(account, SignRequest("C000000000000000000000005"), default);
        await OpenAsync(signing.SignData!.Content);
        await PayerAsync("C000000000000000000000005", "sign");
        var agreementNo = (await _h.Channel.QueryContractAsync(account, new ChannelContractRef("C000000000000000000000005", null), default)).ChannelContractNo!;

        var first = await _h.Channel.DeductAsync(account, Deduction("o_gw1", "C000000000000000000000005", agreementNo), default);
        var second = await _h.Channel.DeductAsync(account, Deduction("o_gw2", "C000000000000000000000005", agreementNo), default);
        var wrongProduct = await _h.Channel.DeductAsync(_h.Account, Deduction("o_gw3", "C000000000000000000000005", agreementNo), default);

        Assert.Equal(ChannelOutcome.Succeeded, first.Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, second.Outcome);
        Assert.Equal(ChannelOutcome.Failed, wrongProduct.Outcome);
        Assert.Equal("ACQ.AGREEMENT_ERROR", wrongProduct.ErrorCode);
    }

    // ---- other ways in and out

    [Fact]
    public async Task AppLink_SignParamsOpenTheSignPage_SignedThroughControl()
    {
        var signing = await _h.Channel.StartSigningAsync(_h.Account, SignRequest("C000000000000000000000006", PayMethod.APP), default);
        var html = await OpenAsync(signing.SignData!.Content);
        using var signed = await PayerAsync("C000000000000000000000006", "sign");
        var notify = Assert.Single(await _h.Notifies.WaitForAsync(1));

        Assert.StartsWith(AlipaysPrefix, signing.SignData.Content, StringComparison.Ordinal);
        Assert.Contains("id=\"sign\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(ChannelContractState.Signed, notify.Result.Contract!.State);
        Assert.Equal("ALIPAYAPP", (await AgreementAsync("C000000000000000000000006")).GetProperty("access_channel").GetString());
    }

    [Fact]
    public async Task PayerUnsignsInWallet_UnsignNotifyAndQueryTerminated()
    {
        var agreementNo = await SignedAsync("C000000000000000000000007", SignRequest("C000000000000000000000007"));

        using var ended = await PayerAsync("C000000000000000000000007", "unsign");
        var notifies = await _h.Notifies.WaitForAsync(2);
        var query = await QueryAsync("C000000000000000000000007", agreementNo);

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Equal(ChannelContractState.Terminated, notifies[1].Result.Contract!.State);
        Assert.Equal(agreementNo, notifies[1].Result.Contract!.ChannelContractNo);
        Assert.Equal(ChannelContractState.Terminated, query.State);
    }

    [Fact]
    public async Task NeverStarted_QueryAndTerminateNotFound()
    {
        var query = await QueryAsync("C000000000000000000000008");
        var terminated = await _h.Channel.TerminateContractAsync(_h.Account, new ChannelContractRef("C000000000000000000000008", null), null, default);
        using var sign = await PayerAsync("C000000000000000000000008", "sign");

        Assert.Equal(ChannelContractState.NotFound, query.State);
        Assert.Equal("USER_AGREEMENT_NOT_EXIST", query.ErrorCode);
        Assert.Equal(ChannelContractState.NotFound, terminated.State);
        Assert.Equal(HttpStatusCode.NotFound, sign.StatusCode);
    }

    [Fact]
    public async Task BadNotifySignature_RejectedAndRetried()
    {
        var signing = await _h.Channel.StartSigningAsync(_h.Account, SignRequest("C000000000000000000000009"), default);
        await OpenAsync(signing.SignData!.Content);
        _h.Simulator.SetBehaviour("C000000000000000000000009", new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Callback] });

        using var signed = await PayerAsync("C000000000000000000000009", "sign");
        var notifies = await _h.Notifies.WaitForAsync(3);

        Assert.All(notifies, n => Assert.Equal("INVALID_SIGNATURE", n.Result.RejectionCode));
        Assert.All(notifies, n => Assert.Null(n.Result.Contract));
    }

    // ---- misbehaviour: timeouts and errors are unknown, never a guess

    [Fact]
    public async Task DeductTimesOutAfterCharge_UnknownThenQuerySucceededWithOneCharge()
    {
        var agreementNo = await SignedAsync("C000000000000000000000010", SignRequest("C000000000000000000000010"));
        _h.Simulator.SetBehaviour("o_lost", new SimulatorBehaviour { TimeoutAfterCharge = true, Times = 1, Operations = [SimulatorOperation.Create] });

        var lost = await _h.ImpatientChannel.DeductAsync(_h.Account, Deduction("o_lost", "C000000000000000000000010", agreementNo), default);
        var queried = await _h.Channel.QueryDeductionAsync(_h.Account, Deduction("o_lost", "C000000000000000000000010", agreementNo), default);
        var retried = await _h.Channel.DeductAsync(_h.Account, Deduction("o_lost", "C000000000000000000000010", agreementNo), default);

        Assert.Equal(ChannelOutcome.Unknown, lost.Outcome);
        Assert.Equal(ChannelTradeState.Succeeded, queried.State);
        Assert.Equal(ChannelOutcome.Succeeded, retried.Outcome);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_lost"));
    }

    [Fact]
    public async Task AgreementCallsTimeOut_Unknown()
    {
        var agreementNo = await SignedAsync("C000000000000000000000011", SignRequest("C000000000000000000000011"));
        _h.Simulator.SetBehaviour("C000000000000000000000011", new SimulatorBehaviour
        {
            DelayMs = 3000,
            Operations = [AlipayAgreementKinds.Query, AlipayAgreementKinds.Unsign],
        });
        var contract = new ChannelContractRef("C000000000000000000000011", agreementNo);

        var query = await _h.ImpatientChannel.QueryContractAsync(_h.Account, contract, default);
        var terminated = await _h.ImpatientChannel.TerminateContractAsync(_h.Account, contract, null, default);

        Assert.Equal(ChannelContractState.Unknown, query.State);
        Assert.Equal(ChannelContractState.Unknown, terminated.State);
    }

    [Fact]
    public async Task AgreementCallsFailWith20000OrBadSignature_Unknown()
    {
        var agreementNo = await SignedAsync("C000000000000000000000012", SignRequest("C000000000000000000000012"));
        var contract = new ChannelContractRef("C000000000000000000000012", agreementNo);
        _h.Simulator.SetBehaviour("C000000000000000000000012", new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("20000", "服务暂不可用", SubCode: "isp.unknow-error"),
            Operations = [AlipayAgreementKinds.Unsign],
        });
        var unavailable = await _h.Channel.TerminateContractAsync(_h.Account, contract, null, default);
        _h.Simulator.SetBehaviour("C000000000000000000000012", new SimulatorBehaviour { BadSignature = true, Operations = [AlipayAgreementKinds.Query] });
        var forged = await QueryAsync("C000000000000000000000012", agreementNo);

        Assert.Equal(ChannelContractState.Unknown, unavailable.State);
        Assert.Equal(ChannelContractState.Unknown, forged.State);
        Assert.Equal(AlipayAgreementStatus.Normal, (await AgreementAsync("C000000000000000000000012")).GetProperty("status").GetString());
    }

    // ---- helpers

    /// <summary>Starts signing, opens the page as the payer's browser would, signs, and waits for the sign notify.</summary>
    private async Task<string> SignedAsync(string contractId, ChannelSignRequest request)
    {
        var signing = await _h.Channel.StartSigningAsync(_h.Account, request, default);
        Assert.Equal(ChannelOutcome.Accepted, signing.Outcome);
        await OpenAsync(signing.SignData!.Content);
        var before = _h.Notifies.All.Count;
        using var signed = await PayerAsync(contractId, "sign");
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        var notify = (await _h.Notifies.WaitForAsync(before + 1))[before];
        return notify.Result.Contract!.ChannelContractNo!;
    }

    /// <summary>Follows a sign link to the sign page: an alipays:// link carries the gateway query in sign_params.</summary>
    private async Task<string> OpenAsync(string link)
    {
        var url = link.StartsWith(AlipaysPrefix, StringComparison.Ordinal)
            ? _h.Simulator.AlipayGatewayUrl.AbsoluteUri + "?" + Uri.UnescapeDataString(link[AlipaysPrefix.Length..])
            : link;
        using var browser = new HttpClient();
        using var page = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync();
    }

    /// <summary>The payer signs or ends the agreement through the loopback control.</summary>
    private async Task<HttpResponseMessage> PayerAsync(string contractId, string action)
    {
        using var client = new HttpClient();
        return await client.PostAsync(new Uri(_h.Simulator.BaseAddress, $"alipay/control/agreements/{AlipaySimulatorHarness.AppId}/{contractId}/{action}"), null);
    }

    /// <summary>The agreement as the simulator holds it (control JSON, snake_case).</summary>
    private async Task<JsonElement> AgreementAsync(string contractId)
    {
        using var client = new HttpClient();
        var json = await client.GetStringAsync(new Uri(_h.Simulator.BaseAddress, $"alipay/control/agreements/{AlipaySimulatorHarness.AppId}/{contractId}"));
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
