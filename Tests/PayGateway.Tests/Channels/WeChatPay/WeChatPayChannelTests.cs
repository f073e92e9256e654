using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPayChannelTests : IDisposable
{
    public const string MchId = WeChatPayAdapterRig.MchId;
    public const string AppId = WeChatPayAdapterRig.AppId;
    public const string MerchantSerial = WeChatPayAdapterRig.MerchantSerial;

    private static readonly DateTimeOffset Start = WeChatPayAdapterRig.Start;

    private readonly WeChatPayAdapterRig _rig = new([0xA1, 0xB2, 0xC3, 0xD4]);

    private FakeTimeProvider _time => _rig.Time;
    private WeChatPayTestPlatform _platform => _rig.Platform;
    private RSA _merchantPublicKey => _rig.MerchantPublicKey;
    private FakeWeChatPayServer _server => _rig.Server;
    private WeChatPayChannel _channel => _rig.Channel;
    private ChannelAccount _account => _rig.Account;

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Contract_NameAndMethods()
    {
        Assert.Equal("wechatpay", _channel.Name);
        Assert.Equal([PayMethod.QR_CODE, PayMethod.SDK, PayMethod.WAP, PayMethod.APP], _channel.SupportedMethods);
    }

    [Fact]
    public async Task Native_ReturnsQrCode_AndSendsSignedOrder()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=p4lpSuKzz\"}");

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal(new PayData("qr_code", "weixin://wxpay/bizpayurl?pr=p4lpSuKzz"), result.PayData);
        var order = _server.Requests.Single(r => r.PathAndQuery == "/v3/pay/transactions/native");
        Assert.True(order.AuthorizationValid);
        Assert.Equal("channel.wechatpay", order.ClientName);
        using var json = JsonDocument.Parse(order.Body);
        var root = json.RootElement;
        Assert.Equal(AppId, root.GetProperty("appid").GetString());
        Assert.Equal(MchId, root.GetProperty("mchid").GetString());
        Assert.Equal("P202611260001", root.GetProperty("out_trade_no").GetString());
        Assert.Equal("测试商品", root.GetProperty("description").GetString());
        Assert.Equal("https://gateway.test/callbacks/wechatpay/acc-1", root.GetProperty("notify_url").GetString());
        Assert.Equal("2026-11-26T18:30:00+08:00", root.GetProperty("time_expire").GetString());
        Assert.Equal(100, root.GetProperty("amount").GetProperty("total").GetInt64());
        Assert.Equal("CNY", root.GetProperty("amount").GetProperty("currency").GetString());
        Assert.Contains("测试商品", order.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jsapi_ReturnsSignedInvokeParameters()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, "{\"prepay_id\":\"wx201410272009395522657a690389285100\"}");

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.SDK) with { UserId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" }, CancellationToken.None);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal("app_params", result.PayData!.Kind);
        using var json = JsonDocument.Parse(result.PayData.Content);
        var p = json.RootElement;
        Assert.Equal("prepay_id=wx201410272009395522657a690389285100", p.GetProperty("package").GetString());
        Assert.Equal("RSA", p.GetProperty("signType").GetString());
        var message = $"{AppId}\n{p.GetProperty("timeStamp").GetString()}\n{p.GetProperty("nonceStr").GetString()}\n{p.GetProperty("package").GetString()}\n";
        Assert.True(_merchantPublicKey.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(p.GetProperty("paySign").GetString()!), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var order = _server.Requests.Single(r => r.PathAndQuery == "/v3/pay/transactions/jsapi");
        Assert.Contains("\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"}", order.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_ReturnsSignedInvokeParameters()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, "{\"prepay_id\":\"wx2016\"}");

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.APP), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        using var json = JsonDocument.Parse(result.PayData!.Content);
        var p = json.RootElement;
        Assert.Equal(MchId, p.GetProperty("partnerid").GetString());
        Assert.Equal("Sign=WXPay", p.GetProperty("package").GetString());
        var message = $"{AppId}\n{p.GetProperty("timestamp").GetString()}\n{p.GetProperty("noncestr").GetString()}\nwx2016\n";
        Assert.True(_merchantPublicKey.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(p.GetProperty("sign").GetString()!), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Contains(_server.Requests, r => r.PathAndQuery == "/v3/pay/transactions/app");
    }

    [Fact]
    public async Task H5_ReturnsRedirectWithReturnUrl_AndSendsSceneInfo()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, "{\"h5_url\":\"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1&package=1\"}");

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.WAP) with { UserIp = "203.0.113.9", ReturnUrl = "https://shop.test/done?o=1" }, CancellationToken.None);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal(
            "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1&package=1&redirect_url=https%3A%2F%2Fshop.test%2Fdone%3Fo%3D1",
            result.PayData!.Content);
        Assert.Equal("redirect_url", result.PayData.Kind);
        var order = _server.Requests.Single(r => r.PathAndQuery == "/v3/pay/transactions/h5");
        Assert.Contains("\"scene_info\":{\"payer_client_ip\":\"203.0.113.9\",\"h5_info\":{\"type\":\"Wap\"}}", order.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, 127)]
    [InlineData(10, 10)]
    public async Task LongSubject_IsCutToWeChatLimit(int length, int expected)
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, "{\"code_url\":\"weixin://x\"}");

        await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE) with { Subject = new string('测', length) }, CancellationToken.None);

        using var json = JsonDocument.Parse(_server.Requests.Single(r => r.PathAndQuery == "/v3/pay/transactions/native").Body);
        Assert.Equal(expected, json.RootElement.GetProperty("description").GetString()!.Length);
    }

    [Fact]
    public async Task LongSubject_IsNotCutInsideSurrogatePair()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, "{\"code_url\":\"weixin://x\"}");
        var subject = new string('a', 126) + "😀" + "tail";

        await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE) with { Subject = subject }, CancellationToken.None);

        using var json = JsonDocument.Parse(_server.Requests.Single(r => r.PathAndQuery == "/v3/pay/transactions/native").Body);
        Assert.Equal(new string('a', 126), json.RootElement.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData(PayMethod.SDK, null, null, "CNY", 100)]
    [InlineData(PayMethod.WAP, null, null, "CNY", 100)]
    [InlineData(PayMethod.QR_CODE, null, null, "USD", 100)]
    [InlineData(PayMethod.QR_CODE, null, null, "CNY", 0)]
    [InlineData(PayMethod.SERVER, null, "134567890123456789", "CNY", 100)]
    [InlineData(PayMethod.WEB, null, null, "CNY", 100)]
    public async Task InvalidRequest_FailsWithoutCallingWeChat(PayMethod method, string? userId, string? authCode, string currency, long amount)
    {
        var request = Request(method) with { UserId = userId, AuthCode = authCode, Currency = currency, Amount = amount };

        var result = await _channel.CreatePaymentAsync(_account, request, CancellationToken.None);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("INVALID_REQUEST", result.ErrorCode);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task SignedParamError_IsFailed()
    {
        _server.Respond = (_, _) => (HttpStatusCode.BadRequest, "{\"code\":\"PARAM_ERROR\",\"message\":\"参数错误\"}");

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("PARAM_ERROR", result.ErrorCode);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "{\"code\":\"SYSTEM_ERROR\",\"message\":\"系统错误\"}")]
    [InlineData(HttpStatusCode.TooManyRequests, "{\"code\":\"FREQUENCY_LIMITED\",\"message\":\"频率超限\"}")]
    [InlineData(HttpStatusCode.Forbidden, "{\"code\":\"OUT_TRADE_NO_USED\",\"message\":\"商户订单号重复\"}")]
    [InlineData(HttpStatusCode.BadGateway, "<html>bad gateway</html>")]
    [InlineData(HttpStatusCode.OK, "{\"unexpected\":true}")]
    public async Task AmbiguousAnswers_AreUnknown(HttpStatusCode status, string body)
    {
        _server.Respond = (_, _) => (status, body);

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task UnsignedAnswer_IsUnknown()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=forged\"}");
        _server.SignAnswers = false;

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Null(result.PayData);
    }

    [Fact]
    public async Task TamperedAnswer_IsUnknown()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=real\"}");
        _server.TamperAfterSigning = body => body.Replace("real", "evil", StringComparison.Ordinal);

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task ForgedSignatureParamError_IsUnknownNotFailed()
    {
        // A refusal signed by a key WeChat never published must not be taken as a definitive failure.
        using var impostor = new WeChatPayTestPlatform([0x0B, 0xAD], Start.AddDays(-1), Start.AddYears(1));
        _server.Respond = (_, _) => (HttpStatusCode.BadRequest, "{\"code\":\"PARAM_ERROR\",\"message\":\"x\"}");
        _server.SigningPlatform = impostor;

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task Timeout_IsUnknown()
    {
        _server.Throw = new TaskCanceledException("timeout", new TimeoutException());

        var result = await _channel.CreatePaymentAsync(_account, Request(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task ConnectionFailure_IsUnknown()
    {
        _server.Throw = new HttpRequestException(HttpRequestError.ConnectionError, "refused");

        var query = await _channel.QueryPaymentAsync(_account, "P1", CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, query.State);
    }

    [Fact]
    public async Task CallerCancellation_IsNotSwallowed()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _channel.QueryPaymentAsync(_account, "P1", cts.Token));
    }

    [Theory]
    [InlineData("SUCCESS", ChannelTradeState.Succeeded)]
    [InlineData("REFUND", ChannelTradeState.Succeeded)]
    [InlineData("NOTPAY", ChannelTradeState.Pending)]
    [InlineData("USERPAYING", ChannelTradeState.Pending)]
    [InlineData("CLOSED", ChannelTradeState.Closed)]
    [InlineData("REVOKED", ChannelTradeState.Closed)]
    [InlineData("PAYERROR", ChannelTradeState.Failed)]
    [InlineData("SOMETHING_NEW", ChannelTradeState.Unknown)]
    public async Task Query_MapsTradeState(string tradeState, ChannelTradeState expected)
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, Transaction("P202611260001", tradeState));

        var result = await _channel.QueryPaymentAsync(_account, "P202611260001", CancellationToken.None);

        Assert.Equal(expected, result.State);
        Assert.Contains(_server.Requests, r => r.Method == "GET" && r.PathAndQuery == $"/v3/pay/transactions/out-trade-no/P202611260001?mchid={MchId}" && r.AuthorizationValid);
    }

    [Fact]
    public async Task Query_SuccessWithoutAnAmount_IsUnknownNotSucceeded()
    {
        var withoutAmount = Transaction("P202611260001", "SUCCESS").Replace(
            ",\"amount\":{\"total\":100,\"payer_total\":100,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}", "", StringComparison.Ordinal);
        Assert.DoesNotContain("amount", withoutAmount);
        _server.Respond = (_, _) => (HttpStatusCode.OK, withoutAmount);

        var result = await _channel.QueryPaymentAsync(_account, "P202611260001", CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
        Assert.Null(result.Amount);
    }

    [Fact]
    public async Task Query_Success_CarriesAmountTradeNoAndTime()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, Transaction("P202611260001", "SUCCESS"));

        var result = await _channel.QueryPaymentAsync(_account, "P202611260001", CancellationToken.None);

        Assert.Equal(new ChannelQueryResult(
            ChannelTradeState.Succeeded, "4200001234202611260000000001", 100, "CNY",
            new DateTimeOffset(2026, 11, 26, 18, 1, 2, TimeSpan.FromHours(8))), result);
    }

    [Fact]
    public async Task Query_PayError_ExplainsWithWeChatStateAndText()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, Transaction("P202611260001", "PAYERROR").Replace("支付成功", "支付失败，请重新下单", StringComparison.Ordinal));

        var result = await _channel.QueryPaymentAsync(_account, "P202611260001", CancellationToken.None);

        Assert.Equal(ChannelTradeState.Failed, result.State);
        Assert.Equal("PAYERROR", result.ErrorCode);
        Assert.Equal("支付失败，请重新下单", result.ErrorMessage);
    }

    [Fact]
    public async Task Query_AnswerForAnotherOrder_IsUnknown()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, Transaction("P-OTHER", "SUCCESS"));

        var result = await _channel.QueryPaymentAsync(_account, "P202611260001", CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
    }

    [Fact]
    public async Task Query_OrderNotExist_IsNotFound()
    {
        _server.Respond = (_, _) => (HttpStatusCode.NotFound, "{\"code\":\"ORDER_NOT_EXIST\",\"message\":\"订单不存在\"}");

        var result = await _channel.QueryPaymentAsync(_account, "P404", CancellationToken.None);

        Assert.Equal(ChannelTradeState.NotFound, result.State);
    }

    [Fact]
    public async Task Close_NoContent_IsClosed()
    {
        _server.Respond = (_, _) => (HttpStatusCode.NoContent, null);

        var result = await _channel.ClosePaymentAsync(_account, "P202611260001", CancellationToken.None);

        Assert.Equal(ChannelTradeState.Closed, result.State);
        var close = _server.Requests.Single(r => r.PathAndQuery == "/v3/pay/transactions/out-trade-no/P202611260001/close");
        Assert.Equal($"{{\"mchid\":\"{MchId}\"}}", close.Body);
        Assert.True(close.AuthorizationValid);
    }

    [Fact]
    public async Task Close_RefusedBecausePaid_ReportsSucceededFromQuery()
    {
        _server.Respond = (request, _) => request.Method == HttpMethod.Post
            ? (HttpStatusCode.BadRequest, "{\"code\":\"ORDERPAID\",\"message\":\"订单已支付\"}")
            : (HttpStatusCode.OK, Transaction("P202611260001", "SUCCESS"));

        var result = await _channel.ClosePaymentAsync(_account, "P202611260001", CancellationToken.None);

        Assert.Equal(ChannelTradeState.Succeeded, result.State);
        Assert.Equal("ORDERPAID", result.ErrorCode);
    }

    [Fact]
    public async Task Close_UnsignedAnswer_IsUnknown()
    {
        _server.Respond = (_, _) => (HttpStatusCode.NoContent, null);
        _server.SignAnswers = false;

        var result = await _channel.ClosePaymentAsync(_account, "P202611260001", CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
    }

    [Fact]
    public async Task CertificatesAreDownloadedOnce_ThenReused()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, Transaction("P1", "NOTPAY"));

        await _channel.QueryPaymentAsync(_account, "P1", CancellationToken.None);
        await _channel.QueryPaymentAsync(_account, "P1", CancellationToken.None);

        Assert.Single(_server.Requests, r => r.PathAndQuery == WeChatPayCertificates.Path);
    }

    [Fact]
    public async Task Rotation_NewPlatformCertificateIsFetchedWhenAnswerNamesIt()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, Transaction("P1", "NOTPAY"));
        await _channel.QueryPaymentAsync(_account, "P1", CancellationToken.None);
        using var next = new WeChatPayTestPlatform([0x5E, 0x77], Start.AddDays(-1), Start.AddYears(5));
        _server.Platforms.Add(next);
        _server.SigningPlatform = next;
        _time.Advance(TimeSpan.FromMinutes(2));

        var result = await _channel.QueryPaymentAsync(_account, "P1", CancellationToken.None);

        Assert.Equal(ChannelTradeState.Pending, result.State);
        Assert.Equal(2, _server.Requests.Count(r => r.PathAndQuery == WeChatPayCertificates.Path));
    }

    [Fact]
    public async Task Rotation_RightAfterADownload_CallbackWithNewSerialFetchesItAtOnce()
    {
        await _channel.WarmUpAsync(_account, CancellationToken.None);
        using var next = new WeChatPayTestPlatform([0x5E, 0x78], Start.AddDays(-1), Start.AddYears(5));
        _server.Platforms.Add(next);
        _server.SigningPlatform = next;
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P1", "SUCCESS"));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(next.Sign(body, Start), body, "application/json"), default);

        Assert.NotNull(result.Callback);
        Assert.Equal(2, _server.Requests.Count(r => r.PathAndQuery == WeChatPayCertificates.Path));
    }

    [Fact]
    public async Task FutileDownload_ForUnknownSerial_DoesNotDelayAGenuineRotationPastTheQuietMinute()
    {
        await _channel.WarmUpAsync(_account, CancellationToken.None);
        using var forger = new WeChatPayTestPlatform([0x0F, 0x0D], Start.AddDays(-1), Start.AddYears(1));
        using var next = new WeChatPayTestPlatform([0x5E, 0x79], Start.AddDays(-1), Start.AddYears(5));
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P1", "SUCCESS"));
        var forged = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(forger.Sign(body, Start), body, "application/json"), default);
        _server.Platforms.Add(next);
        _server.SigningPlatform = next;
        var genuine = new ChannelCallbackRequest(next.Sign(body, Start), body, "application/json");

        var duringQuiet = await _channel.ParseCallbackAsync(_account, genuine, default);
        _time.Advance(TimeSpan.FromSeconds(61));
        var afterQuiet = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(next.Sign(body, _time.GetUtcNow()), body, "application/json"), default);

        Assert.Equal("INVALID_SIGNATURE", forged.RejectionCode);
        Assert.Equal("INVALID_SIGNATURE", duringQuiet.RejectionCode);
        Assert.NotNull(afterQuiet.Callback);
        Assert.Equal(3, _server.Requests.Count(r => r.PathAndQuery == WeChatPayCertificates.Path));
    }

    [Fact]
    public async Task PublicKeyMode_KeyChangedOnTheAccount_NewKeyVerifiesAndTheOldOneNoLonger()
    {
        using var first = new WeChatPayTestPlatform([0x0B, 0x01], Start.AddDays(-1), Start.AddYears(1));
        using var second = new WeChatPayTestPlatform([0x0B, 0x02], Start.AddDays(-1), Start.AddYears(1));
        ChannelAccount WithPublicKey(WeChatPayTestPlatform platform) => _account with
        {
            Settings = new Dictionary<string, string>(_account.Settings)
            {
                ["wechatpay_public_key_id"] = platform.Serial,
                ["wechatpay_public_key"] = platform.Key.ExportSubjectPublicKeyInfoPem(),
            },
        };
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P202611260002", "SUCCESS"));
        Task<ChannelCallbackParseResult> ParseAsync(ChannelAccount account, WeChatPayTestPlatform signer) =>
            _channel.ParseCallbackAsync(account, new ChannelCallbackRequest(signer.Sign(body, Start), body, "application/json"), default);

        Assert.Null((await ParseAsync(WithPublicKey(first), first)).RejectionCode);

        // The operator replaces the key (same account, same merchant): the channel instance is the silo's singleton.
        var changed = WithPublicKey(second);
        Assert.Null((await ParseAsync(changed, second)).RejectionCode);
        Assert.Equal("INVALID_SIGNATURE", (await ParseAsync(changed, first)).RejectionCode);
    }

    [Fact]
    public void PublicKeyMode_UnusableOrHalfConfiguredKey_IsRefusedWhenTheAccountIsSaved()
    {
        ChannelAccount With(params (string Name, string Value)[] settings)
        {
            var all = new Dictionary<string, string>(_account.Settings);
            foreach (var (name, value) in settings)
            {
                all[name] = value;
            }
            return _account with { Settings = all };
        }

        var notAKey = Assert.Throws<ChannelConfigurationException>(() => _channel.ValidateAccount(With(
            ("wechatpay_public_key_id", "PUB_KEY_ID_0111"), ("wechatpay_public_key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))));
        Assert.Contains("wechatpay_public_key", notAKey.Message);
        Assert.Throws<ChannelConfigurationException>(() => _channel.ValidateAccount(With(("wechatpay_public_key_id", "PUB_KEY_ID_0111"))));
        Assert.Throws<ChannelConfigurationException>(() => _channel.ValidateAccount(With(("wechatpay_public_key", _platform.Key.ExportSubjectPublicKeyInfoPem()))));
        _channel.ValidateAccount(With(
            ("wechatpay_public_key_id", "PUB_KEY_ID_0111"), ("wechatpay_public_key", _platform.Key.ExportSubjectPublicKeyInfoPem())));
    }

    [Fact]
    public async Task Callback_AfterWarmUp_IsAccepted()
    {
        await _channel.WarmUpAsync(_account, CancellationToken.None);
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P202611260001", "SUCCESS"));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json"), default);

        Assert.Null(result.RejectionCode);
        Assert.Equal(
            new ChannelCallback("P202611260001", ChannelTradeState.Succeeded, "4200001234202611260000000001", 100, "CNY", MchId,
                new DateTimeOffset(2026, 11, 26, 18, 1, 2, TimeSpan.FromHours(8)), "EV-2018022511223320873"),
            result.Callback);
    }

    [Fact]
    public async Task Callback_ForAnotherMerchant_IsRejected()
    {
        await _channel.WarmUpAsync(_account, CancellationToken.None);
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P1", "SUCCESS").Replace(MchId, "1999999999", StringComparison.Ordinal));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json"), default);

        Assert.Equal("MERCHANT_MISMATCH", result.RejectionCode);
    }

    [Fact]
    public async Task Callback_WithBadSignature_IsRejected()
    {
        await _channel.WarmUpAsync(_account, CancellationToken.None);
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P1", "SUCCESS"));
        var headers = _platform.Sign(body, Start);
        body[^2] = (byte)' ';

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(headers, body, "application/json"), default);

        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
        Assert.Null(result.Callback);
    }

    [Fact]
    public async Task Callback_Stale_IsRejected()
    {
        await _channel.WarmUpAsync(_account, CancellationToken.None);
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P1", "SUCCESS"));
        var headers = _platform.Sign(body, Start.AddMinutes(-10));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(headers, body, "application/json"), default);

        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task Callback_BeforeCertificatesAreKnown_DownloadsThemAndIsAccepted()
    {
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P1", "SUCCESS"));
        var request = new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json");

        var first = await _channel.ParseCallbackAsync(_account, request, default);
        var repeat = await _channel.ParseCallbackAsync(_account, request, default);

        Assert.Null(first.RejectionCode);
        Assert.Equal("P1", first.Callback!.OrderId);
        Assert.NotNull(repeat.Callback);
        Assert.Single(_server.Requests, r => r.PathAndQuery == WeChatPayCertificates.Path);
    }

    [Fact]
    public async Task Callbacks_NamingUnknownSerials_CauseAtMostOneDownloadAMinute()
    {
        await _channel.WarmUpAsync(_account, CancellationToken.None);
        using var forger = new WeChatPayTestPlatform([0x0F, 0x0E], Start.AddDays(-1), Start.AddYears(1));
        var body = WeChatPayTestPlatform.NotificationBody(Transaction("P1", "SUCCESS"));
        _time.Advance(TimeSpan.FromMinutes(2));

        var results = new List<ChannelCallbackParseResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(forger.Sign(body, _time.GetUtcNow()), body, "application/json"), default));
        }

        Assert.All(results, r => Assert.Equal("INVALID_SIGNATURE", r.RejectionCode));
        // The warm-up's download and one for the first unknown serial; the rest wait for the minute to pass.
        Assert.Equal(2, _server.Requests.Count(r => r.PathAndQuery == WeChatPayCertificates.Path));
    }

    [Fact]
    public void ReplyToCallback_SuccessAndFailureBodies()
    {
        Assert.Equal(new ChannelCallbackReply(200, "application/json", "{\"code\":\"SUCCESS\",\"message\":\"成功\"}"), _channel.ReplyToCallback(true));
        Assert.Equal(500, _channel.ReplyToCallback(false).StatusCode);
    }

    [Fact]
    public async Task MissingSecret_IsConfigurationError()
    {
        var account = _account with { Secrets = new Dictionary<string, string> { ["private_key"] = "x" } };

        await Assert.ThrowsAsync<ChannelConfigurationException>(() => _channel.QueryPaymentAsync(account, "P1", CancellationToken.None));
    }

    [Fact]
    public async Task UnreadablePrivateKey_IsConfigurationErrorWithoutKeyText()
    {
        var account = _account with
        {
            Secrets = new Dictionary<string, string> { ["private_key"] = "not-a-key-SECRET", ["apiv3_key"] = WeChatPayTestPlatform.ApiV3Key },
        };

        var ex = await Assert.ThrowsAsync<ChannelConfigurationException>(() => _channel.QueryPaymentAsync(account, "P1", CancellationToken.None));

        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
    }

    private static ChannelPaymentRequest Request(PayMethod method) => new(
        "P202611260001", 100, "CNY", "测试商品", null, method, new DateTimeOffset(2026, 11, 26, 10, 30, 0, TimeSpan.Zero),
        null, null, null, null, null);

    private static string Transaction(string outTradeNo, string tradeState) =>
        $"{{\"mchid\":\"{MchId}\",\"appid\":\"{AppId}\",\"out_trade_no\":\"{outTradeNo}\",\"transaction_id\":\"4200001234202611260000000001\","
        + $"\"trade_type\":\"NATIVE\",\"trade_state\":\"{tradeState}\",\"trade_state_desc\":\"支付成功\",\"success_time\":\"2026-11-26T18:01:02+08:00\","
        + "\"amount\":{\"total\":100,\"payer_total\":100,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";
}
