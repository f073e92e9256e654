using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.WeChatPay;
using PayGateway.Channels;
using Xunit;
using static PayGateway.Tests.Channels.WeChatPay.WeChatPaySimulatorHarness;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>The real WeChat Pay adapter's transfers (batch transfer to balance) against the simulator, over real HTTP.</summary>
public sealed class WeChatPayTransferSimulatorTests : IAsyncLifetime
{
    private WeChatPaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Transfer_Accepted_IsPendingThenQuerySucceeded()
    {
        var transfer = Transfer("accepted1");

        var accepted = await _h.Channel.TransferAsync(_h.Account, transfer, default);
        var succeeded = await EventuallyAsync(() => _h.Channel.QueryTransferAsync(_h.Account, transfer, default), r => r.State == ChannelFundsState.Succeeded);

        var batch = _h.Simulator.WeChatPay.FindTransfer(MchId, transfer.TransferId)!;
        Assert.Equal((ChannelFundsState.Pending, batch.BatchId), (accepted.State, accepted.ChannelTransferNo));
        Assert.Equal((ChannelFundsState.Succeeded, batch.BatchId), (succeeded.State, succeeded.ChannelTransferNo));
        Assert.Equal(batch.Details[0].UpdatedAt.ToUnixTimeSeconds(), succeeded.SucceededAt!.Value.ToUnixTimeSeconds());
        // What the adapter sent, as the simulator read it.
        Assert.Equal((AppId, transfer.TransferId, transfer.TransferId, 5000L), (batch.AppId, batch.OutBatchNo, batch.BatchName, batch.TotalAmount));
        Assert.Equal("佣金 commission", batch.BatchRemark);
        var detail = Assert.Single(batch.Details);
        Assert.Equal((transfer.TransferId, 5000L, "佣金 commission", transfer.PayeeAccount), (detail.OutDetailNo, detail.Amount, detail.Remark, detail.OpenId));
        Assert.Null(detail.UserName);
        var transferred = Assert.Single(_h.Simulator.Records, r => r.Kind == RecordKind.Transferred);
        Assert.Equal((MchId, transfer.TransferId, batch.BatchId, 5000L), (transferred.MerchantId, transferred.OutTradeNo, transferred.TradeNo, transferred.Amount));
    }

    [Fact]
    public async Task TransferWithPayeeName_SendsItEncrypted_AndTheSimulatorDecryptsIt()
    {
        var transfer = Transfer("named1", payeeName: "张三");

        var accepted = await _h.Channel.TransferAsync(_h.Account, transfer, default);

        Assert.Equal(ChannelFundsState.Pending, accepted.State);
        Assert.Equal("张三", Assert.Single(_h.Simulator.WeChatPay.FindTransfer(MchId, transfer.TransferId)!.Details).UserName);
    }

    [Fact]
    public async Task TransferWithWrongPayeeName_FailsNameNotCorrect_AndMovesNothing()
    {
        _h.Simulator.WeChatPay.SetPayeeName("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "李四");
        var transfer = Transfer("wrongname1", payeeName: "张三");

        await _h.Channel.TransferAsync(_h.Account, transfer, default);
        var failed = await EventuallyAsync(() => _h.Channel.QueryTransferAsync(_h.Account, transfer, default), r => r.State != ChannelFundsState.Pending);

        Assert.Equal((ChannelFundsState.Failed, "NAME_NOT_CORRECT"), (failed.State, failed.ErrorCode));
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == RecordKind.Transferred);
    }

