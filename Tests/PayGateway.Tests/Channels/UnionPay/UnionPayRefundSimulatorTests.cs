using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.Channels;
using PayGateway.Channels.UnionPay;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>
/// The real UnionPay adapter's refunds (backTransReq.do txnType 04, queryTrans by the refund's orderId + txnTime, the
/// refund's backUrl notification) against the simulator over real HTTP.
/// </summary>
public sealed class UnionPayRefundSimulatorTests : IAsyncLifetime
{
    private UnionPaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await UnionPaySimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>A paid APP consume; returns its order id and queryId (the channel trade number a refund names).</summary>
    private async Task<(string OrderId, string QueryId)> PaidAsync(long amount = 1234)
    {
        var orderId = _h.NewOrderId();
        Assert.Equal(ChannelOutcome.Accepted, (await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request(orderId, PayMethod.APP, amount), default)).Outcome);
        Assert.Equal(PayOutcome.Paid, _h.Simulator.Pay(orderId).Outcome);
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, orderId, default);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        await _h.Notifies.WaitForAsync(1);
        return (orderId, query.ChannelTradeNo!);
    }

    /// <summary>The gateway's refund id shape and a stored request time with whole milliseconds, as the order grain has it.</summary>
    private ChannelRefundRequest Refund(string orderId, string? queryId, long amount, int number = 1) =>
        new(RefundId.For(orderId, number), orderId, queryId, amount, 1234, "CNY", "退货", _h.Time.GetUtcNow().AddSeconds(-number));

    private static ChannelRefundQuery QueryOf(ChannelRefundRequest refund) =>
        new(refund.RefundId, refund.OrderId, refund.ChannelTradeNo, refund.RefundAmount, refund.Currency, refund.RequestedAt);

    [Fact]
    public async Task PaidConsume_RefundAcceptedAsPending_NotifiedAndQueriedSucceeded()
    {
        var (orderId, queryId) = await PaidAsync();
        var refund = Refund(orderId, queryId, 600);

        var accepted = await _h.Channel.RefundAsync(_h.Account, refund, default);
        var notified = (await _h.Notifies.WaitForAsync(2))[1].Result;
        var queried = await _h.Channel.QueryRefundAsync(_h.Account, QueryOf(refund), default);

        Assert.Equal(ChannelFundsState.Pending, accepted.State);
        Assert.NotNull(accepted.ChannelRefundNo);
        var callback = notified.Refund!;
        Assert.Equal((refund.RefundId, orderId, ChannelFundsState.Succeeded, accepted.ChannelRefundNo, 600L, "CNY", UnionPaySimulatorHarness.MerId),
            (callback.RefundId, callback.OrderId, callback.State, callback.ChannelRefundNo, callback.Amount, callback.Currency, callback.ChannelMerchantId));
        Assert.Equal((ChannelFundsState.Succeeded, accepted.ChannelRefundNo, 600L, "CNY"), (queried.State, queried.ChannelRefundNo, queried.Amount, queried.Currency));
    }

    [Fact]
    public async Task RefundSentAgain_DuplicateIsUnknown_QueryWithTheStoredTimeStillFindsIt()
    {
        var (orderId, queryId) = await PaidAsync();
        var refund = Refund(orderId, queryId, 600);
        await _h.Channel.RefundAsync(_h.Account, refund, default);

        var again = await _h.Channel.RefundAsync(_h.Account, refund, default);
        var queried = await _h.Channel.QueryRefundAsync(_h.Account, QueryOf(refund), default);

        Assert.Equal((ChannelFundsState.Unknown, "12"), (again.State, again.ErrorCode));
        Assert.Equal(ChannelFundsState.Succeeded, queried.State);
        Assert.Equal(1, _h.Simulator.Records.Count(r => r.Kind == RecordKind.RefundRequest && r.Result == "ACCEPTED"));
    }

    [Fact]
    public async Task QueryWithAnotherTxnTime_NotFound()
    {
        var (orderId, queryId) = await PaidAsync();
        var refund = Refund(orderId, queryId, 600);
        await _h.Channel.RefundAsync(_h.Account, refund, default);

        var queried = await _h.Channel.QueryRefundAsync(_h.Account, QueryOf(refund) with { RequestedAt = refund.RequestedAt.AddSeconds(1) }, default);

        Assert.Equal(ChannelFundsState.NotFound, queried.State);
    }

    [Fact]
    public async Task RefundNeverSent_QueryNotFound()
    {
        var (orderId, queryId) = await PaidAsync();

        var queried = await _h.Channel.QueryRefundAsync(_h.Account, QueryOf(Refund(orderId, queryId, 600)), default);

        Assert.Equal((ChannelFundsState.NotFound, UnionPayRespCodes.NotFound), (queried.State, queried.ErrorCode));
    }

    [Fact]
    public async Task MoreThanPaid_Failed()
    {
        var (orderId, queryId) = await PaidAsync(1000);
        await _h.Channel.RefundAsync(_h.Account, Refund(orderId, queryId, 700), default);

        var second = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, queryId, 301, number: 2), default);

        Assert.Equal((ChannelFundsState.Failed, "36"), (second.State, second.ErrorCode));
    }

    [Fact]
    public async Task NoChannelTradeNo_FailedWithoutSending()
    {
        var (orderId, _) = await PaidAsync();

        var result = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, null, 600), default);

        Assert.Equal((ChannelFundsState.Failed, "CHANNEL_TRADE_NO_REQUIRED"), (result.State, result.ErrorCode));
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == RecordKind.RefundRequest);
    }

    [Theory]
    [InlineData("03", ChannelFundsState.Unknown)]
    [InlineData("05", ChannelFundsState.Unknown)]
    [InlineData("61", ChannelFundsState.Failed)]
    public async Task ConfiguredRespCode_MappedAcceptedIsNotSucceeded(string respCode, ChannelFundsState expected)
    {
        var (orderId, queryId) = await PaidAsync();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { Fail = new SimulatorFailure(respCode, "模拟"), Operations = [SimulatorOperation.Refund] });

        var result = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, queryId, 600), default);

        Assert.Equal((expected, respCode), (result.State, result.ErrorCode));
    }

    [Fact]
    public async Task AnswerSignedWithWrongKey_Unknown()
    {
        var (orderId, queryId) = await PaidAsync();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Refund] });

        var result = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, queryId, 600), default);

        Assert.Equal((ChannelFundsState.Unknown, "CHANNEL_UNKNOWN"), (result.State, result.ErrorCode));
    }

    [Fact]
    public async Task SimulatorNeverAnswers_Unknown()
    {
        var (orderId, queryId) = await PaidAsync();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { DelayMs = 3000, Operations = [SimulatorOperation.Refund] });

        var result = await _h.ImpatientChannel.RefundAsync(_h.Account, Refund(orderId, queryId, 600), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
    }

    [Fact]
    public async Task RefundedConsume_StatementHasTheRefundLine()
    {
        var (orderId, queryId) = await PaidAsync();
        var refund = Refund(orderId, queryId, 600);
        var accepted = await _h.Channel.RefundAsync(_h.Account, refund, default);
        var day = DateOnly.FromDateTime(_h.Time.GetUtcNow().ToOffset(_h.Channel.StatementDayOffset).DateTime);

        var statement = await _h.Channel.DownloadStatementAsync(_h.Account, day, default);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        var line = Assert.Single(statement.Lines, l => l.Kind == StatementLineKind.Refund);
        Assert.Equal((orderId, refund.RefundId, queryId, accepted.ChannelRefundNo, 600L, "CNY"),
            (line.OrderId, line.RefundId, line.ChannelTradeNo, line.ChannelRefundNo, line.Amount, line.Currency));
        Assert.Equal(orderId, Assert.Single(statement.Lines, l => l.Kind == StatementLineKind.Payment).OrderId);
    }
}
