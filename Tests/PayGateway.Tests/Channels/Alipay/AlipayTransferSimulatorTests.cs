using System.Text.Json;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// <see cref="AlipayChannel"/> transfers (<c>alipay.fund.trans.uni.transfer</c>, <c>alipay.fund.trans.common.query</c>)
/// against the simulator's Alipay side over real HTTP.
/// </summary>
public sealed class AlipayTransferSimulatorTests : IAsyncLifetime
{
    // A gateway transfer id: T + a 24-character id.
    private const string TransferId = "T20261126125300123AA0100B";
    private const string PayeeUserId = "2088301234567890";
    private const long Amount = 1234;

    private AlipaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await AlipaySimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static ChannelTransferRequest Transfer(
        long amount = Amount, string payeeType = PayeeTypes.AlipayUserId, string payee = PayeeUserId, string? name = null,
        string? remark = "Commission November", string currency = "CNY") =>
        new(TransferId, amount, currency, payeeType, payee, name, remark);

    private Task<ChannelTransferResult> TransferAsync(ChannelTransferRequest? request = null) => _h.Channel.TransferAsync(_h.Account, request ?? Transfer(), default);

    private Task<ChannelTransferResult> QueryAsync() => _h.Channel.QueryTransferAsync(_h.Account, Transfer(), default);

    private List<SimulatorRecord> RecordsOf(string kind) => [.. _h.Simulator.Records.Where(r => r.Kind == kind)];

    // ---- money moves

    [Fact]
    public async Task TransferToAlipayUserId_SucceededAndQueryAgrees()
    {
        var result = await TransferAsync();
        var query = await QueryAsync();

        Assert.Equal(ChannelFundsState.Succeeded, result.State);
        Assert.NotNull(result.SucceededAt);
        var transferred = Assert.Single(RecordsOf(RecordKind.Transferred));
        Assert.Equal((TransferId, Amount, AlipaySimulatorHarness.AppId), (transferred.OutTradeNo, transferred.Amount!.Value, transferred.MerchantId));
        Assert.Matches("^[0-9]{32}$", result.ChannelTransferNo);
        Assert.Equal(transferred.TradeNo, result.ChannelTransferNo);
        Assert.Equal((ChannelFundsState.Succeeded, result.ChannelTransferNo), (query.State, query.ChannelTransferNo));
        Assert.NotNull(query.SucceededAt);
    }

    [Fact]
    public async Task TransferToAlipayLoginWithName_Succeeded()
    {
        var result = await TransferAsync(Transfer(payeeType: PayeeTypes.AlipayLogonId, payee: "payee@example.com", name: "张三"));

        Assert.Equal(ChannelFundsState.Succeeded, result.State);
        Assert.Single(RecordsOf(RecordKind.Transferred));
    }

    [Fact]
    public async Task TransferRepeatedWithSameId_SucceededTwiceMoneyMovedOnce()
    {
        var first = await TransferAsync();
        var repeated = await TransferAsync();

        Assert.Equal(ChannelFundsState.Succeeded, first.State);
        Assert.Equal((ChannelFundsState.Succeeded, first.ChannelTransferNo), (repeated.State, repeated.ChannelTransferNo));
        Assert.Single(RecordsOf(RecordKind.Transferred));
        Assert.Equal(2, RecordsOf(RecordKind.TransferRequest).Count);
    }

