using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using Xunit;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>Transfers (payouts) through the real MockChannel against the in-process simulator.</summary>
public sealed class MockChannelTransferTests : IAsyncLifetime
{
    private MockChannelHarness _h = null!;

    public async Task InitializeAsync() => _h = await MockChannelHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    // The gateway's transfer id shape: T and 24 alphanumeric characters.
    private static string TransferId(int n) => $"T20261126125300123AA01{n:D3}";

    private IReadOnlyList<SimulatorRecord> Transferred(string transferId) =>
        [.. _h.Simulator.Records.Where(r => r.Kind == RecordKind.Transferred && r.OutTradeNo == transferId)];

    [Fact]
    public void Capabilities_AreMockAccountsInAnyKnownCurrency()
    {
        Assert.Equal([PayeeTypes.MockAccount], _h.Channel.PayeeTypes);
        Assert.Contains("CNY", _h.Channel.TransferCurrencies);
        Assert.Contains("JPY", _h.Channel.TransferCurrencies);
    }

    [Fact]
    public async Task TransferToOpenAccountRepeated_SucceedsAndMovesMoneyOnce()
    {
        var request = MockChannelHarness.Transfer(TransferId(1));

        var first = await _h.Channel.TransferAsync(_h.Account, request, default);
        var again = await _h.Channel.TransferAsync(_h.Account, request, default);

        Assert.Equal(ChannelFundsState.Succeeded, first.State);
        Assert.False(string.IsNullOrEmpty(first.ChannelTransferNo));
        Assert.NotNull(first.SucceededAt);
        Assert.Equal((ChannelFundsState.Succeeded, first.ChannelTransferNo), (again.State, again.ChannelTransferNo));
        var record = Assert.Single(Transferred(request.TransferId));
        Assert.Equal((first.ChannelTransferNo, 5000L), (record.TradeNo, record.Amount));
    }

    [Fact]
    public async Task TransferToClosedAccount_FailsDefinitivelyAndQuerySaysFailed()
    {
        var request = MockChannelHarness.Transfer(TransferId(2), payeeAccount: "closed-payee-9");

        var result = await _h.Channel.TransferAsync(_h.Account, request, default);
        var query = await _h.Channel.QueryTransferAsync(_h.Account, request, default);

        Assert.Equal((ChannelFundsState.Failed, "PAYEE_ACCOUNT_CLOSED"), (result.State, result.ErrorCode));
        Assert.Equal((ChannelFundsState.Failed, "PAYEE_ACCOUNT_CLOSED"), (query.State, query.ErrorCode));
        Assert.Empty(Transferred(request.TransferId));
    }

    [Fact]
    public async Task TimeoutAfterTransfer_IsUnknownThenQuerySucceeded()
    {
        var request = MockChannelHarness.Transfer(TransferId(3));
        _h.Simulator.SetBehaviour(request.TransferId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Transfer] });

        var lost = await _h.Channel.TransferAsync(_h.Account, request, default);
        var query = await _h.Channel.QueryTransferAsync(_h.Account, request, default);

        Assert.Equal(ChannelFundsState.Unknown, lost.State);
        Assert.Equal(ChannelFundsState.Succeeded, query.State);
        Assert.Single(Transferred(request.TransferId));
    }

    [Fact]
    public async Task QueryOfUnknownTransfer_IsNotFound()
    {
        var query = await _h.Channel.QueryTransferAsync(_h.Account, MockChannelHarness.Transfer(TransferId(4)), default);

        Assert.Equal((ChannelFundsState.NotFound, "TRANSFER_NOT_FOUND"), (query.State, query.ErrorCode));
    }

    [Fact]
    public async Task BadSignatureOnTransfer_IsUnknown()
    {
        var request = MockChannelHarness.Transfer(TransferId(5));
        _h.Simulator.SetBehaviour(request.TransferId, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Transfer] });

        var result = await _h.Channel.TransferAsync(_h.Account, request, default);

        Assert.Equal((ChannelFundsState.Unknown, "CHANNEL_UNKNOWN"), (result.State, result.ErrorCode));
        Assert.Single(Transferred(request.TransferId));
    }

    [Fact]
    public async Task FailOnTransfer_IsFailedWithCode()
    {
        var request = MockChannelHarness.Transfer(TransferId(6));
        _h.Simulator.SetBehaviour(request.TransferId, new SimulatorBehaviour { Fail = new SimulatorFailure("INSUFFICIENT_BALANCE"), Operations = [SimulatorOperation.Transfer] });

        var result = await _h.Channel.TransferAsync(_h.Account, request, default);

        Assert.Equal((ChannelFundsState.Failed, "INSUFFICIENT_BALANCE"), (result.State, result.ErrorCode));
        Assert.Empty(Transferred(request.TransferId));
    }

    [Fact]
    public async Task TransferNumberReusedForOtherPayee_IsUnknown()
    {
        await _h.Channel.TransferAsync(_h.Account, MockChannelHarness.Transfer(TransferId(7)), default);

        var result = await _h.Channel.TransferAsync(_h.Account, MockChannelHarness.Transfer(TransferId(7), payeeAccount: "payee-002"), default);

        Assert.Equal((ChannelFundsState.Unknown, "OUT_TRANSFER_NO_CONFLICT"), (result.State, result.ErrorCode));
    }

    [Fact]
    public async Task UnsupportedPayeeType_FailsWithoutCallingChannel()
    {
        var request = MockChannelHarness.Transfer(TransferId(8)) with { PayeeType = PayeeTypes.AlipayUserId };

        var result = await _h.Channel.TransferAsync(_h.Account, request, default);

        Assert.Equal((ChannelFundsState.Failed, "PAYEE_TYPE_UNSUPPORTED"), (result.State, result.ErrorCode));
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == RecordKind.TransferRequest);
    }
}
