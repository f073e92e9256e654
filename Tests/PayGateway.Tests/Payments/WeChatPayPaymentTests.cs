using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.ChannelSimulator.WeChatPay;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Payments;

/// <summary>
/// WeChat Pay API v3 end to end over HTTP: a merchant app routed to a WeChat Pay account configured at run time,
/// the real adapter against the simulator, encrypted signed notifications reaching the gateway's callback route,
/// and signed merchant webhooks.
/// </summary>
public sealed class WeChatPayPaymentTests(WeChatPayFixture fixture) : IClassFixture<WeChatPayFixture>
{
    private const string MchId = WeChatPayFixture.MchId;
    private static readonly TimeSpan WebhookTolerance = TimeSpan.FromMinutes(5);

    private readonly MerchantClient _merchant = fixture.WeChatMerchant();

    private async Task<JsonObject> CreateAsync(object body, MerchantClient? merchant = null)
    {
        var response = await (merchant ?? _merchant).PostJsonAsync("/v1/orders", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await MerchantClient.JsonAsync(response);
    }

    private async Task<JsonObject> OrderAsync(string id, MerchantClient? merchant = null) =>
        await MerchantClient.JsonAsync(await (merchant ?? _merchant).GetAsync($"/v1/orders/{id}"));

    private Task<JsonObject> OrderWhenAsync(string id, string status, string what, MerchantClient? merchant = null) =>
        Eventually.HoldsAsync(() => OrderAsync(id, merchant), o => o["status"]?.GetValueKind() == JsonValueKind.String && (string?)o["status"] == status, what);

    private Task<long> ReviewItemsAsync(string code, string accountId = WeChatPayFixture.AccountId) => fixture.Database.ScalarAsync<long>(
        "SELECT COUNT(*) FROM paygw_review_item WHERE channel = 'wechatpay' AND account_id = @a AND code = @c", ("@a", accountId), ("@c", code));

    private IReadOnlyList<SimulatorRecord> Deliveries(string id) =>
        [.. fixture.Simulator.RecordsFor(id).Where(r => r.Kind == RecordKind.CallbackSent)];

    private static void AssertVerifiedWebhook(WebhookReceiver.Delivery delivery, string secret, string orderId, string type, long amount)
    {
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, secret, WebhookTolerance), "webhook signature verifies");
        var evt = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(delivery.EventId, (string?)evt["id"]);
        Assert.Equal(type, (string?)evt["type"]);
        Assert.Equal(orderId, (string?)evt["order"]!["order_id"]);
        Assert.Equal("wechatpay", (string?)evt["order"]!["channel"]);
        Assert.Equal(amount, (long)evt["order"]!["amount"]!);
    }

    [Theory]
    [InlineData("QR_CODE", "qr_code", "NATIVE")]
    [InlineData("SDK", "app_params", "JSAPI")]
    [InlineData("WAP", "redirect_url", "H5")]
    [InlineData("APP", "app_params", "APP")]
    public async Task EachMethod_PaidAtWeChat_OrderSucceedsAndMerchantGetsSignedWebhook(string method, string payDataKind, string tradeType)
    {
        var tag = $"wx-{method.ToLowerInvariant().Replace("_", "", StringComparison.Ordinal)}";
        var created = await CreateAsync(fixture.NewWeChatOrder(tag, method, amount: 2500));
        var id = (string)created["order_id"]!;
        var wxOrder = fixture.Simulator.WeChatPay.FindOrder(id, MchId);

        Assert.Equal("pending", (string?)created["status"]);
        Assert.Equal("wechatpay", (string?)created["channel"]);
        Assert.Equal(payDataKind, (string?)created["pay_data"]!["kind"]);
        Assert.NotNull(wxOrder);
        Assert.Equal(tradeType, wxOrder.TradeType);
        Assert.Equal(WeChatPayFixture.WeChatAppId, wxOrder.AppId);
        var content = (string)created["pay_data"]!["content"]!;
        if (payDataKind == "app_params")
        {
            using var parameters = JsonDocument.Parse(content);
            Assert.Contains(wxOrder.PrepayId!, parameters.RootElement.ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith(new Uri(fixture.Simulator.BaseAddress, "wechatpay/cashier/").ToString(), content, StringComparison.Ordinal);
        }

        fixture.Simulator.Pay(id, MchId);

        var order = await OrderWhenAsync(id, "succeeded", "the encrypted notification moves the order");
        var trade = fixture.Simulator.FindTrade(id, MchId)!;
        Assert.Equal(trade.TradeNo, (string?)order["channel_trade_no"]);
        Assert.NotNull(order["paid_at"]);
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync(tag, d => d.Count >= 1));
        AssertVerifiedWebhook(delivery, fixture.WebhookSecret, id, "order.succeeded", 2500);
        // The simulator logs the delivery when the gateway's answer reaches it, which can come after the webhook.
        await Eventually.HoldsAsync(() => Task.FromResult(Deliveries(id).Count), n => n >= 1, "notification answered");
        var ack = Assert.Single(Deliveries(id));
        Assert.Equal((200, "ACK"), (ack.ResponseStatus, ack.Result));
        Assert.Equal(1, fixture.Simulator.ChargeCount(id, MchId));
    }

    [Fact]
    public async Task CashierPayButton_NativeQrCode_PaysAndOrderSucceeds()
    {
        var id = (string)(await CreateAsync(fixture.NewWeChatOrder("wx-cashier")))["order_id"]!;
        var codeUrl = (string)(await OrderAsync(id))["pay_data"]!["content"]!;
        using var browser = new HttpClient();

        var page = await browser.GetStringAsync(codeUrl);
        var action = System.Text.RegularExpressions.Regex.Match(page, "<form[^>]*action=\"([^\"]+)\"").Groups[1].Value;
        using var paid = await browser.PostAsync(new Uri(new Uri(codeUrl), action), null);

        Assert.Contains("id=\"pay\"", page, StringComparison.Ordinal);
        Assert.True(paid.IsSuccessStatusCode);
        await OrderWhenAsync(id, "succeeded", "paid through the cashier page");
    }

    [Fact]
    public async Task Sync_PaidButNotificationSuppressed_QueryMovesOrderToSucceeded()
    {
        var id = (string)(await CreateAsync(fixture.NewWeChatOrder("wx-sync", amount: 4200)))["order_id"]!;
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { SuppressCallbacks = true });
        var before = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { }));
        fixture.Simulator.Pay(id, MchId);

        var synced = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { }));

        Assert.Equal("pending", (string?)before["status"]);
        Assert.Equal("succeeded", (string?)synced["status"]);
        Assert.Equal(fixture.Simulator.FindTrade(id, MchId)!.TradeNo, (string?)synced["channel_trade_no"]);
        Assert.Empty(Deliveries(id));
        Assert.Equal(2, fixture.Simulator.RecordsFor(id).Count(r => r.Kind == RecordKind.Query));
    }

    [Fact]
    public async Task Sync_PayerStillEnteringPassword_StaysPendingNeverFailed()
    {
        var id = (string)(await CreateAsync(fixture.NewWeChatOrder("wx-userpaying")))["order_id"]!;
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { TradeState = "USERPAYING" });

        var synced = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { }));

        Assert.Equal("pending", (string?)synced["status"]);
        Assert.Contains(fixture.Simulator.RecordsFor(id), r => r.Kind == RecordKind.Query && r.Result == "USERPAYING");
    }

    [Fact]
    public async Task Close_UnpaidOrder_IsClosedAtWeChatAndMerchantNotified()
    {
        var id = (string)(await CreateAsync(fixture.NewWeChatOrder("wx-close", amount: 700)))["order_id"]!;

        var response = await _merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var closed = await MerchantClient.JsonAsync(response);
        Assert.Equal("closed", (string?)closed["status"]);
        Assert.NotNull(closed["closed_at"]);
        Assert.Equal(TradeStatus.Closed, fixture.Simulator.FindTrade(id, MchId)!.Status);
        Assert.Single(fixture.Simulator.RecordsFor(id), r => r.Kind == RecordKind.Close);
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("wx-close", d => d.Count >= 1));
        AssertVerifiedWebhook(delivery, fixture.WebhookSecret, id, "order.closed", 700);
    }

    [Fact]
    public async Task CreateTimesOutAfterCharge_NotificationsSuppressed_SupervisionResolvesUnknownToSucceededWithOneCharge()
    {
        // WeChat takes the money, then neither its answer nor its notification arrives: only supervision can find out.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour
        {
            TimeoutAfterCharge = true,
            SuppressCallbacks = true,
            Operations = [SimulatorOperation.Create, SimulatorOperation.Callback],
        });
        JsonObject created;
        try
        {
            created = await CreateAsync(fixture.NewWeChatOrder("wx-lost", amount: 3300));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var id = (string)created["order_id"]!;

        Assert.Equal("unknown", (string?)created["status"]);
        var order = await OrderWhenAsync(id, "succeeded", "supervision queries WeChat and finds the payment");
        Assert.Equal(fixture.Simulator.FindTrade(id, MchId)!.TradeNo, (string?)order["channel_trade_no"]);
        AssertVerifiedWebhook(Assert.Single(await fixture.Webhooks.WaitForAsync("wx-lost", d => d.Count >= 1)), fixture.WebhookSecret, id, "order.succeeded", 3300);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id, MchId));
        Assert.Single(fixture.Simulator.RecordsFor(id), r => r.Kind == RecordKind.Create);
        Assert.Empty(Deliveries(id));
    }

    public static TheoryData<string, string> FaultyNotifications => new()
    {
        { "wrong_serial", "INVALID_SIGNATURE" },
        { "bad_signature", "INVALID_SIGNATURE" },
        { "stale_timestamp", "INVALID_SIGNATURE" },
        { "tamper_callback_resource", "INVALID_NOTIFICATION" },
    };

    [Theory]
    [MemberData(nameof(FaultyNotifications))]
    public async Task FaultyNotification_IsRejectedChangesNothingAndIsFiledForReview(string fault, string code)
    {
        // An account of its own: a made-up serial makes the adapter hold back further downloads for that account
        // for a minute (flood protection), which must not leak into the other tests.
        var tag = $"wx-fault-{fault.Replace("_", "-", StringComparison.Ordinal)}";
        var accountId = $"{tag}-{Guid.NewGuid():N}"[..40];
        await fixture.OnboardAsync(accountId, $"app_{accountId}");
        var merchant = fixture.WeChatMerchant($"app_{accountId}");
        var id = (string)(await CreateAsync(fixture.NewWeChatOrder(tag, amount: 1500), merchant))["order_id"]!;
        fixture.Simulator.SetBehaviour(id, Fault(fault) with { Operations = [SimulatorOperation.Callback] });

        fixture.Simulator.Pay(id, MchId);

        // One delivery and two retries (the fixture's retry delays), each refused.
        await Eventually.HoldsAsync(() => Task.FromResult(Deliveries(id).Count), n => n == 3, "three refused deliveries");
        await Eventually.HoldsAsync(() => ReviewItemsAsync(code, accountId), n => n == 3, "one review item per refused delivery");
        Assert.All(Deliveries(id), d => Assert.Equal((500, "NO_ACK"), (d.ResponseStatus, d.Result)));
        var order = await OrderAsync(id, merchant);
        Assert.Equal("pending", (string?)order["status"]);
        Assert.Null(order["channel_trade_no"]);
        Assert.Null(order["paid_at"]);
        Assert.Empty(order["notifications"]!.AsArray());
        Assert.Empty(fixture.Webhooks.For(tag));

        // The order was left intact: the genuine notification, resent, is accepted.
        fixture.Simulator.SetBehaviour(id, null);
        var resent = await fixture.Simulator.SendCallbackAsync(id, MchId);
        Assert.True(resent.Acknowledged);
        await OrderWhenAsync(id, "succeeded", "genuine notification accepted", merchant);
    }

    [Fact]
    public async Task NotificationWithTamperedAmount_CorrectlySigned_IsRejectedAsAmountMismatch()
    {
        var id = (string)(await CreateAsync(fixture.NewWeChatOrder("wx-amount", amount: 1000)))["order_id"]!;
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { TamperCallbackAmount = true, Operations = [SimulatorOperation.Callback] });

        fixture.Simulator.Pay(id, MchId);

        await Eventually.HoldsAsync(() => fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @o AND code = 'AMOUNT_MISMATCH'", ("@o", id)), n => n > 0, "review item");
        Assert.Equal("pending", (string?)(await OrderAsync(id))["status"]);
        Assert.Contains(Deliveries(id), d => d.Result == "NO_ACK");
    }

    [Fact]
    public async Task PlatformCertificateRotation_DuringOperation_NotificationsAndAnswersStillVerify()
    {
        var before = (string)(await CreateAsync(fixture.NewWeChatOrder("wx-rotate-a", amount: 610)))["order_id"]!;
        var old = fixture.Simulator.WeChatPay.PlatformCertificate;

        var rotated = fixture.Simulator.WeChatPay.RotatePlatformCertificate();
        fixture.Simulator.Pay(before, MchId);

        await OrderWhenAsync(before, "succeeded", "notification signed with the new certificate accepted");
        var ack = Assert.Single(Deliveries(before));
        Assert.Equal((200, "ACK"), (ack.ResponseStatus, ack.Result));
        Assert.NotEqual(old.SerialNo, rotated.SerialNo);

        // After the overlap ends the old certificate is gone; answers signed with the new one still verify.
        Assert.True(fixture.Simulator.WeChatPay.RetirePlatformCertificate(old.SerialNo));
        var after = await CreateAsync(fixture.NewWeChatOrder("wx-rotate-b", amount: 620));
        var afterId = (string)after["order_id"]!;
        Assert.Equal("pending", (string?)after["status"]);
        var synced = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{afterId}/sync", new { }));
        Assert.Equal("pending", (string?)synced["status"]);
        fixture.Simulator.Pay(afterId, MchId);
        await OrderWhenAsync(afterId, "succeeded", "paid after the old certificate was retired");
    }

    [Fact]
    public async Task NotificationBeforeAnyCertificateDownload_IsDownloadedVerifiedAndAcceptedAtFirstDelivery()
    {
        // A new account: this gateway holds no platform certificates for it, as after a restart. The create's
        // answer never comes (so it cannot load them) while WeChat charges and notifies at once.
        var accountId = $"wx-fresh-{Guid.NewGuid():N}"[..20];
        var appId = $"app_{accountId}";
        await fixture.OnboardAsync(accountId, appId);
        var merchant = fixture.WeChatMerchant(appId);
        var downloadsBefore = fixture.Simulator.Records.Count(r => r.Kind == WeChatPayRecordKind.Certificates);
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Create] });
        JsonObject created;
        try
        {
            created = await CreateAsync(fixture.NewWeChatOrder("wx-fresh", amount: 880), merchant);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var id = (string)created["order_id"]!;

        await OrderWhenAsync(id, "succeeded", "the first notification is verified after downloading certificates", merchant);
        var first = Deliveries(id)[0];
        Assert.Equal((200, "ACK"), (first.ResponseStatus, first.Result));
        Assert.Equal(downloadsBefore + 1, fixture.Simulator.Records.Count(r => r.Kind == WeChatPayRecordKind.Certificates));
        Assert.Equal(0, await ReviewItemsAsync("INVALID_SIGNATURE", accountId));
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
