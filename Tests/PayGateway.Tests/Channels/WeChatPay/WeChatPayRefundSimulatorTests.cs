using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.WeChatPay;
using PayGateway.Channels;
using Xunit;
using static PayGateway.Tests.Channels.WeChatPay.WeChatPaySimulatorHarness;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>The real WeChat Pay adapter's refunds and refund notifications against the simulator, over real HTTP.</summary>
public sealed class WeChatPayRefundSimulatorTests : IAsyncLifetime
{
    private WeChatPaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Refund_Accepted_IsPendingThenQuerySucceeded()
    {
        const string orderId = "wxrefund0000000000000001";
        await _h.PaidOrderAsync(orderId);
        var refund = Refund(orderId, 1000);

        var accepted = await _h.Channel.RefundAsync(_h.Account, refund, default);
        var succeeded = await EventuallyAsync(() => _h.Channel.QueryRefundAsync(_h.Account, QueryOf(refund), default), r => r.State == ChannelFundsState.Succeeded);

        var atSimulator = _h.Simulator.WeChatPay.FindRefund(MchId, refund.RefundId)!;
        Assert.Equal(ChannelFundsState.Pending, accepted.State);
        Assert.Equal(atSimulator.RefundId, accepted.ChannelRefundNo);
        Assert.Equal((1000L, "CNY"), (accepted.Amount, accepted.Currency));
        Assert.Null(accepted.SucceededAt);
        Assert.Equal(ChannelFundsState.Succeeded, succeeded.State);
        Assert.Equal(atSimulator.RefundId, succeeded.ChannelRefundNo);
        Assert.Equal(1000, succeeded.Amount);
        Assert.Equal(atSimulator.SuccessTime!.Value.ToUnixTimeSeconds(), succeeded.SucceededAt!.Value.ToUnixTimeSeconds());
        // What the adapter sent, as the simulator read it.
        Assert.Equal((orderId, _h.Simulator.FindTrade(orderId)!.TradeNo), (atSimulator.OutTradeNo, atSimulator.TransactionId));
        Assert.Equal((1000L, 1234L), (atSimulator.Refund, atSimulator.Total));
        Assert.Equal("商品已售完", atSimulator.Reason);
        Assert.Equal(_h.Account.NotifyUrl, atSimulator.NotifyUrl);
        var refunded = Assert.Single(_h.Simulator.Records, r => r.Kind == RecordKind.Refunded);
        Assert.Equal((MchId, orderId, refund.RefundId, 1000L), (refunded.MerchantId, refunded.OutTradeNo, refunded.TradeNo, refunded.Amount));
    }

    [Fact]
    public async Task RepeatedRefund_SameRefundId_MovesMoneyOnce()
    {
        const string orderId = "wxrefund0000000000000002";
        await _h.PaidOrderAsync(orderId);
        var refund = Refund(orderId, 1234);

        var first = await _h.Channel.RefundAsync(_h.Account, refund, default);
        var second = await _h.Channel.RefundAsync(_h.Account, refund, default);
        await EventuallyAsync(() => _h.Channel.QueryRefundAsync(_h.Account, QueryOf(refund), default), r => r.State == ChannelFundsState.Succeeded);
        var afterEnd = await _h.Channel.RefundAsync(_h.Account, refund, default);
        // Long enough for a second, wrongly scheduled refund to have ended too.
        await Task.Delay(FundsProcessingTime * 3);

        Assert.Equal(ChannelFundsState.Pending, first.State);
        Assert.Contains(second.State, new[] { ChannelFundsState.Pending, ChannelFundsState.Succeeded });
        Assert.Equal(first.ChannelRefundNo, second.ChannelRefundNo);
        Assert.Equal(ChannelFundsState.Succeeded, afterEnd.State);
        Assert.Equal(first.ChannelRefundNo, afterEnd.ChannelRefundNo);
        Assert.Equal(3, _h.Simulator.RecordsFor(orderId).Count(r => r.Kind == RecordKind.RefundRequest && r.ResponseStatus == 200));
        Assert.Equal(1234, Assert.Single(_h.Simulator.RecordsFor(orderId), r => r.Kind == RecordKind.Refunded).Amount);
    }

