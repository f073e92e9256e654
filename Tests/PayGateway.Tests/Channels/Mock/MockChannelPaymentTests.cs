using System.Text.Json;
using System.Text.RegularExpressions;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using Xunit;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>Create, query, close and the cashier against the simulator, over real HTTP.</summary>
public sealed partial class MockChannelPaymentTests : IAsyncLifetime
{
    private MockChannelHarness _h = null!;

    public async Task InitializeAsync() => _h = await MockChannelHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(PayMethod.QR_CODE, "qr_code")]
    [InlineData(PayMethod.WEB, "redirect_url")]
    [InlineData(PayMethod.WAP, "redirect_url")]
    [InlineData(PayMethod.APP, "app_params")]
    [InlineData(PayMethod.SDK, "app_params")]
    public async Task CreatePayment_ReturnsAcceptedWithPayDataForMethod(PayMethod method, string kind)
    {
        var result = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-create", method), default);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.False(string.IsNullOrEmpty(result.ChannelTradeNo));
        Assert.Equal(kind, result.PayData!.Kind);
        if (kind == "app_params")
        {
            using var json = JsonDocument.Parse(result.PayData.Content);
            Assert.Equal(result.ChannelTradeNo, json.RootElement.GetProperty("trade_no").GetString());
        }
        else
        {
            Assert.Equal(new Uri(_h.Simulator.BaseAddress, "mock/cashier/" + result.ChannelTradeNo), new Uri(result.PayData.Content));
        }
        Assert.Equal(0, _h.Simulator.ChargeCount("o-create"));
    }

    [Fact]
    public async Task CreateServerPaymentWithAuthCode_SucceedsSynchronously()
    {
        var result = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-bar", PayMethod.SERVER, authCode: "134567890123456789"), default);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        Assert.Equal("none", result.PayData!.Kind);
        Assert.NotNull(result.PaidAt);
        Assert.Equal(1, _h.Simulator.ChargeCount("o-bar"));
        Assert.Equal(1234, _h.Simulator.PaidTotal(MockChannelHarness.MerchantId));
    }

    [Fact]
    public async Task CreateServerPaymentWithoutAuthCode_FailsWithInvalidRequest()
    {
        var result = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-bar", PayMethod.SERVER), default);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("INVALID_REQUEST", result.ErrorCode);
    }

    [Fact]
    public async Task CreateSameOrderTwice_ReturnsSameTradeWithoutSecondCharge()
    {
        var request = MockChannelHarness.Request("o-twice", PayMethod.SERVER, authCode: "134567890123456789");

        var first = await _h.Channel.CreatePaymentAsync(_h.Account, request, default);
        var second = await _h.Channel.CreatePaymentAsync(_h.Account, request, default);

        Assert.Equal(ChannelOutcome.Succeeded, first.Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, second.Outcome);
        Assert.Equal(first.ChannelTradeNo, second.ChannelTradeNo);
        Assert.Equal(1, _h.Simulator.ChargeCount("o-twice"));
        Assert.Equal(2, _h.Simulator.RecordsFor("o-twice").Count(r => r.Kind == RecordKind.Create));
    }

    [Fact]
    public async Task CreateSameOrderWithOtherAmount_FailsWithConflict()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-conflict"), default);

        var result = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-conflict", amount: 999), default);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("OUT_TRADE_NO_CONFLICT", result.ErrorCode);
    }

    [Fact]
    public async Task QueryCreatedOrder_ReturnsPending()
    {
        var created = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-q"), default);

        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "o-q", default);

        Assert.Equal(ChannelTradeState.Pending, query.State);
        Assert.Equal(created.ChannelTradeNo, query.ChannelTradeNo);
        Assert.Equal(1234, query.Amount);
        Assert.Equal("CNY", query.Currency);
    }

    [Fact]
    public async Task QueryUnknownOrder_ReturnsNotFound()
    {
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "o-none", default);

        Assert.Equal(ChannelTradeState.NotFound, query.State);
    }

    [Fact]
    public async Task PayViaCashierThenQuery_ReturnsSucceeded()
    {
        var created = await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-cashier", PayMethod.WEB), default);
        using var browser = new HttpClient();

        var page = await browser.GetStringAsync(created.PayData!.Content);
        var action = FormAction().Match(page).Groups[1].Value;
        using var paid = await browser.PostAsync(new Uri(new Uri(created.PayData.Content), action), null);
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "o-cashier", default);

        Assert.True(paid.IsSuccessStatusCode);
        Assert.Contains("SUCCEEDED", await paid.Content.ReadAsStringAsync());
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.NotNull(query.PaidAt);
        Assert.Equal(1, _h.Simulator.ChargeCount("o-cashier"));
    }

    [Fact]
    public async Task ClosePendingOrder_ReturnsClosedAndOrderCannotBePaid()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-close"), default);

        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "o-close", default);
        var pay = _h.Simulator.Pay("o-close");
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "o-close", default);

        Assert.Equal(ChannelTradeState.Closed, closed.State);
        Assert.Equal(ChannelSimulator.State.PayOutcome.NotPayable, pay.Outcome);
        Assert.Equal(ChannelTradeState.Closed, query.State);
        Assert.Equal(0, _h.Simulator.ChargeCount("o-close"));
    }

    [Fact]
    public async Task ClosePaidOrder_ReturnsSucceeded()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, MockChannelHarness.Request("o-paid"), default);
        _h.Simulator.Pay("o-paid");

        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "o-paid", default);

        Assert.Equal(ChannelTradeState.Succeeded, closed.State);
        Assert.Equal("ALREADY_PAID", closed.ErrorCode);
    }

    [Fact]
    public async Task CloseUnknownOrder_ReturnsNotFound()
    {
        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "o-none", default);

        Assert.Equal(ChannelTradeState.NotFound, closed.State);
    }

    [GeneratedRegex("""<form method="post" action="([^"]+)">""")]
    private static partial Regex FormAction();
}
