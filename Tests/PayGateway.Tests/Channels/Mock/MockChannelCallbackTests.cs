using System.Net.Http.Json;
using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using Xunit;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>Callbacks from the simulator, verified by ParseCallback at a real HTTP receiver.</summary>
public sealed class MockChannelCallbackTests : IAsyncLifetime
{
    private MockChannelHarness _h = null!;

    public async Task InitializeAsync() => _h = await MockChannelHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task PaidOrder_SendsCallbackThatVerifiesAndIsAcknowledged()
    {
        var created = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-cb"), default);
        _h.Simulator.Pay("o-cb");

        var received = (await _h.Callbacks.WaitForAsync(1)).Single();
        var ack = await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent, TimeSpan.FromSeconds(5));

        var callback = received.Result.Callback!;
        Assert.Equal("o-cb", callback.OrderId);
        Assert.Equal(ChannelTradeState.Succeeded, callback.State);
        Assert.Equal(created.ChannelTradeNo, callback.ChannelTradeNo);
        Assert.Equal(1234, callback.Amount);
        Assert.Equal("CNY", callback.Currency);
        Assert.Equal(MockChannelHarness.MerchantId, callback.ChannelMerchantId);
        Assert.NotNull(callback.PaidAt);
        Assert.False(string.IsNullOrEmpty(callback.ChannelEventId));
        Assert.Equal((200, "ACK"), (ack.ResponseStatus, ack.Result));
    }

    [Fact]
    public async Task TamperedCallbackBody_IsRejected()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-tamper"), default);
        _h.Simulator.Pay("o-tamper");
        var original = (await _h.Callbacks.WaitForAsync(1)).Single().Request;
        var tampered = original with { Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original.Body.Span).Replace("1234", "1", StringComparison.Ordinal)) };

        var result = await _h.Channel.ParseCallbackAsync(_h.Account, tampered, default);

        Assert.NotNull((await _h.Channel.ParseCallbackAsync(_h.Account, original, default)).Callback);
        Assert.Null(result.Callback);
        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task CallbackForOtherMerchantAccount_IsRejected()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-other"), default);
        _h.Simulator.Pay("o-other");
        var original = (await _h.Callbacks.WaitForAsync(1)).Single().Request;
        var otherAccount = _h.Account with { Settings = new Dictionary<string, string> { ["merchant_id"] = "m200" } };

        var result = await _h.Channel.ParseCallbackAsync(otherAccount, original, default);

        Assert.Equal("MERCHANT_MISMATCH", result.RejectionCode);
    }

    [Fact]
    public async Task BadlySignedCallback_IsRejectedAndRetried()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-badcb"), default);
        _h.Simulator.SetBehaviour("o-badcb", new SimulatorBehaviour { BadSignature = true });

        var delivery = await _h.Simulator.SendCallbackAsync("o-badcb");

        Assert.False(delivery.Acknowledged);
        Assert.Equal(3, delivery.Attempts); // one try + two retries in the harness
        Assert.All(_h.Callbacks.All, r => Assert.Equal("INVALID_SIGNATURE", r.Result.RejectionCode));
        Assert.Equal(3, _h.Simulator.RecordsFor("o-badcb").Count(r => r.Kind == RecordKind.CallbackSent && r.Result == "NO_ACK"));
    }

    [Fact]
    public async Task RepeatCallbacks_DeliversSameEventSeveralTimes()
    {
        _h.Simulator.SetBehaviour("o-repeat", new SimulatorBehaviour { RepeatCallbacks = 3 });
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-repeat"), default);
        _h.Simulator.Pay("o-repeat");

        var received = await _h.Callbacks.WaitForAsync(3);

        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.Result.Callback!.ChannelEventId).Distinct());
        Assert.Equal(1, _h.Simulator.ChargeCount("o-repeat"));
    }

    [Fact]
    public async Task TamperCallbackAmount_VerifiesButCarriesWrongAmount()
    {
        _h.Simulator.SetBehaviour("o-amount", new SimulatorBehaviour { TamperCallbackAmount = true });
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-amount"), default);
        _h.Simulator.Pay("o-amount");

        var received = (await _h.Callbacks.WaitForAsync(1)).Single();

        Assert.Equal(1235, received.Result.Callback!.Amount);
    }

    [Fact]
    public void ReplyToCallback_ReturnsDocumentedAck()
    {
        var accepted = _h.Channel.ReplyToCallback(true);
        var refused = _h.Channel.ReplyToCallback(false);

        Assert.Equal((200, "application/json", """{"ack":"OK"}"""), (accepted.StatusCode, accepted.ContentType, accepted.Body));
        Assert.NotEqual(200, refused.StatusCode);
    }

    [Fact]
    public async Task ControlApiOverHttp_PaysOrderAndListsRecords()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-ctl"), default);
        using var http = new HttpClient { BaseAddress = _h.Simulator.BaseAddress };

        using var pay = await http.PostAsync("mock/control/payments/o-ctl/pay", null);
        await _h.Callbacks.WaitForAsync(1);
        var records = await http.GetFromJsonAsync<List<Dictionary<string, object>>>("mock/control/records?kind=charge&out_trade_no=o-ctl");

        Assert.True(pay.IsSuccessStatusCode);
        Assert.Single(records!);
        Assert.Equal(ChannelTradeState.Succeeded, (await _h.Channel.QueryPaymentAsync(_h.Account, "o-ctl", default)).State);
    }
}
