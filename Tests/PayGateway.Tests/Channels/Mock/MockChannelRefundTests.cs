using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using Xunit;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>Refunds through the real MockChannel against the in-process simulator.</summary>
public sealed class MockChannelRefundTests : IAsyncLifetime
{
    private MockChannelHarness _h = null!;

    public async Task InitializeAsync() => _h = await MockChannelHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    // The gateway's order id shape: 24 alphanumeric characters.
    private static string Order(int n) => $"20261126125300123AA01{n:D3}";

    private IReadOnlyList<SimulatorRecord> Refunded(string orderId) =>
        [.. _h.Simulator.Records.Where(r => r.Kind == RecordKind.Refunded && r.OutTradeNo == orderId)];

    [Fact]
    public async Task RefundOfPaidOrder_SucceedsSynchronously()
    {
        var order = await _h.PaidOrderAsync(Order(1));
        var request = MockChannelHarness.Refund(order, 1, 1234);

        var result = await _h.Channel.RefundAsync(_h.Account, request, default);

        Assert.Equal(ChannelFundsState.Succeeded, result.State);
        Assert.False(string.IsNullOrEmpty(result.ChannelRefundNo));
        Assert.Equal((1234L, "CNY"), (result.Amount, result.Currency));
        Assert.NotNull(result.SucceededAt);
        var record = Assert.Single(Refunded(order));
        Assert.Equal((request.RefundId, 1234L), (record.TradeNo, record.Amount));
    }

    [Fact]
    public async Task PartialRefundsRepeated_MoveMoneyOncePerRefundId()
    {
        var order = await _h.PaidOrderAsync(Order(2));
        var first = MockChannelHarness.Refund(order, 1, 400);
        var second = MockChannelHarness.Refund(order, 2, 800);

        var a = await _h.Channel.RefundAsync(_h.Account, first, default);
        var again = await _h.Channel.RefundAsync(_h.Account, first, default);
        var b = await _h.Channel.RefundAsync(_h.Account, second, default);
        var bAgain = await _h.Channel.RefundAsync(_h.Account, second, default);

        Assert.All([a, again, b, bAgain], r => Assert.Equal(ChannelFundsState.Succeeded, r.State));
        Assert.Equal(a.ChannelRefundNo, again.ChannelRefundNo);
        Assert.Equal(b.ChannelRefundNo, bAgain.ChannelRefundNo);
        Assert.NotEqual(a.ChannelRefundNo, b.ChannelRefundNo);
        Assert.Equal([400L, 800L], Refunded(order).Select(r => r.Amount!.Value));
    }

    [Fact]
    public async Task RefundBeyondPaidAmount_IsFailedWithRefundExceedsPaid()
    {
        var order = await _h.PaidOrderAsync(Order(3));
        await _h.Channel.RefundAsync(_h.Account, MockChannelHarness.Refund(order, 1, 1000), default);

        var result = await _h.Channel.RefundAsync(_h.Account, MockChannelHarness.Refund(order, 2, 235), default);

        Assert.Equal(ChannelFundsState.Failed, result.State);
        Assert.Equal("REFUND_EXCEEDS_PAID", result.ErrorCode);
        Assert.Equal(1000L, Refunded(order).Sum(r => r.Amount));
    }

    [Fact]
    public async Task RefundOfUnpaidOrder_IsFailedWithTradeNotPaid()
    {
        var order = Order(4);
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request(order), default);

        var result = await _h.Channel.RefundAsync(_h.Account, MockChannelHarness.Refund(order, 1, 100), default);