    [Fact]
    public async Task TimeoutAfterPaying_UnknownThenQuerySucceeded()
    {
        _h.Simulator.SetBehaviour(TransferId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Transfer] });

        var lost = await _h.ImpatientChannel.TransferAsync(_h.Account, Transfer(), default);
        await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.Transferred && r.OutTradeNo == TransferId, TimeSpan.FromSeconds(5));
        var query = await QueryAsync();

        Assert.Equal(ChannelFundsState.Unknown, lost.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Equal(Assert.Single(RecordsOf(RecordKind.Transferred)).TradeNo, query.ChannelTransferNo);
        Assert.Contains(RecordsOf(RecordKind.TransferRequest), r => r.ResponseStatus == 0);
    }

    // ---- refusals

    [Fact]
    public async Task PayeeErrorFromChannel_ConfirmedByQueryThenFailedWithThatCode()
    {
        _h.Simulator.SetBehaviour(TransferId, new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("40004", "收款账号不存在", SubCode: "PAYEE_NOT_EXIST"),
            Operations = [SimulatorOperation.Transfer],
        });

        var result = await TransferAsync();

        Assert.Equal((ChannelFundsState.Failed, "PAYEE_NOT_EXIST", "收款账号不存在"), (result.State, result.ErrorCode, result.ErrorMessage));
        Assert.Single(RecordsOf(RecordKind.TransferQuery));
        Assert.Empty(RecordsOf(RecordKind.Transferred));
    }

    [Fact]
    public async Task TransferToAnIdThatIsNoAlipayUser_FailedPayeeNotExist()
    {
        var result = await TransferAsync(Transfer(payee: "2088123"));

        Assert.Equal((ChannelFundsState.Failed, "PAYEE_NOT_EXIST"), (result.State, result.ErrorCode));
        Assert.Empty(RecordsOf(RecordKind.Transferred));
    }

    [Theory]
    [InlineData("40004", "SYSTEM_ERROR")]
    [InlineData("20000", "isp.unknow-error")]
    [InlineData("40004", "PAYMENT_INFO_INCONSISTENCY")]
    public async Task SystemErrorOrUnlistedRefusal_Unknown(string code, string subCode)
    {
        _h.Simulator.SetBehaviour(TransferId, new SimulatorBehaviour { Fail = new SimulatorFailure(code, "系统繁忙", SubCode: subCode), Operations = [SimulatorOperation.Transfer] });

        var result = await TransferAsync();

        Assert.Equal((ChannelFundsState.Unknown, subCode), (result.State, result.ErrorCode));
        Assert.Empty(RecordsOf(RecordKind.Transferred));
    }

    [Theory]
    [InlineData("USD", PayeeTypes.AlipayUserId, null, 1234, "CURRENCY_NOT_SUPPORTED")]
    [InlineData("CNY", PayeeTypes.WeChatOpenId, null, 1234, "PAYEE_TYPE_NOT_SUPPORTED")]
    [InlineData("CNY", PayeeTypes.AlipayLogonId, null, 1234, "PAYEE_NAME_REQUIRED")]
    [InlineData("CNY", PayeeTypes.AlipayUserId, null, 0, "INVALID_AMOUNT")]
    public async Task TransferAlipayCannotServe_FailedWithoutCallingAlipay(string currency, string payeeType, string? name, long amount, string expectedCode)
    {
        var result = await TransferAsync(Transfer(amount, payeeType, name: name, currency: currency));

        Assert.Equal((ChannelFundsState.Failed, expectedCode), (result.State, result.ErrorCode));
        Assert.Empty(RecordsOf(RecordKind.TransferRequest));
    }

    // ---- queries and unverifiable answers

    [Fact]
    public async Task QueryOfTransferNeverSent_NotFound()
    {
        var query = await QueryAsync();

        Assert.Equal((ChannelFundsState.NotFound, "ORDER_NOT_EXIST"), (query.State, query.ErrorCode));
    }

    [Fact]
    public async Task BadResponseSignature_UnknownThoughTheMoneyMoved()
    {
        _h.Simulator.SetBehaviour(TransferId, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Transfer] });

        var result = await TransferAsync();
        var query = await QueryAsync();

        Assert.Equal(ChannelFundsState.Unknown, result.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Single(RecordsOf(RecordKind.Transferred));
    }

    [Fact]
    public async Task SimulatorReset_ForgetsTransfers()
    {
        var before = await TransferAsync();
        _h.Simulator.Reset();

        var query = await QueryAsync();

        Assert.Equal(ChannelFundsState.Succeeded, before.State);
        Assert.Equal(ChannelFundsState.NotFound, query.State);
    }

    // ---- wire format

    [Fact]
    public async Task TransferAndQuery_SendExactBizContentWithYuanAmount()
    {
        using var wire = new AlipayWireRecorder();

        var transfer = await wire.Channel.TransferAsync(_h.Account, Transfer(1205, PayeeTypes.AlipayLogonId, "payee@example.com", "Zhang San"), default);
        var query = await wire.Channel.QueryTransferAsync(_h.Account, Transfer(1205), default);

        Assert.Equal(ChannelFundsState.Succeeded, transfer.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Equal(
            $$"""{"out_biz_no":"{{TransferId}}","trans_amount":"12.05","product_code":"TRANS_ACCOUNT_NO_PWD","biz_scene":"DIRECT_TRANSFER","order_title":"Commission November","payee_info":{"identity":"payee@example.com","identity_type":"ALIPAY_LOGON_ID","name":"Zhang San"},"remark":"Commission November"}""",
            wire.BizContentOf("alipay.fund.trans.uni.transfer"));
        Assert.Equal(
            $$"""{"product_code":"TRANS_ACCOUNT_NO_PWD","biz_scene":"DIRECT_TRANSFER","out_biz_no":"{{TransferId}}"}""",
            wire.BizContentOf("alipay.fund.trans.common.query"));
        Assert.Equal(1205, Assert.Single(RecordsOf(RecordKind.Transferred)).Amount);
    }

    [Fact]
    public async Task TransferWithoutRemark_SendsDefaultTitleAndNoRemarkOrName()
    {
        using var wire = new AlipayWireRecorder();

        var transfer = await wire.Channel.TransferAsync(_h.Account, Transfer(remark: null), default);

        Assert.Equal(ChannelFundsState.Succeeded, transfer.State);
        using var biz = JsonDocument.Parse(wire.BizContentOf("alipay.fund.trans.uni.transfer"));
        Assert.Equal(AlipayChannel.DefaultTransferTitle, biz.RootElement.GetProperty("order_title").GetString());
        Assert.False(biz.RootElement.TryGetProperty("remark", out _));
        Assert.Equal(
            $$"""{"identity":"{{PayeeUserId}}","identity_type":"ALIPAY_USER_ID"}""",
            biz.RootElement.GetProperty("payee_info").GetRawText());
    }
}
