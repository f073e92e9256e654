using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.WeChatPay;
using PayGateway.Channels;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>The real WeChat Pay adapter against the simulator's WeChat Pay v3 endpoints, over real HTTP.</summary>
public sealed partial class WeChatPaySimulatorTests : IAsyncLifetime
{
    private WeChatPaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await WeChatPaySimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(PayMethod.QR_CODE, "qr_code")]
    [InlineData(PayMethod.SDK, "app_params")]
    [InlineData(PayMethod.WAP, "redirect_url")]
    [InlineData(PayMethod.APP, "app_params")]
    public async Task CreatePayQuery_EachTradeType_Succeeded(PayMethod method, string payDataKind)
    {
        var orderId = $"wx-{method}-1".Replace("_", "", StringComparison.Ordinal);

        var created = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request(orderId, method), default);
        var before = await _h.Channel.QueryPaymentAsync(_h.Account, orderId, default);
        _h.Simulator.Pay(orderId);
        var after = await _h.Channel.QueryPaymentAsync(_h.Account, orderId, default);

        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal(payDataKind, created.PayData!.Kind);
        Assert.Equal(ChannelTradeState.Pending, before.State);
        Assert.Equal(ChannelTradeState.Succeeded, after.State);
        Assert.Equal(1234, after.Amount);
        Assert.Equal("CNY", after.Currency);
        Assert.Equal(_h.Simulator.FindTrade(orderId)!.TradeNo, after.ChannelTradeNo);
        Assert.NotNull(after.PaidAt);
        Assert.Equal(1, _h.Simulator.ChargeCount(orderId));
    }

    [Fact]
    public async Task JsapiAndApp_PayDataCarriesSimulatorPrepayId()
    {
        var jsapi = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-jsapi-prepay", PayMethod.SDK), default);
        var app = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-app-prepay", PayMethod.APP), default);

        using var jsapiParams = JsonDocument.Parse(jsapi.PayData!.Content);
        using var appParams = JsonDocument.Parse(app.PayData!.Content);
        Assert.Equal("prepay_id=" + _h.Simulator.WeChatPay.FindOrder("wx-jsapi-prepay")!.PrepayId, jsapiParams.RootElement.GetProperty("package").GetString());
        Assert.Equal(_h.Simulator.WeChatPay.FindOrder("wx-app-prepay")!.PrepayId, appParams.RootElement.GetProperty("prepayid").GetString());
        Assert.Equal("JSAPI", _h.Simulator.WeChatPay.FindOrder("wx-jsapi-prepay")!.TradeType);
        Assert.Equal("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", _h.Simulator.WeChatPay.FindOrder("wx-jsapi-prepay")!.PayerOpenId);
    }

    [Theory]
    [InlineData(PayMethod.WAP)]
    [InlineData(PayMethod.QR_CODE)]
    public async Task CashierPayButton_PaysOrder_QuerySucceededAndNotified(PayMethod method)
    {
        var orderId = $"wx-cashier-{(int)method}";
        var created = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request(orderId, method), default);
        using var browser = new HttpClient();

        var page = await browser.GetStringAsync(created.PayData!.Content);
        var action = FormAction().Match(page).Groups[1].Value;
        using var paid = await browser.PostAsync(new Uri(_h.Simulator.BaseAddress, action), null);
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, orderId, default);
        var callbacks = await _h.Callbacks.WaitForAsync(1);

        Assert.Contains("id=\"pay\"", page, StringComparison.Ordinal);
        Assert.True(paid.IsSuccessStatusCode);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(orderId, callbacks.Single().Result.Callback!.OrderId);
    }

    [Fact]
    public async Task H5_RedirectUrl_IsCashierWithPrepayIdAndReturnUrl()
    {
        var created = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-h5-url", PayMethod.WAP), default);

        var url = new Uri(created.PayData!.Content);
        Assert.StartsWith(_h.Simulator.BaseAddress.AbsoluteUri, url.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("prepay_id=" + _h.Simulator.WeChatPay.FindOrder("wx-h5-url")!.PrepayId, url.Query, StringComparison.Ordinal);
        Assert.Contains("&redirect_url=https%3A%2F%2Fshop.example%2Freturn", url.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedCreate_SameContent_ReturnsSameOrderWithoutSecondTrade()
    {
        var first = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-repeat-1", PayMethod.APP), default);
        var second = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-repeat-1", PayMethod.APP), default);

        Assert.Equal(ChannelOutcome.Accepted, second.Outcome);
        using var a = JsonDocument.Parse(first.PayData!.Content);
        using var b = JsonDocument.Parse(second.PayData!.Content);
        Assert.Equal(a.RootElement.GetProperty("prepayid").GetString(), b.RootElement.GetProperty("prepayid").GetString());
        Assert.Equal(2, _h.Simulator.RecordsFor("wx-repeat-1").Count(r => r.Kind == RecordKind.Create && r.ResponseStatus == 200));
    }

    [Fact]
    public async Task CloseUnpaid_ReturnsClosed_AndQueryClosed()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-close-1"), default);

        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "wx-close-1", default);
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "wx-close-1", default);

        Assert.Equal(ChannelTradeState.Closed, closed.State);
        Assert.Equal(ChannelTradeState.Closed, query.State);
        Assert.Contains(_h.Simulator.RecordsFor("wx-close-1"), r => r.Kind == RecordKind.Close && r.ResponseStatus == 204 && r.Result == "CLOSED");
        Assert.Equal(0, _h.Simulator.ChargeCount("wx-close-1"));
    }

    [Fact]
    public async Task ClosePaid_ReturnsSucceeded()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-close-paid"), default);
        _h.Simulator.Pay("wx-close-paid");

        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "wx-close-paid", default);

        Assert.Equal(ChannelTradeState.Succeeded, closed.State);
        Assert.Equal("ORDERPAID", closed.ErrorCode);
    }

    [Fact]
    public async Task QueryUnknownOrder_ReturnsNotFound()
    {
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "wx-never-made", default);

        Assert.Equal(ChannelTradeState.NotFound, query.State);
        Assert.Equal("ORDER_NOT_EXIST", query.ErrorCode);
    }

    [Fact]
    public async Task Notification_ParseCallbackVerifiesAndDecrypts_AndIsAcknowledged()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-notify-1", PayMethod.SDK), default);

        _h.Simulator.Pay("wx-notify-1");
        var received = (await _h.Callbacks.WaitForAsync(1)).Single();
        var sent = await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent, TimeSpan.FromSeconds(5));

        var trade = _h.Simulator.FindTrade("wx-notify-1")!;
        var callback = received.Result.Callback!;
        Assert.Equal("wx-notify-1", callback.OrderId);
        Assert.Equal(ChannelTradeState.Succeeded, callback.State);
        Assert.Equal(1234, callback.Amount);
        Assert.Equal("CNY", callback.Currency);
        Assert.Equal(WeChatPaySimulatorHarness.MchId, callback.ChannelMerchantId);
        Assert.Equal(trade.TradeNo, callback.ChannelTradeNo);
        Assert.Equal(trade.PaidAt!.Value.ToUnixTimeSeconds(), callback.PaidAt!.Value.ToUnixTimeSeconds());
        Assert.False(string.IsNullOrEmpty(callback.ChannelEventId));
        Assert.Equal(_h.Simulator.WeChatPay.PlatformCertificate.SerialNo, received.Request.Headers["Wechatpay-Serial"]);
        Assert.Equal("WECHATPAY2-SHA256-RSA2048", received.Request.Headers["Wechatpay-Signature-Type"]);
        Assert.Equal((200, "ACK"), (sent.ResponseStatus, sent.Result));
    }

    [Theory]
    [InlineData("wrong_serial", "INVALID_SIGNATURE")]
    [InlineData("bad_signature", "INVALID_SIGNATURE")]
    [InlineData("stale_timestamp", "INVALID_SIGNATURE")]
    [InlineData("tamper_callback_resource", "INVALID_NOTIFICATION")]
    public async Task FaultyNotification_IsRejected_AndRetriedUnacknowledged(string fault, string rejection)
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-badnotify"), default);
        _h.Simulator.SetBehaviour("wx-badnotify", Fault(fault) with { Operations = [SimulatorOperation.Callback] });

        _h.Simulator.Pay("wx-badnotify");
        // One delivery, retried twice (the harness's retry delays), then given up.
        await _h.Simulator.WaitForRecordAsync(
            r => r.Kind == RecordKind.CallbackSent && _h.Simulator.RecordsFor("wx-badnotify").Count(x => x.Kind == RecordKind.CallbackSent) == 3,
            TimeSpan.FromSeconds(5));

        var attempts = _h.Simulator.RecordsFor("wx-badnotify").Where(r => r.Kind == RecordKind.CallbackSent).ToList();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, r => Assert.Equal((500, "NO_ACK"), (r.ResponseStatus, r.Result)));
        Assert.Equal(3, _h.Callbacks.All.Count);
        Assert.All(_h.Callbacks.All, r => Assert.Equal(rejection, r.Result.RejectionCode));
        Assert.Equal(1, _h.Simulator.ChargeCount("wx-badnotify"));
    }

    [Fact]
    public async Task ResentNotification_AfterRefusals_IsAcknowledged()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-resend-1"), default);
        _h.Simulator.SetBehaviour("wx-resend-1", new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Callback], Times = 1 });
        _h.Simulator.Pay("wx-resend-1");
        await _h.Simulator.WaitForRecordAsync(
            r => r.Kind == RecordKind.CallbackSent && _h.Simulator.RecordsFor("wx-resend-1").Count(x => x.Kind == RecordKind.CallbackSent) == 3,
            TimeSpan.FromSeconds(5));

        var delivery = await _h.Simulator.SendCallbackAsync("wx-resend-1");

        Assert.Equal((1, 1, true), (delivery.Deliveries, delivery.Attempts, delivery.Acknowledged));
        Assert.Equal("wx-resend-1", _h.Callbacks.All[^1].Result.Callback!.OrderId);
    }

    [Fact]
    public async Task TamperedNotifyAmount_IsDecryptedWithStatedAmount_ForTheGatewaysOwnCheck()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-tamper-amount"), default);
        _h.Simulator.SetBehaviour("wx-tamper-amount", new SimulatorBehaviour { TamperCallbackAmount = true });

        _h.Simulator.Pay("wx-tamper-amount");
        var received = (await _h.Callbacks.WaitForAsync(1)).Single();

        Assert.Equal(1235, received.Result.Callback!.Amount);
    }

    [Fact]
    public async Task DuplicateNotifies_CarrySameEventId_WithOneCharge()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-dup-1"), default);
        _h.Simulator.SetBehaviour("wx-dup-1", new SimulatorBehaviour { RepeatCallbacks = 3 });

        _h.Simulator.Pay("wx-dup-1");
        var received = await _h.Callbacks.WaitForAsync(3);

        Assert.All(received, r => Assert.NotNull(r.Result.Callback));
        Assert.Single(received.Select(r => r.Result.Callback!.ChannelEventId).Distinct());
        Assert.Equal(1, _h.Simulator.ChargeCount("wx-dup-1"));
    }

    [Fact]
    public async Task PlatformCertificateRotation_IsPickedUpForAnswersAndNotifications()
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-rotate-1"), default);
        var old = _h.Simulator.WeChatPay.PlatformCertificate;

        var rotated = _h.Simulator.WeChatPay.RotatePlatformCertificate();
        // The adapter downloads at most once a minute.
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "wx-rotate-1", default);
        _h.Simulator.Pay("wx-rotate-1");
        var notification = (await _h.Callbacks.WaitForAsync(1)).Single();

        Assert.NotEqual(old.SerialNo, rotated.SerialNo);
        Assert.Equal([old.SerialNo, rotated.SerialNo], _h.Simulator.WeChatPay.PlatformCertificates.Select(c => c.SerialNo));
        Assert.Equal(ChannelTradeState.Pending, query.State);
        Assert.Equal(rotated.SerialNo, notification.Request.Headers["Wechatpay-Serial"]);
        Assert.NotNull(notification.Result.Callback);
        var downloads = _h.Simulator.Records.Where(r => r.Kind == WeChatPayRecordKind.Certificates).ToList();
        Assert.Equal(2, downloads.Count);
        Assert.Equal($"{old.SerialNo},{rotated.SerialNo}", downloads[1].Result);
    }

    [Fact]
    public async Task TimeoutAfterCharge_ReturnsUnknown_ThenQuerySucceededWithOneCharge()
    {
        _h.Simulator.SetBehaviour("wx-lost-1", new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Create] });

        var created = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-lost-1"), default);
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "wx-lost-1", default);

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1234, query.Amount);
        Assert.Equal(1, _h.Simulator.ChargeCount("wx-lost-1"));
        Assert.Contains(_h.Simulator.RecordsFor("wx-lost-1"), r => r.Kind == RecordKind.Create && r.ResponseStatus == 0);
    }

    [Theory]
    [InlineData(WeChatPayTradeState.UserPaying, ChannelTradeState.Pending)]
    [InlineData(WeChatPayTradeState.PayError, ChannelTradeState.Failed)]
    public async Task ReportedTradeState_MapsToChannelState(string tradeState, ChannelTradeState expected)
    {
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-state-1"), default);
        _h.Simulator.SetBehaviour("wx-state-1", new SimulatorBehaviour { TradeState = tradeState, Operations = [SimulatorOperation.Query] });

        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "wx-state-1", default);

        Assert.Equal(expected, query.State);
        Assert.Contains(_h.Simulator.RecordsFor("wx-state-1"), r => r.Kind == RecordKind.Query && r.Result == tradeState);
    }

    [Fact]
    public async Task ServerError_ReturnsUnknownForCreateQueryAndClose()
    {
        _h.Simulator.SetBehaviour("wx-5xx-1", new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_ERROR", "系统错误", 500) });

        var created = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-5xx-1"), default);
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "wx-5xx-1", default);
        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "wx-5xx-1", default);

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal("SYSTEM_ERROR", created.ErrorCode);
        Assert.Equal(ChannelTradeState.Unknown, query.State);
        Assert.Equal(ChannelTradeState.Unknown, closed.State);
        Assert.Null(_h.Simulator.FindTrade("wx-5xx-1"));
    }

    [Theory]
    [InlineData("wrong_serial")]
    [InlineData("bad_signature")]
    [InlineData("stale_timestamp")]
    public async Task UnverifiableAnswer_ReturnsUnknown(string fault)
    {
        _h.Simulator.SetBehaviour("wx-badanswer", Fault(fault) with { Operations = [SimulatorOperation.Create, SimulatorOperation.Query] });

        var created = await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request("wx-badanswer"), default);
        var query = await _h.Channel.QueryPaymentAsync(_h.Account, "wx-badanswer", default);

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Unknown, query.State);
        // The simulator did create the order: only its answer was unusable.
        Assert.NotNull(_h.Simulator.FindTrade("wx-badanswer"));
    }

    [Fact]
    public async Task WrongMerchantKey_IsRefusedWithSignError()
    {
        // With the platform certificate known, the refusal itself is verifiable.
        await _h.Channel.WarmUpAsync(_h.Account, default);
        using var other = System.Security.Cryptography.RSA.Create(2048);
        var account = WeChatPaySimulatorHarness.AccountFor(_h.Simulator.BaseAddress, _h.Callbacks.NotifyUrl, other.ExportPkcs8PrivateKeyPem());

        var created = await _h.Channel.CreatePaymentAsync(account, _h.Request("wx-wrongkey"), default);

        Assert.Equal(ChannelOutcome.Failed, created.Outcome);
        Assert.Equal("SIGN_ERROR", created.ErrorCode);
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.Create && r.ResponseStatus == 401 && r.Result == "SIGN_ERROR");
        Assert.Null(_h.Simulator.FindTrade("wx-wrongkey"));
    }

    [Fact]
    public async Task ControlApi_RegistersMerchantRotatesAndRetiresCertificates()
    {
        using var http = new HttpClient { BaseAddress = _h.Simulator.BaseAddress };
        var registration = new { serial_no = "1A2B3C", public_key = WeChatPaySimulatorHarness.Merchant.CertificatePem, apiv3_key = WeChatPaySimulatorHarness.ApiV3Key };

        using var registered = await http.PutAsJsonAsync("/wechatpay/control/merchants/1900000200", registration);
        using var refused = await http.PutAsJsonAsync("/wechatpay/control/merchants/1900000201", registration with { apiv3_key = "short" });
        var first = _h.Simulator.WeChatPay.PlatformCertificate;
        using var rotated = await http.PostAsync("/wechatpay/control/platform-certificates/rotate", null);
        using var retired = await http.DeleteAsync($"/wechatpay/control/platform-certificates/{first.SerialNo}");
        using var listed = JsonDocument.Parse(await http.GetStringAsync("/wechatpay/control/platform-certificates"));

        Assert.Equal(System.Net.HttpStatusCode.NoContent, registered.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, retired.StatusCode);
        var served = listed.RootElement.EnumerateArray().ToList();
        Assert.Single(served);
        Assert.Equal(_h.Simulator.WeChatPay.PlatformCertificate.SerialNo, served[0].GetProperty("serial_no").GetString());
        Assert.True(served[0].GetProperty("signing").GetBoolean());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", served[0].GetProperty("certificate_pem").GetString(), StringComparison.Ordinal);
    }

    private static SimulatorBehaviour Fault(string fault) => fault switch
    {
        "wrong_serial" => new SimulatorBehaviour { WrongSerial = true },
        "bad_signature" => new SimulatorBehaviour { BadSignature = true },
        "stale_timestamp" => new SimulatorBehaviour { StaleTimestamp = true },
        "tamper_callback_resource" => new SimulatorBehaviour { TamperCallbackResource = true },
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
