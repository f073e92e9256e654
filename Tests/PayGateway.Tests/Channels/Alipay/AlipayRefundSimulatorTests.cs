using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// <see cref="AlipayChannel"/> refunds (<c>alipay.trade.refund</c>, <c>alipay.trade.fastpay.refund.query</c>) against
/// the simulator's Alipay side over real HTTP. Every test pays a trade through the simulator's control first.
/// </summary>
public sealed class AlipayRefundSimulatorTests : IAsyncLifetime
{
    // Gateway ids: a 24-character order id, and the order id + R + 3 digits for its refunds.
    private const string OrderId = "20261126125300123AA0100A";
    private const string RefundId = OrderId + "R001";
    private const string SecondRefundId = OrderId + "R002";
    private const long Paid = 1234;

    private AlipaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await AlipaySimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task CreateTradeAsync()
    {
        var created = await _h.Channel.CreatePaymentAsync(_h.Account, AlipaySimulatorHarness.Request(OrderId, amount: Paid), default);
        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
    }

    private async Task PaidTradeAsync()
    {
        await CreateTradeAsync();
        Assert.Equal(PayOutcome.Paid, _h.Simulator.Pay(OrderId).Outcome);
    }

    private static ChannelRefundRequest Refund(string refundId, long amount, string currency = "CNY", string? reason = "商品退货") =>
        new(refundId, OrderId, null, amount, Paid, currency, reason, new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static ChannelRefundQuery Query(string refundId, long amount) => new(refundId, OrderId, null, amount, "CNY", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private Task<ChannelRefundResult> RefundAsync(string refundId, long amount) => _h.Channel.RefundAsync(_h.Account, Refund(refundId, amount), default);

    private Task<ChannelRefundResult> QueryRefundAsync(string refundId, long amount) => _h.Channel.QueryRefundAsync(_h.Account, Query(refundId, amount), default);

    private Task<ChannelQueryResult> QueryPaymentAsync() => _h.Channel.QueryPaymentAsync(_h.Account, OrderId, default);

    private List<SimulatorRecord> RecordsOf(string kind) => [.. _h.Simulator.Records.Where(r => r.Kind == kind)];

    // ---- money moves

    [Fact]
    public async Task FullRefund_SucceededOnceAndTradeClosed()
    {
        await PaidTradeAsync();

        var result = await RefundAsync(RefundId, Paid);
        var payment = await QueryPaymentAsync();

        Assert.Equal(ChannelFundsState.Succeeded, result.State);
        Assert.Equal(Paid, result.Amount);
        Assert.Equal("CNY", result.Currency);
        Assert.NotNull(result.SucceededAt);
        var refunded = Assert.Single(RecordsOf(RecordKind.Refunded));
        Assert.Equal((OrderId, RefundId, Paid, AlipaySimulatorHarness.AppId), (refunded.OutTradeNo, refunded.TradeNo, refunded.Amount!.Value, refunded.MerchantId));
        // Alipay closes a trade once all of it is refunded; the paid order stays paid at the gateway.
        Assert.Equal(ChannelTradeState.Closed, payment.State);
    }

    [Fact]
    public async Task PartialRefundThenTheRest_TradeClosesOnlyWhenAllIsRefunded()
    {
        await PaidTradeAsync();

        var first = await RefundAsync(RefundId, 1000);
        var afterFirst = await QueryPaymentAsync();
        var second = await RefundAsync(SecondRefundId, 234);
        var afterSecond = await QueryPaymentAsync();

        Assert.Equal((ChannelFundsState.Succeeded, 1000L), (first.State, first.Amount!.Value));
        Assert.Equal(ChannelTradeState.Succeeded, afterFirst.State);
        Assert.Equal((ChannelFundsState.Succeeded, 234L), (second.State, second.Amount!.Value));
        Assert.Equal(ChannelTradeState.Closed, afterSecond.State);
        Assert.Equal(new[] { (RefundId, 1000L), (SecondRefundId, 234L) }, RecordsOf(RecordKind.Refunded).Select(r => (r.TradeNo!, r.Amount!.Value)));
    }

    [Fact]
    public async Task RefundRepeatedWithSameRefundId_SucceededTwiceMoneyMovedOnce()
    {
        await PaidTradeAsync();

        var first = await RefundAsync(RefundId, 500);
        var repeated = await RefundAsync(RefundId, 500);

        Assert.Equal(ChannelFundsState.Succeeded, first.State);
        // The repeat says fund_change=N; the refund query confirms the refund went through.
        Assert.Equal((ChannelFundsState.Succeeded, 500L), (repeated.State, repeated.Amount!.Value));
        Assert.Single(RecordsOf(RecordKind.Refunded));
        Assert.Equal(2, RecordsOf(RecordKind.RefundRequest).Count(r => r.Result == "REFUND_SUCCESS"));
        Assert.Single(RecordsOf(RecordKind.RefundQuery));
    }

    [Fact]
    public async Task TimeoutAfterRefundMoved_UnknownThenQuerySucceeded()
    {
        await PaidTradeAsync();
        _h.Simulator.SetBehaviour(OrderId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Refund] });

        var lost = await _h.ImpatientChannel.RefundAsync(_h.Account, Refund(RefundId, Paid), default);
        await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.Refunded && r.TradeNo == RefundId, TimeSpan.FromSeconds(5));
        var query = await QueryRefundAsync(RefundId, Paid);