    [Fact]
    public async Task OverRefund_IsFailed_AndMovesNothing()
    {
        const string orderId = "wxrefund0000000000000003";
        await _h.PaidOrderAsync(orderId);
        await _h.Channel.RefundAsync(_h.Account, Refund(orderId, 1000, sequence: 1), default);

        var over = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, 235, sequence: 2), default);
        var rest = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, 234, sequence: 3), default);
        await EventuallyAsync(() => _h.Channel.QueryRefundAsync(_h.Account, QueryOf(Refund(orderId, 234, sequence: 3)), default), r => r.State == ChannelFundsState.Succeeded);
        await EventuallyAsync(() => _h.Channel.QueryRefundAsync(_h.Account, QueryOf(Refund(orderId, 1000, sequence: 1)), default), r => r.State == ChannelFundsState.Succeeded);

        Assert.Equal(ChannelFundsState.Failed, over.State);
        Assert.Equal("INVALID_REQUEST", over.ErrorCode);
        Assert.Equal(ChannelFundsState.Pending, rest.State);
        Assert.Null(_h.Simulator.WeChatPay.FindRefund(MchId, $"{orderId}R002"));
        // INVALID_REQUEST can also mean "this refund number exists with other content": the adapter looked first.
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.RefundQuery && r.TradeNo == $"{orderId}R002" && r.ResponseStatus == 404);
        Assert.Equal([1000L, 234L], _h.Simulator.RecordsFor(orderId).Where(r => r.Kind == RecordKind.Refunded).Select(r => r.Amount!.Value).Order().Reverse());
    }

    [Fact]
    public async Task RefundOfUnpaidOrder_IsFailedResourceNotExists()
    {
        const string orderId = "wxrefund0000000000000004";
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request(orderId), default);

        var refund = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, 100), default);
        var unknownOrder = await _h.Channel.RefundAsync(_h.Account, Refund("wxrefundneverpaid0000000", 100), default);

        Assert.Equal((ChannelFundsState.Failed, "RESOURCE_NOT_EXISTS"), (refund.State, refund.ErrorCode));
        Assert.Equal((ChannelFundsState.Failed, "RESOURCE_NOT_EXISTS"), (unknownOrder.State, unknownOrder.ErrorCode));
        Assert.Null(_h.Simulator.WeChatPay.FindRefund(MchId, $"{orderId}R001"));
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == RecordKind.Refunded);
    }

    [Fact]
    public async Task RefundTimeout_IsUnknown_ThenQuerySucceededWithOneRefund()
    {
        const string orderId = "wxrefund0000000000000005";
        await _h.PaidOrderAsync(orderId);
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Refund] });
        var refund = Refund(orderId, 500);

        var lost = await _h.Channel.RefundAsync(_h.Account, refund, default);
        var query = await EventuallyAsync(() => _h.Channel.QueryRefundAsync(_h.Account, QueryOf(refund), default), r => r.State == ChannelFundsState.Succeeded);

        Assert.Equal(ChannelFundsState.Unknown, lost.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Contains(_h.Simulator.RecordsFor(orderId), r => r.Kind == RecordKind.RefundRequest && r.ResponseStatus == 0);
        Assert.Single(_h.Simulator.RecordsFor(orderId), r => r.Kind == RecordKind.Refunded);
    }

    [Fact]
    public async Task QueryOfRefundNeverSent_IsNotFound()
    {
        const string orderId = "wxrefund0000000000000006";
        await _h.PaidOrderAsync(orderId);

        var query = await _h.Channel.QueryRefundAsync(_h.Account, QueryOf(Refund(orderId, 100)), default);

        Assert.Equal((ChannelFundsState.NotFound, "RESOURCE_NOT_EXISTS"), (query.State, query.ErrorCode));
    }

    [Theory]
    [InlineData("bad_signature")]
    [InlineData("wrong_serial")]
    [InlineData("stale_timestamp")]
    public async Task UnverifiableRefundAnswers_AreUnknown(string fault)
    {
        const string orderId = "wxrefund0000000000000007";
        await _h.PaidOrderAsync(orderId);
        _h.Simulator.SetBehaviour(orderId, Fault(fault) with { Operations = [SimulatorOperation.Refund, SimulatorOperation.RefundQuery] });
        var refund = Refund(orderId, 700);

        var requested = await _h.Channel.RefundAsync(_h.Account, refund, default);
        var queried = await _h.Channel.QueryRefundAsync(_h.Account, QueryOf(refund), default);

        Assert.Equal(ChannelFundsState.Unknown, requested.State);
        Assert.Equal(ChannelFundsState.Unknown, queried.State);
        // Only the answers were spoilt: the refund itself was taken.
        Assert.NotNull(_h.Simulator.WeChatPay.FindRefund(MchId, refund.RefundId));
    }

    [Theory]
    [InlineData("SYSTEM_ERROR", 500, ChannelFundsState.Unknown)]
    [InlineData("FREQUENCY_LIMITED", 429, ChannelFundsState.Unknown)]
    [InlineData("NOT_ENOUGH", 403, ChannelFundsState.Failed)]
    [InlineData("USER_ACCOUNT_ABNORMAL", 403, ChannelFundsState.Failed)]
    public async Task RefusedRefund_MapsByCode(string code, int status, ChannelFundsState expected)
    {
        const string orderId = "wxrefund0000000000000008";
        await _h.PaidOrderAsync(orderId);
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { Fail = new SimulatorFailure(code, "refused", status), Operations = [SimulatorOperation.Refund] });

        var refund = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, 100), default);

        Assert.Equal((expected, code), (refund.State, refund.ErrorCode));
        Assert.Null(_h.Simulator.WeChatPay.FindRefund(MchId, $"{orderId}R001"));
    }

    [Fact]
    public async Task AbnormalRefund_StaysPendingWithRefundAbnormal_AndMovesNoMoneyToThePayer()
    {
        const string orderId = "wxrefund0000000000000009";
        await _h.PaidOrderAsync(orderId);
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { RefundStatus = WeChatPayRefundStatus.Abnormal, Operations = [SimulatorOperation.Refund] });
        var refund = Refund(orderId, 1234);

        await _h.Channel.RefundAsync(_h.Account, refund, default);
        var query = await EventuallyAsync(() => _h.Channel.QueryRefundAsync(_h.Account, QueryOf(refund), default), r => r.ErrorCode == "REFUND_ABNORMAL");
        var notified = await RefundCallbackAsync(refund.RefundId);
        // The abnormal refund still holds the money: nothing more can be refunded.
        var more = await _h.Channel.RefundAsync(_h.Account, Refund(orderId, 1, sequence: 2), default);

        Assert.Equal((ChannelFundsState.Pending, "REFUND_ABNORMAL"), (query.State, query.ErrorCode));
        Assert.Equal(ChannelFundsState.Pending, notified.State);
        Assert.Equal(ChannelFundsState.Failed, more.State);
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == RecordKind.Refunded);
    }

    [Fact]
    public async Task ClosedRefund_IsFailed_AndItsAmountCanBeRefundedAgain()
    {
        const string orderId = "wxrefund0000000000000010";
        await _h.PaidOrderAsync(orderId);
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { RefundStatus = WeChatPayRefundStatus.Closed, Operations = [SimulatorOperation.Refund], Times = 1 });
        var closed = Refund(orderId, 1234);
        var again = Refund(orderId, 1234, sequence: 2);

        await _h.Channel.RefundAsync(_h.Account, closed, default);
        var query = await EventuallyAsync(() => _h.Channel.QueryRefundAsync(_h.Account, QueryOf(closed), default), r => r.State != ChannelFundsState.Pending);
        var second = await _h.Channel.RefundAsync(_h.Account, again, default);
        await EventuallyAsync(() => _h.Channel.QueryRefundAsync(_h.Account, QueryOf(again), default), r => r.State == ChannelFundsState.Succeeded);

        Assert.Equal(ChannelFundsState.Failed, query.State);
        Assert.Equal(ChannelFundsState.Pending, second.State);
        Assert.Equal(again.RefundId, Assert.Single(_h.Simulator.Records, r => r.Kind == RecordKind.Refunded).TradeNo);
    }

    [Fact]
    public async Task RefundNotification_IsVerifiedAndParsedAsAcceptedRefund_AndAcknowledged()
    {
        const string orderId = "wxrefund0000000000000011";
        await _h.PaidOrderAsync(orderId);
        var refund = Refund(orderId, 800);

        await _h.Channel.RefundAsync(_h.Account, refund, default);
        var callback = await RefundCallbackAsync(refund.RefundId);
        var sent = await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refund.RefundId, TimeSpan.FromSeconds(5));

        var atSimulator = _h.Simulator.WeChatPay.FindRefund(MchId, refund.RefundId)!;
        Assert.Equal(refund.RefundId, callback.RefundId);
        Assert.Equal(orderId, callback.OrderId);
        Assert.Equal(ChannelFundsState.Succeeded, callback.State);
        Assert.Equal(atSimulator.RefundId, callback.ChannelRefundNo);
        Assert.Equal((800L, "CNY", MchId), (callback.Amount, callback.Currency, callback.ChannelMerchantId));
        Assert.Equal(atSimulator.SuccessTime!.Value.ToUnixTimeSeconds(), callback.SucceededAt!.Value.ToUnixTimeSeconds());
        Assert.False(string.IsNullOrEmpty(callback.ChannelEventId));
        Assert.Equal((200, "ACK", orderId), (sent.ResponseStatus, sent.Result, sent.OutTradeNo));
    }

    [Theory]
    [InlineData("tamper_callback_resource", "INVALID_NOTIFICATION")]
    [InlineData("bad_signature", "INVALID_SIGNATURE")]
    [InlineData("wrong_serial", "INVALID_SIGNATURE")]
    public async Task FaultyRefundNotification_IsRejected_AndRetried(string fault, string rejection)
    {
        const string orderId = "wxrefund0000000000000012";
        await _h.PaidOrderAsync(orderId);
        // Let the payment notification through first, so only the refund's is spoilt.
        await _h.Callbacks.WaitForAsync(1);
        _h.Simulator.SetBehaviour(orderId, Fault(fault) with { Operations = [SimulatorOperation.Callback] });
        var refund = Refund(orderId, 800);

        await _h.Channel.RefundAsync(_h.Account, refund, default);
        // One delivery, retried twice (the harness's retry delays), then given up.
        await _h.Simulator.WaitForRecordAsync(
            _ => _h.Simulator.Records.Count(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refund.RefundId) == 3, TimeSpan.FromSeconds(10));

        var refundDeliveries = _h.Callbacks.All.Skip(1).ToList();
        Assert.Equal(3, refundDeliveries.Count);
        Assert.All(refundDeliveries, r => Assert.Equal(rejection, r.Result.RejectionCode));
        Assert.All(refundDeliveries, r => Assert.Null(r.Result.Refund));
        Assert.All(_h.Simulator.Records.Where(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refund.RefundId), r => Assert.Equal("NO_ACK", r.Result));
    }

    [Fact]
    public async Task TamperedRefundNotificationAmount_IsPassedOnForTheGatewaysOwnCheck()
    {
        const string orderId = "wxrefund0000000000000013";
        await _h.PaidOrderAsync(orderId);
        await _h.Callbacks.WaitForAsync(1);
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TamperCallbackAmount = true, Operations = [SimulatorOperation.Callback] });
        var refund = Refund(orderId, 800);

        await _h.Channel.RefundAsync(_h.Account, refund, default);
        var callback = await RefundCallbackAsync(refund.RefundId);

        Assert.Equal(801, callback.Amount);
    }

    private async Task<ChannelRefundCallback> RefundCallbackAsync(string refundId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_h.Callbacks.All.Select(r => r.Result.Refund).FirstOrDefault(r => r?.RefundId == refundId) is { } refund)
            {
                return refund;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"No refund notification for {refundId}.");
    }

    private static SimulatorBehaviour Fault(string fault) => fault switch
    {
        "wrong_serial" => new SimulatorBehaviour { WrongSerial = true },
        "bad_signature" => new SimulatorBehaviour { BadSignature = true },
        "stale_timestamp" => new SimulatorBehaviour { StaleTimestamp = true },
        "tamper_callback_resource" => new SimulatorBehaviour { TamperCallbackResource = true },
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };
}
