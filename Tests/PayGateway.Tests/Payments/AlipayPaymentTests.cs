using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Payments;

/// <summary>
/// The Alipay channel end to end over real HTTP: merchant API → gateway → simulated Alipay (OpenAPI, RSA2) →
/// payer → signed async notify → gateway → signed merchant webhook. The account and the app are configured
/// through the admin API while the gateway runs.
/// </summary>
public sealed partial class AlipayPaymentTests(AlipayFixture fixture) : IClassFixture<AlipayFixture>
{
    private const string Subject = "测试商品 A+B";

    private readonly MerchantClient _merchant = fixture.AlipayMerchant();

    private object NewOrder(string tag, long amount = 1234, string method = "QR_CODE", string? authCode = null, string? returnUrl = null) => new
    {
        out_trade_no = $"{tag}-{Guid.NewGuid():N}",
        amount,
        currency = "CNY",
        subject = Subject,
        method,
        notify_url = new Uri(fixture.Webhooks.Url, tag).ToString(),
        return_url = returnUrl,
        auth_code = authCode,
    };

    private async Task<JsonObject> CreateAsync(object body, MerchantClient? merchant = null)
    {
        var response = await (merchant ?? _merchant).PostJsonAsync("/v1/orders", body);
        var json = await MerchantClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"create answered {(int)response.StatusCode}: {json}");
        Assert.Equal("alipay", (string?)json["channel"]);
        return json;
    }

    private async Task<JsonObject> OrderAsync(string id, MerchantClient? merchant = null) =>
        await MerchantClient.JsonAsync(await (merchant ?? _merchant).GetAsync($"/v1/orders/{id}"));

    private Task<JsonObject> OrderWhenAsync(string id, string status) =>
        Eventually.HoldsAsync(() => OrderAsync(id), o => (string?)o["status"] == status, $"order {id} {status}");

    private Task<string?> StoredStatusAsync(string id) =>
        fixture.Database.ScalarAsync<string?>("SELECT status FROM paygw_order WHERE order_id = @o", ("@o", id));

    private Task<long> ReviewItemsAsync(string orderId, string code) => fixture.Database.ScalarAsync<long>(
        "SELECT COUNT(*) FROM paygw_review_item WHERE channel = 'alipay' AND code = @c AND (order_id = @o OR body LIKE @b)",
        ("@o", orderId), ("@c", code), ("@b", $"%{orderId}%"));

    private IReadOnlyList<SimulatorRecord> NotifiesSent(string id) =>
        [.. fixture.Simulator.RecordsFor(id).Where(r => r.Kind == RecordKind.CallbackSent)];

    /// <summary>The payer opens the cashier (scanning the QR code or following the redirect) and presses Pay.</summary>
    private static async Task PayAtCashierAsync(string url)
    {
        using var payer = new HttpClient();
        using var cashier = await payer.GetAsync(url);
        var page = await cashier.Content.ReadAsStringAsync();
        Assert.True(cashier.StatusCode == HttpStatusCode.OK, $"cashier answered {(int)cashier.StatusCode}: {page}");
        var action = FormAction().Match(page);
        Assert.True(action.Success, $"no pay form on the cashier page: {page}");
        using var paid = await payer.PostAsync(new Uri(cashier.RequestMessage!.RequestUri!, action.Groups[1].Value), null);
        Assert.Contains("Payment successful.", await paid.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Everything a paid order must show: succeeded, the notify acknowledged with <c>success</c> and only after the
    /// state was written, exactly one charge, and one signed webhook the merchant can verify.
    /// </summary>
    private async Task AssertPaidLoopAsync(string id, string tag, long amount, MerchantClient? merchant = null)
    {
        var ack = await fixture.Simulator.WaitForRecordAsync(r => r.OutTradeNo == id && r.Kind == RecordKind.CallbackSent && r.Result == "ACK", TimeSpan.FromSeconds(10));
        // The acknowledgement is sent after the write, so the moment Alipay has it the stored order is already paid.
        Assert.Equal("succeeded", await StoredStatusAsync(id));
        Assert.Equal(200, ack.ResponseStatus);

        var order = await OrderAsync(id, merchant);
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Equal(amount, (long)order["amount"]!);
        Assert.NotNull(order["paid_at"]);
        var trade = fixture.Simulator.FindTrade(id)!;
        Assert.Equal(TradeStatus.Succeeded, trade.Status);
        Assert.Equal(trade.TradeNo, (string?)order["channel_trade_no"]);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id));

        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync(tag, d => d.Count >= 1));
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)), "webhook signature");
        var evt = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("order.succeeded", (string?)evt["type"]);
        Assert.Equal(id, (string?)evt["order"]!["order_id"]);
        Assert.Equal("alipay", (string?)evt["order"]!["channel"]);
        Assert.Equal(amount, (long)evt["order"]!["amount"]!);
        Assert.Equal(Subject, (string?)evt["order"]!["subject"]);
        await Eventually.HoldsAsync(() => OrderAsync(id, merchant), o => (string?)o["notifications"]![0]!["status"] == "delivered", "webhook delivery recorded");
    }

    // ---- each method: create → pay at the simulator → signed notify → succeeded → webhook

    [Fact]
    public async Task QrCodePrecreate_PayerScansAndPays_SucceededWithAckedNotifyAndWebhook()
    {
        var created = await CreateAsync(NewOrder("qr", amount: 2599));
        var id = (string)created["order_id"]!;

        Assert.Equal("pending", (string?)created["status"]);
        Assert.Equal("qr_code", (string?)created["pay_data"]!["kind"]);
        var qrCode = (string)created["pay_data"]!["content"]!;
        Assert.StartsWith(new Uri(fixture.Simulator.BaseAddress, "alipay/cashier/").AbsoluteUri, qrCode);
        Assert.Equal("QR_CODE", fixture.Simulator.FindTrade(id)!.Method);

        await PayAtCashierAsync(qrCode);

        await AssertPaidLoopAsync(id, "qr", 2599);
    }

    [Theory]
    [InlineData("WEB", "web", "https://shop.example/return")]
    [InlineData("WAP", "wap", null)]
    public async Task PageAndWapPay_BrowserFollowsSignedRedirectAndPays_SucceededWithAckedNotifyAndWebhook(string method, string tag, string? returnUrl)
    {
        var created = await CreateAsync(NewOrder(tag, amount: 1000, method: method, returnUrl: returnUrl));
        var id = (string)created["order_id"]!;

        Assert.Equal("pending", (string?)created["status"]);
        Assert.Equal("redirect_url", (string?)created["pay_data"]!["kind"]);
        var redirect = (string)created["pay_data"]!["content"]!;
        Assert.StartsWith(fixture.Simulator.AlipayGatewayUrl.AbsoluteUri + "?", redirect);
        Assert.Null(fixture.Simulator.FindTrade(id)); // Alipay creates page trades when the browser arrives

        await PayAtCashierAsync(redirect);

        Assert.Equal(method, fixture.Simulator.FindTrade(id)!.Method);
        await AssertPaidLoopAsync(id, tag, 1000);
    }

    [Fact]
    public async Task AppPay_PayerAppSubmitsOrderString_SucceededWithAckedNotifyAndWebhook()
    {
        var created = await CreateAsync(NewOrder("app", amount: 4321, method: "APP"));
        var id = (string)created["order_id"]!;
        Assert.Equal("app_params", (string?)created["pay_data"]!["kind"]);

        var paid = fixture.Simulator.PayAlipayOrderString((string)created["pay_data"]!["content"]!);

        Assert.Equal(PayOutcome.Paid, paid.Outcome);
        Assert.Equal("APP", paid.Trade!.Method);
        await AssertPaidLoopAsync(id, "app", 4321);
    }

    [Fact]
    public async Task BarcodePay_PaidAtOnce_SucceededOnCreateAndLaterNotifyAcknowledged()
    {
        var created = await CreateAsync(NewOrder("bar", amount: 888, method: "SERVER", authCode: "281234567890123456"));
        var id = (string)created["order_id"]!;

        Assert.Equal("succeeded", (string?)created["status"]);
        Assert.NotNull(created["paid_at"]);
        await AssertPaidLoopAsync(id, "bar", 888);
        Assert.Single((await OrderAsync(id))["notifications"]!.AsArray());
    }

    [Fact]
    public async Task BarcodePay_PayerConfirmsOnPhone_PendingThenSucceededByNotify()
    {
        var created = await CreateAsync(NewOrder("barwait", amount: 1500, method: "SERVER", authCode: "wait123456"));
        var id = (string)created["order_id"]!;
        Assert.Equal("pending", (string?)created["status"]);
        Assert.Equal(fixture.Simulator.FindTrade(id)!.TradeNo, (string?)created["channel_trade_no"]);

        fixture.Simulator.Pay(id);

        await AssertPaidLoopAsync(id, "barwait", 1500);
    }

    [Fact]
    public async Task BarcodePay_Declined_OrderFailedWithAlipaySubCodeAndNothingCharged()
    {
        var created = await CreateAsync(NewOrder("bardecl", method: "SERVER", authCode: "decline1"));
        var id = (string)created["order_id"]!;

        Assert.Equal("failed", (string?)created["status"]);
        Assert.Equal("ACQ.BUYER_BALANCE_NOT_ENOUGH", (string?)created["failure"]!["code"]);
        Assert.Equal(0, fixture.Simulator.ChargeCount(id));
        Assert.Equal("failed", await StoredStatusAsync(id));
    }

    // ---- query and close

    [Fact]
    public async Task Sync_PaidWithNotifySuppressed_QueriesAlipayAndSucceeds()
    {
        var id = (string)(await CreateAsync(NewOrder("sync", amount: 4200)))["order_id"]!;
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { SuppressCallbacks = true });
        var stillPending = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { }));
        fixture.Simulator.Pay(id);

        var synced = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { }));

        Assert.Equal("pending", (string?)stillPending["status"]);
        Assert.Equal("succeeded", (string?)synced["status"]);
        Assert.Equal(fixture.Simulator.FindTrade(id)!.TradeNo, (string?)synced["channel_trade_no"]);
        Assert.NotNull(synced["paid_at"]);
        Assert.Equal(2, fixture.Simulator.RecordsFor(id).Count(r => r.Kind == RecordKind.Query && r.ResponseStatus == 200));
        Assert.Empty(NotifiesSent(id));
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("sync", d => d.Count >= 1));
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Close_UnpaidQrOrder_ClosedAtAlipayAndCannotBePaidAnymore()
    {
        var created = await CreateAsync(NewOrder("close"));
        var id = (string)created["order_id"]!;

        var response = await _merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });
        var closed = await MerchantClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("closed", (string?)closed["status"]);
        Assert.NotNull(closed["closed_at"]);
        Assert.Equal(TradeStatus.Closed, fixture.Simulator.FindTrade(id)!.Status);
        Assert.Equal(PayOutcome.NotPayable, fixture.Simulator.Pay(id).Outcome);
        Assert.Equal(0, fixture.Simulator.ChargeCount(id));
        var evt = JsonNode.Parse(Assert.Single(await fixture.Webhooks.WaitForAsync("close", d => d.Count >= 1)).Body)!;
        Assert.Equal("order.closed", (string?)evt["type"]);
    }

    [Fact]
    public async Task Close_WapOrderBeforeThePayerArrived_Refused409AndTheLaterPaymentStillCompletesIt()
    {
        var created = await CreateAsync(NewOrder("closeearly", amount: 321, method: "WAP"));
        var id = (string)created["order_id"]!;
        Assert.Null(fixture.Simulator.FindTrade(id)); // no trade until the payer's browser arrives

        var response = await _merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });

        // Alipay answers ACQ.TRADE_NOT_EXIST, yet the redirect stays payable until expiry: not closed.
        await ProblemAssert.IsProblemAsync(response, 409, "ORDER_NOT_CLOSABLE", "no trade at Alipay yet");
        Assert.Equal("pending", (string?)(await OrderAsync(id))["status"]);
        await PayAtCashierAsync((string)created["pay_data"]!["content"]!);
        await AssertPaidLoopAsync(id, "closeearly", 321);
        Assert.DoesNotContain(await fixture.Webhooks.WaitForAsync("closeearly", d => d.Count >= 1), d => d.Body.Contains("order.closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Close_PaidButNotifyNotYetArrived_RefusedAsAlreadyPaidAndOrderSucceeded()
    {
        var id = (string)(await CreateAsync(NewOrder("closepaid", amount: 700)))["order_id"]!;
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { SuppressCallbacks = true });
        fixture.Simulator.Pay(id);

        var response = await _merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });

        await ProblemAssert.IsProblemAsync(response, 409, "ORDER_ALREADY_PAID", "closing a paid order");
        var order = await OrderAsync(id);
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Equal(TradeStatus.Succeeded, fixture.Simulator.FindTrade(id)!.Status);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id));
        // Alipay refused the close (ACQ.TRADE_STATUS_ERROR) and the query that followed found the payment.
        Assert.Contains(fixture.Simulator.RecordsFor(id), r => r.Kind == RecordKind.Close && r.Result == "ACQ.TRADE_STATUS_ERROR");
        Assert.Contains(fixture.Simulator.RecordsFor(id), r => r.Kind == RecordKind.Query && r.Result == "TRADE_SUCCESS");
    }

    // ---- supervision

    [Fact]
    public async Task TimeoutAfterChargeWithNotifySuppressed_UnknownThenSupervisionSucceedsWithoutSecondCharge()
    {
        var body = NewOrder("lost", amount: 990, method: "SERVER", authCode: "287634438256643940");
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TimeoutAfterCharge = true, SuppressCallbacks = true, Operations = [SimulatorOperation.Create, SimulatorOperation.Callback] });
        JsonObject created;
        try
        {
            created = await CreateAsync(body);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var id = (string)created["order_id"]!;
        Assert.Equal("unknown", (string?)created["status"]);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id));

        var order = await OrderWhenAsync(id, "succeeded");

        Assert.Equal(fixture.Simulator.FindTrade(id)!.TradeNo, (string?)order["channel_trade_no"]);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id));
        Assert.Equal(1, fixture.Simulator.RecordsFor(id).Count(r => r.Kind == RecordKind.Create));
        Assert.Contains(fixture.Simulator.RecordsFor(id), r => r.Kind == RecordKind.Query && r.Result == "TRADE_SUCCESS");
        Assert.Empty(NotifiesSent(id));
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("lost", d => d.Count >= 1));
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
    }

    // ---- notifies the gateway must refuse

    [Fact]
    public async Task NotifyWithTamperedAmountButValidSignature_RejectedUnacknowledgedAndRecorded()
    {
        var id = (string)(await CreateAsync(NewOrder("tamper", amount: 1000)))["order_id"]!;
        // Alipay's query is down meanwhile (20000), so supervision cannot settle the order behind the notify's back.
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour
        {
            TamperCallbackAmount = true,
            Fail = new SimulatorFailure("20000", "服务暂不可用", SubCode: "isp.unknow-error"),
            Operations = [SimulatorOperation.Callback, SimulatorOperation.Query],
        });

        fixture.Simulator.Pay(id);

        // One delivery plus the fixture's two retries, each refused.
        await Eventually.HoldsAsync(() => Task.FromResult(NotifiesSent(id).Count), n => n == 3, "all notify attempts made");
        Assert.All(NotifiesSent(id), r => Assert.Equal((400, "NO_ACK", 1001L), (r.ResponseStatus, r.Result!, r.Amount!.Value)));
        Assert.Equal(3, await ReviewItemsAsync(id, "AMOUNT_MISMATCH"));
        var order = await OrderAsync(id);
        Assert.Equal("pending", (string?)order["status"]);
        Assert.Empty(order["notifications"]!.AsArray());
        Assert.Empty(fixture.Webhooks.For("tamper"));

        // Once Alipay answers queries again, the real payment (of the real amount) is found.
        fixture.Simulator.SetBehaviour(id, null);
        var synced = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { }));
        Assert.Equal("succeeded", (string?)synced["status"]);
        Assert.Equal(1000, (long)synced["amount"]!);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id));
    }

    [Fact]
    public async Task NotifySignedWithWrongKey_RejectedUnacknowledgedAndRecorded()
    {
        var id = (string)(await CreateAsync(NewOrder("forged")))["order_id"]!;
        // Alipay's query answers are forged too, so supervision cannot settle the order behind the notify's back.
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Callback, SimulatorOperation.Query] });

        fixture.Simulator.Pay(id);

        await Eventually.HoldsAsync(() => Task.FromResult(NotifiesSent(id).Count), n => n == 3, "all notify attempts made");
        Assert.All(NotifiesSent(id), r => Assert.Equal((400, "NO_ACK"), (r.ResponseStatus, r.Result!)));
        Assert.Equal(3, await ReviewItemsAsync(id, "INVALID_SIGNATURE"));
        var order = await OrderAsync(id);
        Assert.Equal("pending", (string?)order["status"]);
        Assert.Empty(order["notifications"]!.AsArray());
    }

    [Fact]
    public async Task NotifyAmountChangedInTransit_RejectedAsInvalidSignatureWithFailBody()
    {
        var id = (string)(await CreateAsync(NewOrder("transit", amount: 1234)))["order_id"]!;
        var genuine = fixture.SignedNotify(NotifyFields(id, "12.34"));
        var tampered = genuine.Replace("total_amount=12.34", "total_amount=0.01", StringComparison.Ordinal);
        Assert.NotEqual(genuine, tampered);

        var response = await fixture.PostNotifyAsync(tampered);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("fail", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await ReviewItemsAsync(id, "INVALID_SIGNATURE"));
        Assert.Equal("pending", (string?)(await OrderAsync(id))["status"]);
        Assert.Equal("pending", await StoredStatusAsync(id));
    }

    [Fact]
    public async Task NotifyForAnotherAlipayApp_RejectedAndChangesNothing()
    {
        var id = (string)(await CreateAsync(NewOrder("otherapp")))["order_id"]!;
        var fields = NotifyFields(id, "12.34");
        fields["app_id"] = "2021000000009999";

        var response = await fixture.PostNotifyAsync(fixture.SignedNotify(fields));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("fail", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, await ReviewItemsAsync(id, "MERCHANT_MISMATCH"));
        Assert.Equal("pending", (string?)(await OrderAsync(id))["status"]);
    }

    [Fact]
    public async Task GenuineNotify_AnsweredPlainSuccessAfterStateWrittenAndRepeatChangesNothing()
    {
        var id = (string)(await CreateAsync(NewOrder("direct", amount: 1234)))["order_id"]!;
        var body = fixture.SignedNotify(NotifyFields(id, "12.34"));

        var first = await fixture.PostNotifyAsync(body);
        var storedWhenAnswered = await StoredStatusAsync(id);
        var repeat = await fixture.PostNotifyAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/plain", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("success", await first.Content.ReadAsStringAsync());
        Assert.Equal("succeeded", storedWhenAnswered);
        Assert.Equal("success", await repeat.Content.ReadAsStringAsync());
        var order = await OrderAsync(id);
        Assert.Equal("2026112622001499160501589436", (string?)order["channel_trade_no"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 2, 15, 30, TimeSpan.Zero), DateTimeOffset.Parse((string)order["paid_at"]!, CultureInfo.InvariantCulture));
        Assert.Single(order["notifications"]!.AsArray());
        Assert.Equal(0, await ReviewItemsAsync(id, "INVALID_SIGNATURE"));
    }

    // ---- run-time configuration

    [Fact]
    public async Task AccountAndAppConfiguredAtRunTime_TakePaymentAndKeyRotationTakesEffectWithoutRestart()
    {
        const string alipayAppId = "2021000000000777";
        var accountId = $"alipay-rt-{Guid.NewGuid():N}"[..24];
        var appId = $"app_rt_{Guid.NewGuid():N}"[..20];
        using var firstKey = RSA.Create(2048);
        fixture.Simulator.AddAlipayApp(alipayAppId, firstKey.ExportSubjectPublicKeyInfoPem());
        // PKCS#8 this time (the Java SDK's format), where the fixture's own account uses PKCS#1.
        await fixture.ConfigureAccountAsync(accountId, alipayAppId, Convert.ToBase64String(firstKey.ExportPkcs8PrivateKey()));
        await fixture.ConfigureAppAsync(appId, accountId);
        var merchant = fixture.AlipayMerchant(appId);

        var before = (string)(await CreateAsync(NewOrder("rt1", amount: 300), merchant))["order_id"]!;
        fixture.Simulator.Pay(before);
        await AssertPaidLoopAsync(before, "rt1", 300, merchant);

        // The merchant rotates the app key at Alipay and then at the gateway.
        using var secondKey = RSA.Create(2048);
        fixture.Simulator.AddAlipayApp(alipayAppId, AlipayFixture.PublicKeyOf(secondKey));
        await fixture.ConfigureAccountAsync(accountId, alipayAppId, secondKey.ExportPkcs8PrivateKeyPem());
        var after = (string)(await CreateAsync(NewOrder("rt2", amount: 301), merchant))["order_id"]!;
        fixture.Simulator.Pay(after);

        await AssertPaidLoopAsync(after, "rt2", 301, merchant);
        using var admin = fixture.OperatorClient();
        var account = await MerchantClient.JsonAsync(await admin.GetAsync($"/admin/v1/channel-accounts/alipay/{accountId}"));
        Assert.Equal(alipayAppId, (string?)account["settings"]!["app_id"]);
        Assert.DoesNotContain("PRIVATE", account.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccountWithAlipayPublicCertificateInsteadOfKey_VerifiesAnswersAndNotifies()
    {
        // Accounts set up for cert mode hold Alipay's public certificate (PEM) rather than the bare key.
        var request = new CertificateRequest("CN=Alipay Simulator", fixture.PlatformKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var accountId = $"alipay-crt-{Guid.NewGuid():N}"[..24];
        var appId = $"app_crt_{Guid.NewGuid():N}"[..20];
        await fixture.ConfigureAccountAsync(accountId, AlipayFixture.AlipayAppId, Convert.ToBase64String(fixture.AppKey.ExportRSAPrivateKey()), certificate.ExportCertificatePem());
        await fixture.ConfigureAppAsync(appId, accountId);
        var merchant = fixture.AlipayMerchant(appId);

        var created = await CreateAsync(NewOrder("crt", amount: 555), merchant);
        var id = (string)created["order_id"]!;
        await PayAtCashierAsync((string)created["pay_data"]!["content"]!);

        await AssertPaidLoopAsync(id, "crt", 555, merchant);
    }

    /// <summary>A TRADE_SUCCESS notify as Alipay sends it (without sign and sign_type).</summary>
    private static Dictionary<string, string> NotifyFields(string orderId, string totalAmount) => new(StringComparer.Ordinal)
    {
        ["notify_time"] = "2026-11-26 10:15:31",
        ["notify_type"] = "trade_status_sync",
        ["notify_id"] = $"2026112600222101531{Guid.NewGuid():N}"[..34],
        ["app_id"] = AlipayFixture.AlipayAppId,
        ["auth_app_id"] = AlipayFixture.AlipayAppId,
        ["charset"] = "utf-8",
        ["version"] = "1.0",
        ["trade_no"] = "2026112622001499160501589436",
        ["out_trade_no"] = orderId,
        ["trade_status"] = "TRADE_SUCCESS",
        ["subject"] = Subject,
        ["total_amount"] = totalAmount,
        ["receipt_amount"] = totalAmount,
        ["buyer_pay_amount"] = totalAmount,
        ["gmt_create"] = "2026-11-26 10:15:20",
        ["gmt_payment"] = "2026-11-26 10:15:30",
        ["seller_id"] = "2088101117955611",
        ["fund_bill_list"] = $$"""[{"amount":"{{totalAmount}}","fundChannel":"ALIPAYACCOUNT"}]""",
    };

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