        Assert.Equal(ChannelFundsState.Unknown, lost.State);
        Assert.Equal((ChannelFundsState.Succeeded, Paid, "CNY"), (query.State, query.Amount!.Value, query.Currency));
        Assert.NotNull(query.SucceededAt);
        Assert.Single(RecordsOf(RecordKind.Refunded));
        Assert.Contains(RecordsOf(RecordKind.RefundRequest), r => r.ResponseStatus == 0);
    }

    [Fact]
    public async Task RefusalOfARefundThatAlreadySucceeded_ReportedAsSucceeded()
    {
        await PaidTradeAsync();
        var first = await RefundAsync(RefundId, Paid);
        // An Alipay that checks the (now closed) trade before deduplicating the out_request_no.
        _h.Simulator.SetBehaviour(OrderId, new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("40004", "交易状态不合法", SubCode: "ACQ.TRADE_STATUS_ERROR"),
            Operations = [SimulatorOperation.Refund],
        });

        var retried = await RefundAsync(RefundId, Paid);

        Assert.Equal(ChannelFundsState.Succeeded, first.State);
        Assert.Equal((ChannelFundsState.Succeeded, Paid), (retried.State, retried.Amount!.Value));
        Assert.Single(RecordsOf(RecordKind.Refunded));
    }

    [Fact]
    public async Task ConcurrentRefunds_TogetherNeverExceedWhatWasPaid()
    {
        await PaidTradeAsync();

        // Ten refunds of 2.00 against 12.34 paid: six fit, whatever the order they arrive in.
        var results = await Task.WhenAll(Enumerable.Range(1, 10).Select(i => RefundAsync($"{OrderId}R{i:D3}", 200)));

        Assert.Equal(6, results.Count(r => r.State == ChannelFundsState.Succeeded));
        Assert.All(results.Where(r => r.State != ChannelFundsState.Succeeded), r => Assert.Equal((ChannelFundsState.Failed, "ACQ.REASON_TRADE_REFUND_FEE_ERR"), (r.State, r.ErrorCode)));
        Assert.Equal(1200, RecordsOf(RecordKind.Refunded).Sum(r => r.Amount));
        Assert.Equal(ChannelTradeState.Succeeded, (await QueryPaymentAsync()).State);
    }

    // ---- refusals

    [Fact]
    public async Task RefundMoreThanIsLeft_FailedWithRefundFeeError()
    {
        await PaidTradeAsync();
        await RefundAsync(RefundId, 1000);

        var over = await RefundAsync(SecondRefundId, 235);
        var query = await QueryRefundAsync(SecondRefundId, 235);

        Assert.Equal((ChannelFundsState.Failed, "ACQ.REASON_TRADE_REFUND_FEE_ERR"), (over.State, over.ErrorCode));
        Assert.Equal(ChannelFundsState.NotFound, query.State);
        Assert.Equal(1000, Assert.Single(RecordsOf(RecordKind.Refunded)).Amount);
    }

    [Fact]
    public async Task RefundOfUnpaidTrade_FailedWithTradeStatusError()
    {
        await CreateTradeAsync();

        var result = await RefundAsync(RefundId, Paid);

        Assert.Equal((ChannelFundsState.Failed, "ACQ.TRADE_STATUS_ERROR"), (result.State, result.ErrorCode));
        Assert.Empty(RecordsOf(RecordKind.Refunded));
    }

    [Fact]
    public async Task RefundOfUnknownTrade_FailedWithTradeNotExist()
    {
        var result = await RefundAsync(RefundId, Paid);

        Assert.Equal((ChannelFundsState.Failed, "ACQ.TRADE_NOT_EXIST"), (result.State, result.ErrorCode));
        Assert.Empty(RecordsOf(RecordKind.Refunded));
    }

    [Fact]
    public async Task DefinitiveRefusalFromChannel_ConfirmedByQueryThenFailed()
    {
        await PaidTradeAsync();
        _h.Simulator.SetBehaviour(OrderId, new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("40004", "卖家余额不足", SubCode: "ACQ.SELLER_BALANCE_NOT_ENOUGH"),
            Operations = [SimulatorOperation.Refund],
        });

        var result = await RefundAsync(RefundId, Paid);

        Assert.Equal((ChannelFundsState.Failed, "ACQ.SELLER_BALANCE_NOT_ENOUGH", "卖家余额不足"), (result.State, result.ErrorCode, result.ErrorMessage));
        Assert.Single(RecordsOf(RecordKind.RefundQuery));
        Assert.Empty(RecordsOf(RecordKind.Refunded));
    }

    [Theory]
    [InlineData("40004", "ACQ.SYSTEM_ERROR")]
    [InlineData("20000", "isp.unknow-error")]
    [InlineData("40004", "ACQ.DISCORDANT_REPEAT_REQUEST")]
    public async Task SystemErrorOrUnlistedRefusal_Unknown(string code, string subCode)
    {
        await PaidTradeAsync();
        _h.Simulator.SetBehaviour(OrderId, new SimulatorBehaviour { Fail = new SimulatorFailure(code, "系统繁忙", SubCode: subCode), Operations = [SimulatorOperation.Refund] });

        var result = await RefundAsync(RefundId, Paid);

        Assert.Equal((ChannelFundsState.Unknown, subCode), (result.State, result.ErrorCode));
        Assert.Empty(RecordsOf(RecordKind.Refunded));
    }

    [Fact]
    public async Task RefundInAnotherCurrency_FailedWithoutCallingAlipay()
    {
        await PaidTradeAsync();

        var result = await _h.Channel.RefundAsync(_h.Account, Refund(RefundId, Paid, currency: "USD"), default);

        Assert.Equal((ChannelFundsState.Failed, "CURRENCY_NOT_SUPPORTED"), (result.State, result.ErrorCode));
        Assert.Empty(RecordsOf(RecordKind.RefundRequest));
    }

    // ---- queries and unverifiable answers

    [Fact]
    public async Task QueryOfRefundNeverSent_NotFound()
    {
        await PaidTradeAsync();

        var query = await QueryRefundAsync(RefundId, Paid);

        Assert.Equal(ChannelFundsState.NotFound, query.State);
        Assert.Single(RecordsOf(RecordKind.RefundQuery));
    }

    [Fact]
    public async Task QueryOfRefundOfUnknownTrade_NotFound()
    {
        var query = await QueryRefundAsync(RefundId, Paid);

        Assert.Equal((ChannelFundsState.NotFound, "ACQ.TRADE_NOT_EXIST"), (query.State, query.ErrorCode));
    }

    [Fact]
    public async Task BadResponseSignature_UnknownThoughTheMoneyMoved()
    {
        await PaidTradeAsync();
        _h.Simulator.SetBehaviour(OrderId, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Refund, SimulatorOperation.RefundQuery], Times = 2 });

        var result = await RefundAsync(RefundId, Paid);
        var unverifiedQuery = await QueryRefundAsync(RefundId, Paid);
        var query = await QueryRefundAsync(RefundId, Paid);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
        Assert.Equal(ChannelFundsState.Unknown, unverifiedQuery.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Single(RecordsOf(RecordKind.Refunded));
    }

    // ---- wire format

    [Fact]
    public async Task RefundAndQuery_SendExactBizContentWithYuanAmounts()
    {
        await PaidTradeAsync();
        using var wire = new AlipayWireRecorder();

        var refund = await wire.Channel.RefundAsync(_h.Account, Refund(RefundId, 1205, reason: "damaged"), default);
        var query = await wire.Channel.QueryRefundAsync(_h.Account, Query(RefundId, 1205), default);

        Assert.Equal(ChannelFundsState.Succeeded, refund.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Equal(
            $$"""{"out_trade_no":"{{OrderId}}","refund_amount":"12.05","out_request_no":"{{RefundId}}","refund_reason":"damaged"}""",
            wire.BizContentOf("alipay.trade.refund"));
        Assert.Equal(
            $$"""{"out_trade_no":"{{OrderId}}","out_request_no":"{{RefundId}}","query_options":["gmt_refund_pay"]}""",
            wire.BizContentOf("alipay.trade.fastpay.refund.query"));
        Assert.Equal(1205, Assert.Single(RecordsOf(RecordKind.Refunded)).Amount);
    }
}