    [Theory]
    [InlineData("ACCOUNT_FROZEN")]
    [InlineData("OPENID_INVALID")]
    public async Task TransferFailingAtWeChat_QueryIsFailedWithReason(string reason)
    {
        var transfer = Transfer("fails1");
        _h.Simulator.SetBehaviour(transfer.TransferId, new SimulatorBehaviour { TransferFailReason = reason, Operations = [SimulatorOperation.Transfer] });

        var accepted = await _h.Channel.TransferAsync(_h.Account, transfer, default);
        var failed = await EventuallyAsync(() => _h.Channel.QueryTransferAsync(_h.Account, transfer, default), r => r.State != ChannelFundsState.Pending);

        Assert.Equal(ChannelFundsState.Pending, accepted.State);
        Assert.Equal((ChannelFundsState.Failed, reason), (failed.State, failed.ErrorCode));
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == RecordKind.Transferred);
    }

    [Theory]
    [InlineData("NOT_ENOUGH", 403, ChannelFundsState.Failed)]
    [InlineData("NO_AUTH", 403, ChannelFundsState.Failed)]
    [InlineData("SYSTEM_ERROR", 500, ChannelFundsState.Unknown)]
    [InlineData("FREQUENCY_LIMITED", 429, ChannelFundsState.Unknown)]
    public async Task RefusedTransfer_MapsByCode(string code, int status, ChannelFundsState expected)
    {
        var transfer = Transfer("refused1");
        _h.Simulator.SetBehaviour(transfer.TransferId, new SimulatorBehaviour { Fail = new SimulatorFailure(code, "refused", status), Operations = [SimulatorOperation.Transfer] });

        var result = await _h.Channel.TransferAsync(_h.Account, transfer, default);

        Assert.Equal((expected, code), (result.State, result.ErrorCode));
        Assert.Null(_h.Simulator.WeChatPay.FindTransfer(MchId, transfer.TransferId));
    }

    [Fact]
    public async Task QueryOfTransferNeverSent_IsNotFound()
    {
        var query = await _h.Channel.QueryTransferAsync(_h.Account, Transfer("neversent1"), default);

        Assert.Equal((ChannelFundsState.NotFound, "NOT_FOUND"), (query.State, query.ErrorCode));
        // Detail and batch query both: only a missing batch means WeChat never took the transfer.
        Assert.Equal(2, _h.Simulator.Records.Count(r => r.Kind == RecordKind.TransferQuery && r.ResponseStatus == 404));
    }

    [Fact]
    public async Task QueryWhileWeChatStillProcessesTheBatch_IsPendingNotNotFound()
    {
        var transfer = Transfer("held1");
        var accepted = await _h.Channel.TransferAsync(_h.Account, transfer, default);
        _h.Simulator.SetBehaviour(transfer.TransferId, new SimulatorBehaviour { HoldTransferDetail = true, Operations = [SimulatorOperation.TransferQuery], Times = 1 });

        var held = await _h.Channel.QueryTransferAsync(_h.Account, transfer, default);
        var succeeded = await EventuallyAsync(() => _h.Channel.QueryTransferAsync(_h.Account, transfer, default), r => r.State == ChannelFundsState.Succeeded);

        Assert.Equal((ChannelFundsState.Pending, accepted.ChannelTransferNo), (held.State, held.ChannelTransferNo));
        Assert.Equal(accepted.ChannelTransferNo, succeeded.ChannelTransferNo);
        // The detail query answered NOT_FOUND, the batch query found the batch.
        Assert.Equal([404, 200], _h.Simulator.Records.Where(r => r.Kind == RecordKind.TransferQuery).Take(2).Select(r => r.ResponseStatus));
    }

    [Fact]
    public async Task RepeatedTransfer_SameId_MovesMoneyOnce()
    {
        var transfer = Transfer("repeat1");

        var first = await _h.Channel.TransferAsync(_h.Account, transfer, default);
        var second = await _h.Channel.TransferAsync(_h.Account, transfer, default);
        await EventuallyAsync(() => _h.Channel.QueryTransferAsync(_h.Account, transfer, default), r => r.State == ChannelFundsState.Succeeded);
        var afterEnd = await _h.Channel.TransferAsync(_h.Account, transfer, default);
        await Task.Delay(FundsProcessingTime * 3);

        Assert.Equal(ChannelFundsState.Pending, first.State);
        Assert.Equal(first.ChannelTransferNo, second.ChannelTransferNo);
        Assert.Equal(first.ChannelTransferNo, afterEnd.ChannelTransferNo);
        Assert.Equal(3, _h.Simulator.Records.Count(r => r.Kind == RecordKind.TransferRequest && r.ResponseStatus == 200));
        Assert.Single(_h.Simulator.Records, r => r.Kind == RecordKind.Transferred);
    }

    [Fact]
    public async Task SameTransferIdWithOtherAmount_IsNotFailed_WhileTheFirstTransferExists()
    {
        var transfer = Transfer("conflict1");
        await _h.Channel.TransferAsync(_h.Account, transfer, default);

        // INVALID_REQUEST from WeChat; the adapter looks the transfer up before calling it failed. The detail it finds
        // is for another amount, so it cannot say anything definite.
        var other = await _h.Channel.TransferAsync(_h.Account, transfer with { Amount = 6000 }, default);

        Assert.Equal((ChannelFundsState.Unknown, "INVALID_REQUEST"), (other.State, other.ErrorCode));
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.TransferRequest && r.ResponseStatus == 400 && r.Result == "INVALID_REQUEST");
    }

    [Fact]
    public async Task TransferTimeout_IsUnknown_ThenQuerySucceeded()
    {
        var transfer = Transfer("timeout1");
        _h.Simulator.SetBehaviour(transfer.TransferId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Transfer] });

        var lost = await _h.Channel.TransferAsync(_h.Account, transfer, default);
        var query = await EventuallyAsync(() => _h.Channel.QueryTransferAsync(_h.Account, transfer, default), r => r.State == ChannelFundsState.Succeeded);

        Assert.Equal(ChannelFundsState.Unknown, lost.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.TransferRequest && r.ResponseStatus == 0);
        Assert.Single(_h.Simulator.Records, r => r.Kind == RecordKind.Transferred);
    }

    [Fact]
    public async Task TransferAnswersWithBadSignature_AreUnknown()
    {
        var transfer = Transfer("badsig1");
        _h.Simulator.SetBehaviour(transfer.TransferId, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Transfer, SimulatorOperation.TransferQuery] });

        var requested = await _h.Channel.TransferAsync(_h.Account, transfer, default);
        var queried = await _h.Channel.QueryTransferAsync(_h.Account, transfer, default);

        Assert.Equal(ChannelFundsState.Unknown, requested.State);
        Assert.Equal(ChannelFundsState.Unknown, queried.State);
        Assert.NotNull(_h.Simulator.WeChatPay.FindTransfer(MchId, transfer.TransferId));
    }

    [Fact]
    public async Task TransferAfterPlatformRotation_EncryptsForACertificateTheSimulatorStillServes()
    {
        await _h.Channel.WarmUpAsync(_h.Account, default);
        _h.Simulator.WeChatPay.RotatePlatformCertificate();
        var transfer = Transfer("rotated1", payeeName: "王五");

        var accepted = await _h.Channel.TransferAsync(_h.Account, transfer, default);

        Assert.Equal(ChannelFundsState.Pending, accepted.State);
        Assert.Equal("王五", Assert.Single(_h.Simulator.WeChatPay.FindTransfer(MchId, transfer.TransferId)!.Details).UserName);
    }
}