        Assert.Equal(ChannelFundsState.Failed, result.State);
        Assert.Equal("TRADE_NOT_PAID", result.ErrorCode);
        Assert.Empty(Refunded(order));
    }

    [Fact]
    public async Task RefundOfUnknownOrder_IsFailedWithTradeNotFound()
    {
        var result = await _h.Channel.RefundAsync(_h.Account, MockChannelHarness.Refund(Order(5), 1, 100), default);

        Assert.Equal(ChannelFundsState.Failed, result.State);
        Assert.Equal("TRADE_NOT_FOUND", result.ErrorCode);
    }

    [Fact]
    public async Task RefundIdReusedWithOtherAmount_IsUnknownNotFailed()
    {
        var order = await _h.PaidOrderAsync(Order(6));
        await _h.Channel.RefundAsync(_h.Account, MockChannelHarness.Refund(order, 1, 100), default);

        // The number already refunded money, so the conflict must not read as "nothing moved".
        var result = await _h.Channel.RefundAsync(_h.Account, MockChannelHarness.Refund(order, 1, 200), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
        Assert.Equal("OUT_REFUND_NO_CONFLICT", result.ErrorCode);
        Assert.Equal(100L, Assert.Single(Refunded(order)).Amount);
    }

    [Fact]
    public async Task AsyncRefund_IsPendingThenQuerySucceededAndCallbackParsedAsRefund()
    {
        var order = await _h.PaidOrderAsync(Order(7));
        var request = MockChannelHarness.Refund(order, 1, 500);
        _h.Simulator.SetBehaviour(order, new SimulatorBehaviour { AsyncRefund = true, AsyncRefundDelayMs = 100, Operations = [SimulatorOperation.Refund] });

        var result = await _h.Channel.RefundAsync(_h.Account, request, default);
        // The barcode payment sent its own callback first.
        var callback = (await _h.Callbacks.WaitForAsync(2)).Single(r => r.Result.Refund is not null).Result.Refund;
        var query = await _h.Channel.QueryRefundAsync(_h.Account, MockChannelHarness.QueryFor(request), default);
        var ack = await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == request.RefundId, TimeSpan.FromSeconds(5));

        Assert.Equal(ChannelFundsState.Pending, result.State);
        Assert.NotNull(callback);
        Assert.Equal((request.RefundId, order, ChannelFundsState.Succeeded), (callback.RefundId, callback.OrderId, callback.State));
        Assert.Equal((result.ChannelRefundNo, 500L, "CNY", MockChannelHarness.MerchantId), (callback.ChannelRefundNo, callback.Amount, callback.Currency, callback.ChannelMerchantId));
        Assert.NotNull(callback.SucceededAt);
        Assert.False(string.IsNullOrEmpty(callback.ChannelEventId));
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Equal("ACK", ack.Result);
        Assert.Single(Refunded(order));
    }

    [Fact]
    public async Task PaymentCallback_StillParsesAsPaymentNextToRefunds()
    {
        var order = Order(8);
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request(order), default);
        _h.Simulator.Pay(order);

        var received = (await _h.Callbacks.WaitForAsync(1)).Single().Result;

        Assert.NotNull(received.Callback);
        Assert.Null(received.Refund);
    }

    [Fact]
    public async Task TimeoutAfterRefund_IsUnknownThenQuerySucceededAndRetryMovesNoMoreMoney()
    {
        var order = await _h.PaidOrderAsync(Order(9));
        var request = MockChannelHarness.Refund(order, 1, 600);
        _h.Simulator.SetBehaviour(order, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Refund], Times = 1 });

        var lost = await _h.Channel.RefundAsync(_h.Account, request, default);
        var query = await _h.Channel.QueryRefundAsync(_h.Account, MockChannelHarness.QueryFor(request), default);
        var retried = await _h.Channel.RefundAsync(_h.Account, request, default);

        Assert.Equal(ChannelFundsState.Unknown, lost.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Equal(600L, query.Amount);
        Assert.Equal(ChannelFundsState.Succeeded, retried.State);
        Assert.Equal(query.ChannelRefundNo, retried.ChannelRefundNo);
        Assert.Single(Refunded(order));
    }

    [Fact]
    public async Task QueryOfUnknownRefund_IsNotFound()
    {
        var order = await _h.PaidOrderAsync(Order(10));

        var query = await _h.Channel.QueryRefundAsync(_h.Account, MockChannelHarness.QueryFor(MockChannelHarness.Refund(order, 1, 100)), default);

        Assert.Equal(ChannelFundsState.NotFound, query.State);
        Assert.Equal("REFUND_NOT_FOUND", query.ErrorCode);
    }

    [Fact]
    public async Task QueryAboutAnotherAmount_IsUnknown()
    {
        var order = await _h.PaidOrderAsync(Order(11));
        var request = MockChannelHarness.Refund(order, 1, 100);
        await _h.Channel.RefundAsync(_h.Account, request, default);

        var query = await _h.Channel.QueryRefundAsync(_h.Account, MockChannelHarness.QueryFor(request) with { RefundAmount = 101 }, default);

        Assert.Equal(ChannelFundsState.Unknown, query.State);
    }

    [Fact]
    public async Task BadSignatureOnRefundAndQuery_IsUnknown()
    {
        var order = await _h.PaidOrderAsync(Order(12));
        var request = MockChannelHarness.Refund(order, 1, 300);
        _h.Simulator.SetBehaviour(order, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Refund, SimulatorOperation.RefundQuery] });

        var refund = await _h.Channel.RefundAsync(_h.Account, request, default);
        var query = await _h.Channel.QueryRefundAsync(_h.Account, MockChannelHarness.QueryFor(request), default);
        _h.Simulator.ClearBehaviours();
        var honest = await _h.Channel.QueryRefundAsync(_h.Account, MockChannelHarness.QueryFor(request), default);

        Assert.Equal((ChannelFundsState.Unknown, "CHANNEL_UNKNOWN"), (refund.State, refund.ErrorCode));
        Assert.Equal(ChannelFundsState.Unknown, query.State);
        Assert.Equal(ChannelFundsState.Succeeded, honest.State); // the badly signed answer hid a refund that happened
    }

    [Fact]
    public async Task FailOnRefund_IsFailedWithCodeAndMovesNothing()
    {
        var order = await _h.PaidOrderAsync(Order(13));
        _h.Simulator.SetBehaviour(order, new SimulatorBehaviour { Fail = new SimulatorFailure("INSUFFICIENT_BALANCE", "No money"), Operations = [SimulatorOperation.Refund] });

        var result = await _h.Channel.RefundAsync(_h.Account, MockChannelHarness.Refund(order, 1, 100), default);

        Assert.Equal((ChannelFundsState.Failed, "INSUFFICIENT_BALANCE", "No money"), (result.State, result.ErrorCode, result.ErrorMessage));
        Assert.Empty(Refunded(order));
    }

    [Fact]
    public async Task FailOnRefundQuery_IsUnknownWithCode()
    {
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_BUSY"), Operations = [SimulatorOperation.RefundQuery] });

        var query = await _h.Channel.QueryRefundAsync(_h.Account, MockChannelHarness.QueryFor(MockChannelHarness.Refund(Order(14), 1, 100)), default);

        Assert.Equal((ChannelFundsState.Unknown, "SYSTEM_BUSY"), (query.State, query.ErrorCode));
    }
}
