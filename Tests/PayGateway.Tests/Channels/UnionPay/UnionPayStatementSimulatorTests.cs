using Microsoft.Extensions.Time.Testing;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using PayGateway.Channels.UnionPay;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>
/// The real UnionPay adapter's statement download (signed file transfer, verified answer, base64 → zlib → zip → ZM
/// records) against the simulator, which builds the file from the consumes it was paid for. The clock stands at
/// 22:30 Beijing time on 2026-11-26, half an hour before the clearing day ends.
/// </summary>
public sealed class UnionPayStatementSimulatorTests : IAsyncLifetime
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly DateOnly Day = new(2026, 11, 26);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 22, 30, 0, Beijing));
    private UnionPaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await UnionPaySimulatorHarness.StartAsync(_time);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<ChannelStatement> StatementAsync(DateOnly day) => _h.Channel.DownloadStatementAsync(_h.Account, day, default);

    private async Task<string> PaidAsync(long amount)
    {
        var orderId = _h.NewOrderId();
        var created = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request(orderId, PayMethod.APP, amount), default);
        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal(PayGateway.ChannelSimulator.State.PayOutcome.Paid, _h.Simulator.Pay(orderId).Outcome);
        return orderId;
    }

    private static DateTimeOffset Seconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % TimeSpan.TicksPerSecond)).ToOffset(Beijing);

    [Fact]
    public async Task PaidConsumes_AppearOnTheClearingDaysStatement()
    {
        var first = await PaidAsync(1234);
        var second = await PaidAsync(500);
        var unpaid = _h.NewOrderId();
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request(unpaid, PayMethod.APP), default);

        var statement = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        var trade = _h.Simulator.FindTrade(first)!;
        Assert.Equal(
        [
            // 0.6 % fee, half up: 7.404 → 7 fen; 3.0 → 3 fen.
            new StatementLine(StatementLineKind.Payment, first, null, trade.TradeNo, null, 1234, "CNY", "D000000000007", Seconds(trade.PaidAt!.Value), null),
            new StatementLine(StatementLineKind.Payment, second, null, _h.Simulator.FindTrade(second)!.TradeNo, null, 500, "CNY", "D000000000003",
                Seconds(_h.Simulator.FindTrade(second)!.PaidAt!.Value), null),
        ], statement.Lines);
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.StatementRequest && r.Result == "READY");
    }

    [Fact]
    public async Task PaymentAfter23Beijing_OnTheNextClearingDay_AsTheStatementDayOffsetSays()
    {
        var before = await PaidAsync(1000);
        _time.Advance(TimeSpan.FromHours(1));
        var after = await PaidAsync(2000);

        var day = await StatementAsync(Day);
        var next = await StatementAsync(Day.AddDays(1));

        Assert.Equal([before], day.Lines.Select(l => l.OrderId));
        Assert.Equal([after], next.Lines.Select(l => l.OrderId));
        // The gateway looks for its own payments of day D in [D 00:00, D+1 00:00) at this offset.
        var from = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), _h.Channel.StatementDayOffset);
        Assert.InRange(_h.Simulator.FindTrade(before)!.PaidAt!.Value, from, from.AddDays(1));
        Assert.InRange(_h.Simulator.FindTrade(after)!.PaidAt!.Value, from.AddDays(1), from.AddDays(2));
    }

    [Fact]
    public async Task PaidJustBeforeTheDayCut_NotificationAndNextMorningsQuery_DateItAsItsStatementLineDoes()
    {
        var paidAt = new DateTimeOffset(2026, 11, 26, 22, 59, 30, Beijing);
        _time.SetUtcNow(paidAt);
        var orderId = await PaidAsync(1234);
        var notified = (await _h.Notifies.WaitForAsync(1)).Single().Result.Callback!;
        // Healed by reconciliation (or a late supervision query) the next morning, in the next statement day.
        _time.Advance(TimeSpan.FromHours(11));
        var queried = await _h.Channel.QueryPaymentAsync(_h.Account, orderId, default);
        var line = Assert.Single((await StatementAsync(Day)).Lines);

        Assert.Equal((orderId, paidAt), (line.OrderId, line.OccurredAt));
        Assert.Equal((ChannelTradeState.Succeeded, paidAt), (notified.State, notified.PaidAt));
        Assert.Equal((ChannelTradeState.Succeeded, paidAt), (queried.State, queried.PaidAt));
    }

    [Fact]
    public async Task RefundedJustBeforeTheDayCut_NotificationAndNextMorningsQuery_DateItAsItsStatementLineDoes()
    {
        var orderId = await PaidAsync(1234);
        var queryId = (await _h.Channel.QueryPaymentAsync(_h.Account, orderId, default)).ChannelTradeNo;
        var refundedAt = new DateTimeOffset(2026, 11, 26, 22, 59, 45, Beijing);
        _time.SetUtcNow(refundedAt);
        var refund = new ChannelRefundRequest(RefundId.For(orderId, 1), orderId, queryId, 600, 1234, "CNY", "退货", refundedAt);
        Assert.Equal(ChannelFundsState.Pending, (await _h.Channel.RefundAsync(_h.Account, refund, default)).State);
        var notified = (await _h.Notifies.WaitForAsync(2))[1].Result.Refund!;
        _time.Advance(TimeSpan.FromHours(11));
        var queried = await _h.Channel.QueryRefundAsync(_h.Account,
            new ChannelRefundQuery(refund.RefundId, orderId, queryId, 600, "CNY", refund.RequestedAt), default);
        var line = Assert.Single((await StatementAsync(Day)).Lines, l => l.Kind == StatementLineKind.Refund);

        Assert.Equal((refund.RefundId, refundedAt), (line.RefundId, line.OccurredAt));
        Assert.Equal((ChannelFundsState.Succeeded, refundedAt), (notified.State, notified.SucceededAt));
        Assert.Equal((ChannelFundsState.Succeeded, refundedAt), (queried.State, queried.SucceededAt));
    }

    [Fact]
    public async Task NoBusiness_ReadyAndEmpty()
    {
        var statement = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public async Task DayNotBegun_NotReadyWithRespCode98()
    {
        var statement = await StatementAsync(Day.AddDays(2));

        Assert.Equal((StatementAvailability.NotReady, UnionPayChannel.FileNotFound), (statement.Availability, statement.ErrorCode));
    }

    [Fact]
    public async Task DriftedLines_ShowWhatTheChannelSays()
    {
        var drifted = await PaidAsync(3100);
        var missing = await PaidAsync(3200);
        _h.Simulator.SetBillAmount(drifted, 3000);
        _h.Simulator.SetBillAmount(missing, 0);

        var statement = await StatementAsync(Day);

        Assert.Equal((drifted, 3000L), (Assert.Single(statement.Lines).OrderId, statement.Lines[0].Amount));
    }

    [Theory]
    [InlineData("03")]
    [InlineData("10")]
    public async Task RefusedOrBusy_Unknown(string respCode)
    {
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure(respCode, "模拟"), Operations = [SimulatorOperation.Statement] });

        var statement = await StatementAsync(Day);

        Assert.Equal((StatementAvailability.Unknown, respCode), (statement.Availability, statement.ErrorCode));
    }

    [Fact]
    public async Task AnswerSignedWithWrongKey_Unknown()
    {
        await PaidAsync(1234);
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Statement] });

        var statement = await StatementAsync(Day);

        Assert.Equal((StatementAvailability.Unknown, "CHANNEL_UNKNOWN"), (statement.Availability, statement.ErrorCode));
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public async Task SimulatorNeverAnswers_Unknown()
    {
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = 3000, Operations = [SimulatorOperation.Statement] });

        var statement = await _h.ImpatientChannel.DownloadStatementAsync(_h.Account, Day, default);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }

    [Fact]
    public void ValidateAccount_FileTransferUrlNotAnHttpUrl_Refused()
    {
        var account = _h.Account with { Settings = new Dictionary<string, string>(_h.Account.Settings) { ["file_transfer_url"] = "ftp://files.example/" } };

        Assert.Throws<ChannelConfigurationException>(() => _h.Channel.ValidateAccount(account));
    }

    [Fact]
    public async Task NoFileTransferUrlAndNotUnionPaysHost_ConfigurationError()
    {
        var settings = new Dictionary<string, string>(_h.Account.Settings);
        settings.Remove("file_transfer_url");

        await Assert.ThrowsAsync<ChannelConfigurationException>(() => _h.Channel.DownloadStatementAsync(_h.Account with { Settings = settings }, Day, default));
    }
}
