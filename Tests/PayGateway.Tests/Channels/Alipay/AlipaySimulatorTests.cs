using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;
using PayGateway.Hosting;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>The real <see cref="AlipayChannel"/> against the simulator's Alipay side, over real HTTP.</summary>
public sealed partial class AlipaySimulatorTests : IAsyncLifetime
{
    private AlipaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await AlipaySimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<ChannelPaymentResult> CreateAsync(string orderId, PayMethod method = PayMethod.QR_CODE, string? authCode = null) =>
        _h.Channel.CreatePaymentAsync(_h.Account, AlipaySimulatorHarness.Request(orderId, method, authCode: authCode), default);

    private Task<ChannelQueryResult> QueryAsync(string orderId) => _h.Channel.QueryPaymentAsync(_h.Account, orderId, default);

    // ---- each method → query → Succeeded

    [Fact]
    public async Task Precreate_PaidByScanningQrCode_QuerySucceeded()
    {
        var created = await CreateAsync("o_qr");
        var pending = await QueryAsync("o_qr");
        using var payer = new HttpClient();
        var page = await payer.GetStringAsync(created.PayData!.Content);
        using var paid = await payer.PostAsync(new Uri(new Uri(created.PayData.Content), FormAction().Match(page).Groups[1].Value), null);
        var query = await QueryAsync("o_qr");

        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal("qr_code", created.PayData.Kind);
        Assert.StartsWith(new Uri(_h.Simulator.BaseAddress, "alipay/cashier/").AbsoluteUri, created.PayData.Content);
        Assert.Equal(ChannelTradeState.Pending, pending.State);
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1234, query.Amount);
        Assert.Equal("CNY", query.Currency);
        Assert.NotNull(query.PaidAt);
        Assert.Equal(_h.Simulator.FindTrade("o_qr")!.TradeNo, query.ChannelTradeNo);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_qr"));
    }

    [Theory]
    [InlineData(PayMethod.WEB, "WEB")]
    [InlineData(PayMethod.WAP, "WAP")]
    public async Task PageOrWapPay_SignedRedirectThenCashierPay_QuerySucceeded(PayMethod method, string simulatorMethod)
    {
        var created = await CreateAsync("o_page", method);
        using var browser = new HttpClient();
        using var cashier = await browser.GetAsync(created.PayData!.Content);
        var page = await cashier.Content.ReadAsStringAsync();
        var action = FormAction().Match(page).Groups[1].Value;
        using var paid = await browser.PostAsync(new Uri(cashier.RequestMessage!.RequestUri!, action), null);
        var query = await QueryAsync("o_page");

        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal("redirect_url", created.PayData.Kind);
        Assert.StartsWith(_h.Simulator.AlipayGatewayUrl.AbsoluteUri + "?", created.PayData.Content);
        Assert.Equal(HttpStatusCode.OK, cashier.StatusCode);
        Assert.Contains("/alipay/cashier/", cashier.RequestMessage.RequestUri!.AbsolutePath);
        Assert.Contains("id=\"pay\"", page);
        Assert.Contains("Payment successful.", await paid.Content.ReadAsStringAsync());
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(simulatorMethod, _h.Simulator.FindTrade("o_page")!.Method);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_page"));
    }

    [Fact]
    public async Task PagePay_ReturnLinkAfterPayment_VerifiesWithPlatformKey()
    {
        var created = await CreateAsync("o_return", PayMethod.WEB);
        using var browser = new HttpClient();
        using var cashier = await browser.GetAsync(created.PayData!.Content);
        using var paid = await browser.PostAsync(new Uri(cashier.RequestMessage!.RequestUri!, FormAction().Match(await cashier.Content.ReadAsStringAsync()).Groups[1].Value), null);
        var returnUrl = WebUtility.HtmlDecode(ReturnLink().Match(await paid.Content.ReadAsStringAsync()).Groups[1].Value);

        Assert.StartsWith("https://shop.example/return?", returnUrl);
        Assert.True(AlipayForm.TryParseUrlQuery(returnUrl, out var fields));
        using var key = AlipayKeys.LoadPublicKey(_h.Simulator.AlipayPublicKey);
        Assert.Equal(AlipayNotifyStatus.Verified, AlipayNotifyVerifier.Verify(fields, key));
        Assert.Equal("alipay.trade.page.pay.return", fields["method"]);
        Assert.Equal("o_return", fields["out_trade_no"]);
        Assert.Equal("12.34", fields["total_amount"]);
    }

    [Fact]
    public async Task AppPay_OrderStringPaidThroughControl_QuerySucceeded()
    {
        var created = await CreateAsync("o_app", PayMethod.APP);
        var paid = _h.Simulator.PayAlipayOrderString(created.PayData!.Content);
        var query = await QueryAsync("o_app");

        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal("app_params", created.PayData.Kind);
        Assert.Equal(PayOutcome.Paid, paid.Outcome);
        Assert.Equal("APP", paid.Trade!.Method);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_app"));
    }

    [Fact]
    public async Task AppPay_OrderStringPaidTwiceOverHttpControl_ChargedOnce()
    {
        var created = await CreateAsync("o_app2", PayMethod.APP);
        using var control = new HttpClient { BaseAddress = _h.Simulator.BaseAddress };

        using var first = await control.PostAsync("alipay/control/app-pay", new StringContent(created.PayData!.Content));
        using var second = await control.PostAsync("alipay/control/app-pay", new StringContent(created.PayData.Content));
        using var firstJson = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        using var secondJson = JsonDocument.Parse(await second.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("Paid", firstJson.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("AlreadyPaid", secondJson.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(1, _h.Simulator.ChargeCount("o_app2"));
    }

    [Fact]
    public async Task AppPay_OrderStringTampered_RefusedWithInvalidSignature()
    {
        var created = await CreateAsync("o_app3", PayMethod.APP);
        var tampered = created.PayData!.Content.Replace("12.34", "0.01", StringComparison.Ordinal);

        var paid = _h.Simulator.PayAlipayOrderString(tampered);

        Assert.Null(paid.Trade);
        Assert.Equal(("40002", "isv.invalid-signature"), (paid.Code, paid.SubCode));
        Assert.Equal(0, _h.Simulator.ChargeCount("o_app3"));
    }

    [Fact]
    public async Task Barcode_PaysSynchronously_SucceededAndQuerySucceeded()
    {
        var created = await CreateAsync("o_bar", PayMethod.SERVER, "286712345678901234");
        var query = await QueryAsync("o_bar");

        Assert.Equal(ChannelOutcome.Succeeded, created.Outcome);
        Assert.Equal(_h.Simulator.FindTrade("o_bar")!.TradeNo, created.ChannelTradeNo);
        Assert.NotNull(created.PaidAt);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_bar"));
    }

    [Fact]
    public async Task Barcode_WaitPrefix_AcceptedAsUserPayingThenPaid()
    {
        var created = await CreateAsync("o_wait", PayMethod.SERVER, "wait_2867123");
        var pending = await QueryAsync("o_wait");
        _h.Simulator.Pay("o_wait");
        var query = await QueryAsync("o_wait");

        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal("USER_PAYING", created.ErrorCode);
        Assert.NotNull(created.ChannelTradeNo);
        Assert.Equal(ChannelTradeState.Pending, pending.State);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_wait"));
    }

    [Fact]
    public async Task Barcode_DeclinePrefix_FailedWithSubCodeAndNoTrade()
    {
        var created = await CreateAsync("o_decline", PayMethod.SERVER, "decline_2867123");
        var query = await QueryAsync("o_decline");

        Assert.Equal(ChannelOutcome.Failed, created.Outcome);
        Assert.Equal("ACQ.BUYER_BALANCE_NOT_ENOUGH", created.ErrorCode);
        Assert.Equal(ChannelTradeState.NotFound, query.State);
        Assert.Equal(0, _h.Simulator.ChargeCount("o_decline"));
    }

    // ---- query and close

    [Fact]
    public async Task Query_UnknownOrder_NotFound()
    {
        var query = await QueryAsync("o_none");

        Assert.Equal(ChannelTradeState.NotFound, query.State);
        Assert.Equal("ACQ.TRADE_NOT_EXIST", query.ErrorCode);
    }

    [Fact]
    public async Task Close_UnpaidOrder_ClosedAndCannotBePaid()
    {
        await CreateAsync("o_close");

        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "o_close", default);
        var pay = _h.Simulator.Pay("o_close");
        var query = await QueryAsync("o_close");
        var again = await _h.Channel.ClosePaymentAsync(_h.Account, "o_close", default);

        Assert.Equal(ChannelTradeState.Closed, closed.State);
        Assert.Equal(PayOutcome.NotPayable, pay.Outcome);
        Assert.Equal(ChannelTradeState.Closed, query.State);
        Assert.Equal(ChannelTradeState.Closed, again.State);
        Assert.Equal("ACQ.TRADE_STATUS_ERROR", again.ErrorCode);
        Assert.Equal(0, _h.Simulator.ChargeCount("o_close"));
    }

    [Fact]
    public async Task Close_PaidOrder_ReportsSucceeded()
    {
        await CreateAsync("o_closepaid");
        _h.Simulator.Pay("o_closepaid");

        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "o_closepaid", default);

        Assert.Equal(ChannelTradeState.Succeeded, closed.State);
        Assert.Equal("ACQ.TRADE_STATUS_ERROR", closed.ErrorCode);
    }

    [Fact]
    public async Task Close_UnknownOrder_NotFound()
    {
        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "o_closenone", default);

        Assert.Equal(ChannelTradeState.NotFound, closed.State);
    }

    [Fact]
    public async Task CreateTwiceWithSameContent_ReturnsSameTradeAndDifferentAmountIsRefused()
    {
        var first = await CreateAsync("o_twice");
        var second = await CreateAsync("o_twice");
        var conflict = await _h.Channel.CreatePaymentAsync(_h.Account, AlipaySimulatorHarness.Request("o_twice", amount: 999), default);

        Assert.Equal(first.PayData, second.PayData);
        Assert.Equal(ChannelOutcome.Failed, conflict.Outcome);
        Assert.Equal("ACQ.CONTEXT_INCONSISTENT", conflict.ErrorCode);
    }

    // ---- notifies

    [Fact]
    public async Task Notify_AfterPayment_VerifiesAndIsAcknowledged()
    {
        await CreateAsync("o_notify");
        var tradeNo = _h.Simulator.Pay("o_notify").Trade.TradeNo;

        var received = (await _h.Notifies.WaitForAsync(1)).Single();
        var ack = await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent, TimeSpan.FromSeconds(5));
        Assert.True(AlipayForm.TryParse(received.Request.Body.Span, out var fields));

        var callback = received.Result.Callback!;
        Assert.Equal("o_notify", callback.OrderId);
        Assert.Equal(ChannelTradeState.Succeeded, callback.State);
        Assert.Equal(tradeNo, callback.ChannelTradeNo);
        Assert.Equal(1234, callback.Amount);
        Assert.Equal(AlipaySimulatorHarness.AppId, callback.ChannelMerchantId);
        Assert.NotNull(callback.PaidAt);
        Assert.False(string.IsNullOrEmpty(callback.ChannelEventId));
        Assert.StartsWith("application/x-www-form-urlencoded", received.Request.ContentType);
        Assert.Equal("trade_status_sync", fields["notify_type"]);
        Assert.Equal("TRADE_SUCCESS", fields["trade_status"]);
        Assert.Equal("RSA2", fields["sign_type"]);
        Assert.Equal("测试商品 A+B", fields["subject"]);
        Assert.Equal("2088101117955611", fields["seller_id"]);
        Assert.Equal((200, "ACK"), (ack.ResponseStatus, ack.Result));
    }

    [Fact]
    public async Task Notify_TamperedInTransit_Rejected()
    {
        await CreateAsync("o_transit");
        _h.Simulator.Pay("o_transit");
        var original = (await _h.Notifies.WaitForAsync(1)).Single().Request;
        var tampered = original with { Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original.Body.Span).Replace("total_amount=12.34", "total_amount=0.01", StringComparison.Ordinal)) };

        var result = await _h.Channel.ParseCallbackAsync(_h.Account, tampered, default);

        Assert.NotNull((await _h.Channel.ParseCallbackAsync(_h.Account, original, default)).Callback);
        Assert.NotEqual(original.Body.ToArray(), tampered.Body.ToArray());
        Assert.Null(result.Callback);
        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task Notify_BadSignatureBehaviour_RejectedAndRetried()
    {
        _h.Simulator.SetBehaviour("o_forged", new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Callback] });
        await CreateAsync("o_forged");
        _h.Simulator.Pay("o_forged");

        // One delivery and two retries (the harness configures two retry delays), each refused by ParseCallback.
        var received = await _h.Notifies.WaitForAsync(3);
        await _h.Simulator.WaitForRecordAsync(_ => CallbacksSent("o_forged") == 3, TimeSpan.FromSeconds(5));

        Assert.All(received, r => Assert.Equal("INVALID_SIGNATURE", r.Result.RejectionCode));
        Assert.All(_h.Simulator.RecordsFor("o_forged").Where(r => r.Kind == RecordKind.CallbackSent), r => Assert.Equal((400, "NO_ACK"), (r.ResponseStatus, r.Result)));
    }

    [Fact]
    public async Task Notify_TamperedAmountBehaviour_VerifiesButCarriesOtherAmount()
    {
        _h.Simulator.SetBehaviour("o_amount", new SimulatorBehaviour { TamperCallbackAmount = true, Operations = [SimulatorOperation.Callback] });
        await CreateAsync("o_amount");
        _h.Simulator.Pay("o_amount");

        var callback = (await _h.Notifies.WaitForAsync(1)).Single().Result.Callback!;

        // Correctly signed: only the gateway's own amount check against the order catches it.
        Assert.Equal(1235, callback.Amount);
    }

    [Fact]
    public async Task Notify_RepeatBehaviour_DeliversDuplicatesWithSameNotifyId()
    {
        _h.Simulator.SetBehaviour("o_dup", new SimulatorBehaviour { RepeatCallbacks = 2, Operations = [SimulatorOperation.Callback] });
        await CreateAsync("o_dup");
        _h.Simulator.Pay("o_dup");

        var received = await _h.Notifies.WaitForAsync(2);

        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.NotNull(r.Result.Callback));
        Assert.Equal(received[0].Result.Callback!.ChannelEventId, received[1].Result.Callback!.ChannelEventId);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_dup"));
    }

    // ---- misbehaviour

    [Fact]
    public async Task TimeoutAfterCharge_UnknownThenQuerySucceededWithOneCharge()
    {
        _h.Simulator.SetBehaviour("o_lost", new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Create] });

        var created = await _h.ImpatientChannel.CreatePaymentAsync(_h.Account, AlipaySimulatorHarness.Request("o_lost"), default);
        await WaitForChargeAsync("o_lost");
        var query = await QueryAsync("o_lost");

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1234, query.Amount);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_lost"));
        Assert.Contains(_h.Simulator.RecordsFor("o_lost"), r => r.Kind == RecordKind.Create && r.ResponseStatus == 0);
    }

    [Fact]
    public async Task TimeoutAfterChargeThenRetriedBarcode_SucceededWithoutSecondCharge()
    {
        _h.Simulator.SetBehaviour("o_retry", new SimulatorBehaviour { TimeoutAfterCharge = true, Times = 1 });

        var first = await _h.ImpatientChannel.CreatePaymentAsync(_h.Account, AlipaySimulatorHarness.Request("o_retry", PayMethod.SERVER, authCode: "286712345678901234"), default);
        await WaitForChargeAsync("o_retry");
        var second = await CreateAsync("o_retry", PayMethod.SERVER, "286712345678901234");

        Assert.Equal(ChannelOutcome.Unknown, first.Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, second.Outcome);
        Assert.Equal("ACQ.TRADE_HAS_SUCCESS", second.ErrorCode);
        Assert.Equal(1, _h.Simulator.ChargeCount("o_retry"));
    }

    [Fact]
    public async Task BadResponseSignature_CreateQueryAndCloseUnknown()
    {
        _h.Simulator.SetBehaviour("o_badsig", new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Create, SimulatorOperation.Query, SimulatorOperation.Close] });

        var created = await CreateAsync("o_badsig");
        var query = await QueryAsync("o_badsig");
        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, "o_badsig", default);

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Unknown, query.State);
        Assert.Equal(ChannelTradeState.Unknown, closed.State);
    }

    [Fact]
    public async Task Code20000_CreateAndQueryUnknown()
    {
        _h.Simulator.SetBehaviour("o_20000", new SimulatorBehaviour { Fail = new SimulatorFailure("20000", "服务暂不可用", SubCode: "isp.unknow-error") });

        var created = await CreateAsync("o_20000", PayMethod.SERVER, "286712345678901234");
        var query = await QueryAsync("o_20000");

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal("isp.unknow-error", created.ErrorCode);
        Assert.Equal(ChannelTradeState.Unknown, query.State);
        Assert.Equal(0, _h.Simulator.ChargeCount("o_20000"));
    }

    [Fact]
    public async Task BusinessFailure40004_FailedWithSubCode()
    {
        _h.Simulator.SetBehaviour("o_40004", new SimulatorBehaviour { Fail = new SimulatorFailure("40004", "订单金额超过限额", SubCode: "ACQ.TOTAL_FEE_EXCEED") });

        var created = await CreateAsync("o_40004");

        Assert.Equal(ChannelOutcome.Failed, created.Outcome);
        Assert.Equal("ACQ.TOTAL_FEE_EXCEED", created.ErrorCode);
        Assert.Equal("订单金额超过限额", created.ErrorMessage);
        Assert.Contains(_h.Simulator.RecordsFor("o_40004"), r => r.Kind == RecordKind.Create && r.Result == "ACQ.TOTAL_FEE_EXCEED");
    }

    [Fact]
    public async Task DelayLongerThanClientTimeout_UnknownButTradeCreated()
    {
        _h.Simulator.SetBehaviour("o_slow", new SimulatorBehaviour { DelayMs = 1500, Operations = [SimulatorOperation.Create] });
        // Opens the impatient client's connection first, so its one-second timeout is spent waiting for the answer: on
        // a busy machine a new connection could take that long, and the create would time out before it was sent.
        await _h.ImpatientChannel.QueryPaymentAsync(_h.Account, "o_warm", default);

        var created = await _h.ImpatientChannel.CreatePaymentAsync(_h.Account, AlipaySimulatorHarness.Request("o_slow"), default);
        await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.Create && r.OutTradeNo == "o_slow", TimeSpan.FromSeconds(5));
        var query = await QueryAsync("o_slow");

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Pending, query.State);
    }

    [Fact]
    public async Task GatewayTimeoutHandlerFires_QueryAndCreateUnknownWithoutThrowing()
    {
        // The HTTP client exactly as the silo registers it: the timeout comes from the resilience handler, which
        // throws its own exception type rather than the HttpClient.Timeout cancellation the harness uses.
        var services = new ServiceCollection().AddLogging();
        services.Configure<GatewayOptions>(o => o.ChannelTimeout = TimeSpan.FromMilliseconds(300));
        services.AddPaymentChannel<AlipayChannel>(AlipayChannel.ChannelName);
        await using var provider = services.BuildServiceProvider();
        var channel = Assert.IsType<AlipayChannel>(provider.GetRequiredService<IPaymentChannel>());
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = 1000 });

        var created = await channel.CreatePaymentAsync(_h.Account, AlipaySimulatorHarness.Request("o_polly"), default);
        var query = await channel.QueryPaymentAsync(_h.Account, "o_polly", default);

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Unknown, query.State);
    }

    // ---- request authentication

    [Fact]
    public async Task RequestSignedWithWrongAppKey_RefusedWithInvalidSignature()
    {
        var account = _h.AccountWith(appPrivateKey: AlipaySimulatorHarness.NewKeyPair().Private);

        var created = await _h.Channel.CreatePaymentAsync(account, AlipaySimulatorHarness.Request("o_wrongkey"), default);

        Assert.Equal(ChannelOutcome.Failed, created.Outcome);
        Assert.Equal("isv.invalid-signature", created.ErrorCode);
        Assert.Null(_h.Simulator.FindTrade("o_wrongkey"));
        Assert.Contains(_h.Simulator.RecordsFor("o_wrongkey"), r => r.Kind == RecordKind.Create && r.Result == "isv.invalid-signature");
    }

    [Fact]
    public async Task UnknownAppId_RefusedWithInvalidAppId()
    {
        var created = await _h.Channel.CreatePaymentAsync(_h.AccountWith(appId: "2021999999999999"), AlipaySimulatorHarness.Request("o_noapp"), default);

        Assert.Equal(ChannelOutcome.Failed, created.Outcome);
        Assert.Equal("isv.invalid-app-id", created.ErrorCode);
    }

    [Fact]
    public async Task AppAddedAtRunTime_IsAccepted()
    {
        var keys = AlipaySimulatorHarness.NewKeyPair();
        _h.Simulator.AddAlipayApp("2021000000000002", keys.Public);

        var created = await _h.Channel.CreatePaymentAsync(_h.AccountWith(keys.Private, appId: "2021000000000002"), AlipaySimulatorHarness.Request("o_newapp"), default);

        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal("2021000000000002", _h.Simulator.FindTrade("o_newapp")!.MerchantId);
    }

    [Fact]
    public async Task PageRedirectWithTamperedUrl_ShowsErrorPage()
    {
        var created = await CreateAsync("o_pagebad", PayMethod.WEB);
        using var browser = new HttpClient();

        using var answer = await browser.GetAsync(created.PayData!.Content.Replace("12.34", "0.01", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("isv.invalid-signature", await answer.Content.ReadAsStringAsync());
        Assert.Null(_h.Simulator.FindTrade("o_pagebad"));
    }

    // ---- wire shape

    [Fact]
    public void PlatformKey_IsTheConfiguredOne()
    {
        Assert.Equal(AlipaySimulatorHarness.PlatformKeys.Public, _h.Simulator.AlipayPublicKey);
    }

    [Fact]
    public async Task RawResponse_IsAlipayEnvelopeSignedOverPayloadText()
    {
        using var appKey = AlipayKeys.LoadPrivateKey(AlipaySimulatorHarness.AppKeys.Private);
        var context = new AlipayRequestContext(AlipaySimulatorHarness.AppId, null, null, null);
        var parameters = AlipayRequest.Build(context, "alipay.trade.precreate",
            new Dictionary<string, object?> { ["out_trade_no"] = "o_raw", ["total_amount"] = "0.01", ["subject"] = "原始" }, DateTimeOffset.UtcNow, appKey);
        using var http = new HttpClient();
        using var content = new FormUrlEncodedContent(parameters);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };

        using var response = await http.PostAsync(_h.Simulator.AlipayGatewayUrl, content);
        var body = await response.Content.ReadAsStringAsync();
        using var alipayKey = AlipayKeys.LoadPublicKey(_h.Simulator.AlipayPublicKey);
        var verification = AlipayResponseVerifier.Verify(body, "alipay.trade.precreate", alipayKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("{\"alipay_trade_precreate_response\":{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"o_raw\",\"qr_code\":\"http:\\/\\/127.0.0.1:", body);
        Assert.Matches("\\},\"sign\":\"[A-Za-z0-9+/=]+\"\\}$", body);
        Assert.Equal(AlipayResponseStatus.Verified, verification.Status);
    }

    [Fact]
    public async Task RawRequestWithoutSignature_SignedErrorMissingSignature()
    {
        using var http = new HttpClient();
        using var content = new FormUrlEncodedContent(new Dictionary<string, string> { ["app_id"] = AlipaySimulatorHarness.AppId, ["method"] = "alipay.trade.query" });

        var body = await (await http.PostAsync(_h.Simulator.AlipayGatewayUrl, content)).Content.ReadAsStringAsync();
        using var alipayKey = AlipayKeys.LoadPublicKey(_h.Simulator.AlipayPublicKey);

        Assert.Equal(AlipayResponseStatus.Verified, AlipayResponseVerifier.Verify(body, "alipay.trade.query", alipayKey).Status);
        Assert.Contains("\"code\":\"40001\"", body);
        Assert.Contains("\"sub_code\":\"isv.missing-signature\"", body);
    }

    // On a loaded machine the simulator may still be handling a call the client already gave up on.
    private Task WaitForChargeAsync(string orderId) =>
        _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.Charge && r.OutTradeNo == orderId, TimeSpan.FromSeconds(5));

    private int CallbacksSent(string orderId) => _h.Simulator.RecordsFor(orderId).Count(r => r.Kind == RecordKind.CallbackSent);

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<a id=\"return\" href=\"([^\"]+)\"")]
    private static partial Regex ReturnLink();
}
