using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using Xunit;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>Misbehaving channel: everything not definitively refused must come back Unknown.</summary>
public sealed class MockChannelFailureTests : IAsyncLifetime
{
    private MockChannelHarness _h = null!;

    public async Task InitializeAsync() => _h = await MockChannelHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task TimeoutAfterCharge_ReturnsUnknownThenQuerySucceededWithOneCharge()
    {
        _h.Simulator.SetBehaviour("o-lost", new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Create] });

        var created = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-lost"), default);
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "o-lost", default);

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1234, query.Amount);
        Assert.Equal(1, _h.Simulator.ChargeCount("o-lost"));
    }

    [Fact]
    public async Task TimeoutAfterChargeThenRetriedCreate_ReturnsSucceededWithoutSecondCharge()
    {
        _h.Simulator.SetBehaviour("o-retry", new SimulatorBehaviour { TimeoutAfterCharge = true, Times = 1 });
        var request = MockChannelHarness.Request("o-retry");

        var first = await _h.Channel.CreatePaymentAsync(_h.Account, request, default);
        var second = await _h.Channel.CreatePaymentAsync(_h.Account, request, default);

        Assert.Equal(ChannelOutcome.Unknown, first.Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, second.Outcome);
        Assert.Equal(1, _h.Simulator.ChargeCount("o-retry"));
    }

    [Fact]
    public async Task BadSignatureOnCreate_ReturnsUnknown()
    {
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { BadSignature = true });

        var result = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-badsig"), default);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Equal("CHANNEL_UNKNOWN", result.ErrorCode);
    }

    [Fact]
    public async Task BadSignatureOnQueryAndClose_ReturnsUnknown()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-badsig"), default);
        _h.Simulator.SetBehaviour("o-badsig", new SimulatorBehaviour { BadSignature = true });

        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "o-badsig", default);
        var close = await _h.Channel.ClosePaymentAsync(_h.Account, "o-badsig", default);

        Assert.Equal(ChannelTradeState.Unknown, query.State);
        Assert.Equal(ChannelTradeState.Unknown, close.State);
    }

    [Fact]
    public async Task WrongAccountKey_ReturnsUnknown()
    {
        var account = MockChannelHarness.AccountFor(_h.Simulator.BaseAddress, _h.Callbacks.NotifyUrl, "not-the-key");

        var result = await _h.Channel.CreatePaymentAsync(account, MockChannelHarness.Request("o-wrongkey"), default);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.Create && r.ResponseStatus == 401 && r.Result == "INVALID_SIGNATURE");
        Assert.Null(_h.Simulator.FindTrade("o-wrongkey"));
    }

    [Fact]
    public async Task FailOnCreate_ReturnsFailedWithCode()
    {
        _h.Simulator.SetBehaviour("o-fail", new SimulatorBehaviour { Fail = new SimulatorFailure("INSUFFICIENT_BALANCE", "No money") });

        var result = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-fail"), default);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("INSUFFICIENT_BALANCE", result.ErrorCode);
        Assert.Equal("No money", result.ErrorMessage);
        Assert.Null(_h.Simulator.FindTrade("o-fail"));
    }

    [Fact]
    public async Task FailOnQuery_ReturnsUnknownWithCode()
    {
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_BUSY"), Operations = [SimulatorOperation.Query] });

        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "o-any", default);

        Assert.Equal(ChannelTradeState.Unknown, query.State);
        Assert.Equal("SYSTEM_BUSY", query.ErrorCode);
    }

    [Fact]
    public async Task DelayBeyondClientTimeout_ReturnsUnknown()
    {
        _h.Simulator.SetBehaviour("o-slow", new SimulatorBehaviour { DelayMs = 6000 });
        var watch = Stopwatch.StartNew();

        var result = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-slow"), default);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.True(watch.Elapsed < MockChannelHarness.ClientTimeout + TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}: the client timeout, not the 6 s delay, must end the call");
    }

    [Fact]
    public async Task DelayWithinClientTimeout_ReturnsAccepted()
    {
        _h.Simulator.SetBehaviour("o-slowish", new SimulatorBehaviour { DelayMs = 100 });

        var result = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-slowish"), default);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
    }

    [Fact]
    public async Task UnreachableChannel_ReturnsUnknown()
    {
        var account = MockChannelHarness.AccountFor(new Uri($"http://127.0.0.1:{FreePort()}/"), _h.Callbacks.NotifyUrl, MockChannelHarness.HmacKey);

        var created = await _h.Channel.CreatePaymentAsync(account, MockChannelHarness.Request("o-down"), default);
        var query = await _h.Channel.QueryPaymentAsync(account, "o-down", default);
        var close = await _h.Channel.ClosePaymentAsync(account, "o-down", default);

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Unknown, query.State);
        Assert.Equal(ChannelTradeState.Unknown, close.State);
    }

    [Fact]
    public async Task CallerCancellation_Throws()
    {
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = 6000 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _h.Channel.QueryPaymentAsync(_h.Account, "o-cancel", cts.Token));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
