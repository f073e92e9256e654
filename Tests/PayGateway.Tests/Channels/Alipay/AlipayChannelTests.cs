using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

public partial class AlipayChannelTests
{
    private const string AppId = "2021000000000001";
    private const string OrderId = "ord_20240101_0001";

    // App side and "Alipay" side use two different published SDK test key pairs.
    private const string AppPrivateKeyFile = "keys/net-Mock-app-private-key.pem";
    private const string AppPublicKeyFile = "keys/net-Mock-app-public-key.pem";
    private const string AlipayPrivateKeyFile = "keys/node-app-private-key.pem";
    private const string AlipayPublicKeyFile = "keys/node-app-public-key.pem";

    private static readonly DateTimeOffset Now = new(2024, 1, 1, 4, 0, 0, TimeSpan.Zero);

    private readonly FakeAlipay _alipay = new();

    private AlipayChannel Channel() =>
        new(new FakeHttpClientFactory(_alipay), NullLogger<AlipayChannel>.Instance, new FakeTimeProvider(Now));

    private static ChannelAccount Account(Dictionary<string, string>? extraSettings = null, string? alipayPublicKey = null, string? appId = null)
    {
        var settings = new Dictionary<string, string>
        {
            [AlipayChannel.AppIdSetting] = appId ?? AppId,
            [AlipayChannel.AlipayPublicKeySetting] = alipayPublicKey ?? AlipayVectors.Text(AlipayPublicKeyFile),
        };
        foreach (var (key, value) in extraSettings ?? [])
        {
            settings[key] = value;
        }

        return new ChannelAccount(
            "alipay",
            "acc_1",
            new Uri("https://alipay-sim.test/"),
            settings,
            new Dictionary<string, string> { [AlipayChannel.AppPrivateKeySecret] = AlipayVectors.Text(AppPrivateKeyFile) },
            new Uri("https://gw.test/callbacks/alipay/acc_1"));
    }

    private static ChannelPaymentRequest Payment(PayMethod method, string? authCode = null, string currency = "CNY") =>
        new(OrderId, 1234, currency, "测试 + 商品", null, method, Now.AddMinutes(15), "https://shop.test/return", null, null, null, authCode);

    [Fact]
    public void Contract_NameMethodsAndReply_AreAlipays()
    {
        var channel = Channel();

        Assert.Equal("alipay", channel.Name);
        Assert.Contains(PayMethod.QR_CODE, channel.SupportedMethods);
        Assert.Equal(new ChannelCallbackReply(200, "text/plain", "success"), channel.ReplyToCallback(true));
        Assert.NotEqual("success", channel.ReplyToCallback(false).Body);
    }

    [Fact]
    public async Task Precreate_Success_ReturnsQrCodeFromSignedRequest()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.precreate", "{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"ord_20240101_0001\",\"qr_code\":\"https:\\/\\/qr.alipay.com\\/bax1\"}");

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal(new PayData("qr_code", "https://qr.alipay.com/bax1"), result.PayData);
        var sent = Assert.Single(_alipay.Requests);
        Assert.Equal("https://alipay-sim.test/gateway.do", sent.Uri.AbsoluteUri);
        Assert.True(sent.SignatureValid);
        Assert.Equal("alipay.trade.precreate", sent.Fields["method"]);
        Assert.Equal(AppId, sent.Fields["app_id"]);
        Assert.Equal("RSA2", sent.Fields["sign_type"]);
        Assert.Equal("2024-01-01 12:00:00", sent.Fields["timestamp"]);
        Assert.Equal("https://gw.test/callbacks/alipay/acc_1", sent.Fields["notify_url"]);
        Assert.False(sent.Fields.ContainsKey("app_cert_sn"));
        using var biz = JsonDocument.Parse(sent.Fields["biz_content"]);
        Assert.Equal(OrderId, biz.RootElement.GetProperty("out_trade_no").GetString());
        Assert.Equal("12.34", biz.RootElement.GetProperty("total_amount").GetString());
        Assert.Equal("测试 + 商品", biz.RootElement.GetProperty("subject").GetString());
        Assert.Equal("2024-01-01 12:15:00", biz.RootElement.GetProperty("time_expire").GetString());
        Assert.Equal("FACE_TO_FACE_PAYMENT", biz.RootElement.GetProperty("product_code").GetString());
    }

    [Fact]
    public async Task Precreate_CertModeAccountWithCertificates_DerivesTheVectorSerials()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.precreate", "{\"code\":\"10000\",\"msg\":\"Success\",\"qr_code\":\"q\"}");
        var account = Account(new()
        {
            [AlipayChannel.AppPublicCertSetting] = AlipayVectors.Text("keys/yansongda-alipayAppPublicCert.crt"),
            [AlipayChannel.AlipayRootCertSetting] = AlipayVectors.Text("keys/yansongda-alipayRootCert.crt"),
        });

        await Channel().CreatePaymentAsync(account, Payment(PayMethod.QR_CODE), CancellationToken.None);

        var expected = AlipayVectors.Json("yansongda-request-sign.json").GetProperty("params");
        var sent = Assert.Single(_alipay.Requests);
        Assert.True(sent.SignatureValid);
        Assert.Equal(expected.GetProperty("app_cert_sn").GetString(), sent.Fields["app_cert_sn"]);
        Assert.Equal(expected.GetProperty("alipay_root_cert_sn").GetString(), sent.Fields["alipay_root_cert_sn"]);
    }

    [Fact]
    public async Task Precreate_CertModeAccount_SendsAndSignsCertSerials()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.precreate", "{\"code\":\"10000\",\"msg\":\"Success\",\"qr_code\":\"q\"}");
        var account = Account(new()
        {
            [AlipayChannel.AppCertSnSetting] = "e90dd23a37c5c7b616e003970817ff82",
            [AlipayChannel.AlipayRootCertSnSetting] = "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6",
        });

        await Channel().CreatePaymentAsync(account, Payment(PayMethod.QR_CODE), CancellationToken.None);

        var sent = Assert.Single(_alipay.Requests);
        Assert.True(sent.SignatureValid);
        Assert.Equal("e90dd23a37c5c7b616e003970817ff82", sent.Fields["app_cert_sn"]);
        Assert.Equal("687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6", sent.Fields["alipay_root_cert_sn"]);
    }

    [Fact]
    public async Task Precreate_BusinessFailure40004_IsFailedWithSubCode()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.precreate", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TOTAL_FEE_EXCEED\",\"sub_msg\":\"订单金额超过限额\"}");

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal("ACQ.TOTAL_FEE_EXCEED", result.ErrorCode);
        Assert.Equal("订单金额超过限额", result.ErrorMessage);
    }

    [Theory]
    [InlineData("{\"code\":\"20000\",\"msg\":\"Service Currently Unavailable\",\"sub_code\":\"isp.unknow-error\",\"sub_msg\":\"系统繁忙\"}")]
    [InlineData("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.SYSTEM_ERROR\",\"sub_msg\":\"系统错误\"}")]
    [InlineData("{\"code\":\"99999\",\"msg\":\"?\"}")]
    public async Task Precreate_ServiceUnavailableOrSystemError_IsUnknown(string payload)
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.precreate", payload);

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task Precreate_ResponseSignedByAnotherKey_IsUnknown()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.precreate", "{\"code\":\"10000\",\"msg\":\"Success\",\"qr_code\":\"q\"}", AppPrivateKeyFile);

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task Precreate_UnsignedError_IsUnknownNotFailed()
    {
        _alipay.Respond = _ => FakeAlipay.Json("{\"alipay_trade_precreate_response\":{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TOTAL_FEE_EXCEED\"}}");

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task Precreate_HttpErrorStatus_IsUnknown(HttpStatusCode status)
    {
        _alipay.Respond = _ => new HttpResponseMessage(status) { Content = new StringContent("<html>oops</html>") };

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task Precreate_Timeout_IsUnknown()
    {
        _alipay.Respond = _ => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException());

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task Precreate_ConnectionFailure_IsUnknown()
    {
        _alipay.Respond = _ => throw new HttpRequestException("connection reset");

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task Create_CallerCancels_Throws()
    {
        using var cts = new CancellationTokenSource();
        _alipay.Respond = _ =>
        {
            cts.Cancel();
            throw new TaskCanceledException();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE), cts.Token));
    }

    [Fact]
    public async Task Create_NonCnyCurrency_FailsWithoutCallingAlipay()
    {
        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.QR_CODE, currency: "USD"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Empty(_alipay.Requests);
    }

    [Fact]
    public async Task Create_MissingPrivateKey_IsConfigurationError()
    {
        var account = Account() with { Secrets = new Dictionary<string, string>() };

        await Assert.ThrowsAsync<ChannelConfigurationException>(() => Channel().CreatePaymentAsync(account, Payment(PayMethod.QR_CODE), CancellationToken.None));
    }

    [Fact]
    public async Task Create_UnusableAlipayPublicKey_IsConfigurationErrorThatDoesNotEchoIt()
    {
        var account = Account(alipayPublicKey: "MIIBIjANnotakey");

        var ex = await Assert.ThrowsAsync<ChannelConfigurationException>(() => Channel().CreatePaymentAsync(account, Payment(PayMethod.QR_CODE), CancellationToken.None));

        Assert.DoesNotContain("MIIBIjANnotakey", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_alipay.Requests);
    }

    [Fact]
    public async Task BarcodePay_Success_IsSucceededWithTradeNoAndPaidAt()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.pay", "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2024010122001\",\"out_trade_no\":\"ord_20240101_0001\",\"total_amount\":\"12.34\",\"gmt_payment\":\"2024-01-01 12:00:05\"}");

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.SERVER, authCode: "281234567890123456"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        Assert.Equal("2024010122001", result.ChannelTradeNo);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 4, 0, 5, TimeSpan.Zero), result.PaidAt);
        var sent = Assert.Single(_alipay.Requests);
        using var biz = JsonDocument.Parse(sent.Fields["biz_content"]);
        Assert.Equal("bar_code", biz.RootElement.GetProperty("scene").GetString());
        Assert.Equal("281234567890123456", biz.RootElement.GetProperty("auth_code").GetString());
    }

    [Fact]
    public async Task BarcodePay_UserPaying10003_IsAccepted()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.pay", "{\"code\":\"10003\",\"msg\":\"order success pay inprocess\",\"trade_no\":\"2024010122002\"}");

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.SERVER, authCode: "28"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal("2024010122002", result.ChannelTradeNo);
    }

    [Fact]
    public async Task BarcodePay_AlreadyPaid_IsSucceededNotFailed()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.pay", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_HAS_SUCCESS\",\"sub_msg\":\"交易已被支付\"}");

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.SERVER, authCode: "28"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
    }

    [Fact]
    public async Task BarcodePay_WithoutAuthCode_FailsWithoutCallingAlipay()
    {
        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.SERVER), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Empty(_alipay.Requests);
    }

    [Theory]
    [InlineData(PayMethod.WEB, "alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY")]
    [InlineData(PayMethod.WAP, "alipay.trade.wap.pay", "QUICK_WAP_WAY")]
    public async Task PagePayments_ReturnSignedGatewayUrlWithoutCallingAlipay(PayMethod method, string alipayMethod, string productCode)
    {
        var result = await Channel().CreatePaymentAsync(Account(), Payment(method), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal("redirect_url", result.PayData!.Kind);
        Assert.StartsWith("https://alipay-sim.test/gateway.do?", result.PayData.Content, StringComparison.Ordinal);
        Assert.True(AlipayForm.TryParseUrlQuery(result.PayData.Content, out var fields));
        Assert.Equal(alipayMethod, fields["method"]);
        Assert.Equal("https://shop.test/return", fields["return_url"]);
        Assert.Contains(productCode, fields["biz_content"], StringComparison.Ordinal);
        Assert.True(FakeAlipay.RequestSignatureValid(fields));
        Assert.Empty(_alipay.Requests);
    }

    [Fact]
    public async Task AppPay_ReturnsSignedOrderString()
    {
        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.APP), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal("app_params", result.PayData!.Kind);
        Assert.True(AlipayForm.TryParse(result.PayData.Content, out var fields));
        Assert.Equal("alipay.trade.app.pay", fields["method"]);
        Assert.True(FakeAlipay.RequestSignatureValid(fields));

        fields["biz_content"] = fields["biz_content"].Replace("12.34", "0.01", StringComparison.Ordinal);
        Assert.False(FakeAlipay.RequestSignatureValid(fields));
    }

    [Theory]
    [InlineData("TRADE_SUCCESS", ChannelTradeState.Succeeded)]
    [InlineData("TRADE_FINISHED", ChannelTradeState.Succeeded)]
    [InlineData("WAIT_BUYER_PAY", ChannelTradeState.Pending)]
    [InlineData("TRADE_CLOSED", ChannelTradeState.Closed)]
    public async Task Query_TradeStatus_MapsToState(string tradeStatus, ChannelTradeState expected)
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.query", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2024010122001\",\"out_trade_no\":\"{OrderId}\",\"trade_status\":\"{tradeStatus}\",\"total_amount\":\"12.34\",\"send_pay_date\":\"2024-01-01 12:00:05\"}}");

        var result = await Channel().QueryPaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(expected, result.State);
        Assert.Equal(1234, result.Amount);
        Assert.Equal("CNY", result.Currency);
        Assert.Equal("2024010122001", result.ChannelTradeNo);
        Assert.Equal(expected == ChannelTradeState.Succeeded ? new DateTimeOffset(2024, 1, 1, 4, 0, 5, TimeSpan.Zero) : null, result.PaidAt);
        var sent = Assert.Single(_alipay.Requests);
        Assert.Equal("alipay.trade.query", sent.Fields["method"]);
        Assert.Equal($"{{\"out_trade_no\":\"{OrderId}\"}}", sent.Fields["biz_content"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",\"total_amount\":12.34")]
    [InlineData(",\"total_amount\":\"12.345\"")]
    [InlineData(",\"total_amount\":\"-12.34\"")]
    public async Task Query_PaidWithoutAReadableAmount_IsUnknownNotSucceeded(string totalAmount)
    {
        // Correctly signed, but what was paid cannot be compared with the order: nothing may follow it.
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.query", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2024010122001\",\"out_trade_no\":\"{OrderId}\",\"trade_status\":\"TRADE_SUCCESS\"{totalAmount}}}");

        var result = await Channel().QueryPaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
        Assert.Null(result.Amount);
    }

    [Theory]
    [InlineData(",\"out_trade_no\":\"ord_20240101_0002\"")]
    [InlineData(",\"out_trade_no\":\"ORD_20240101_0001\"")]
    [InlineData("")]
    public async Task Query_SignedAnswerAboutAnotherOrder_IsUnknown(string outTradeNo)
    {
        // Correctly signed, but the trade it describes is not the one asked about (or it does not say which).
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.query", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2024010122001\"{outTradeNo},\"trade_status\":\"TRADE_SUCCESS\",\"total_amount\":\"12.34\",\"send_pay_date\":\"2024-01-01 12:00:05\"}}");

        var result = await Channel().QueryPaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
        Assert.Null(result.Amount);
        Assert.Null(result.ChannelTradeNo);
        Assert.Null(result.PaidAt);
    }

    [Fact]
    public async Task BarcodePay_SuccessAboutAnotherOrder_IsUnknownNotSucceeded()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.pay", "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2024010122001\",\"out_trade_no\":\"ord_20240101_0002\",\"total_amount\":\"12.34\",\"gmt_payment\":\"2024-01-01 12:00:05\"}");

        var result = await Channel().CreatePaymentAsync(Account(), Payment(PayMethod.SERVER, authCode: "281234567890123456"), CancellationToken.None);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
        Assert.Null(result.ChannelTradeNo);
    }

    [Fact]
    public async Task Close_SuccessAboutAnotherOrder_IsUnknown()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.close", "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2024010122001\",\"out_trade_no\":\"ord_20240101_0002\"}");

        var result = await Channel().ClosePaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
    }

    [Fact]
    public async Task Query_TradeNotExist_IsNotFound()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.query", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_NOT_EXIST\",\"sub_msg\":\"交易不存在\"}");

        var result = await Channel().QueryPaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.NotFound, result.State);
    }

    [Fact]
    public async Task Query_ErrorResponseNode_IsVerifiedAndUnknown()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("error", "{\"code\":\"40002\",\"msg\":\"Invalid Arguments\",\"sub_code\":\"isv.invalid-app-id\"}");

        var result = await Channel().QueryPaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
        Assert.Equal("isv.invalid-app-id", result.ErrorCode);
    }

    [Fact]
    public async Task Query_TamperedSuccess_IsUnknown()
    {
        _alipay.Respond = _ =>
        {
            var genuine = FakeAlipay.Signed("alipay.trade.query", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"{OrderId}\",\"trade_status\":\"WAIT_BUYER_PAY\",\"total_amount\":\"12.34\"}}");
            var text = genuine.Content.ReadAsStringAsync().Result.Replace("WAIT_BUYER_PAY", "TRADE_SUCCESS", StringComparison.Ordinal);
            return FakeAlipay.Json(text);
        };

        var result = await Channel().QueryPaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
    }

    [Fact]
    public async Task Close_Success_IsClosed()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.close", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"{OrderId}\"}}");

        var result = await Channel().ClosePaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.Closed, result.State);
        Assert.Equal("alipay.trade.close", Assert.Single(_alipay.Requests).Fields["method"]);
    }

    [Fact]
    public async Task Close_AlreadyPaid_QueriesAndReportsSucceeded()
    {
        _alipay.Respond = request => FakeAlipay.MethodOf(request) == "alipay.trade.close"
            ? FakeAlipay.Signed("alipay.trade.close", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_STATUS_ERROR\",\"sub_msg\":\"交易状态不合法\"}")
            : FakeAlipay.Signed("alipay.trade.query", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"{OrderId}\",\"trade_status\":\"TRADE_SUCCESS\",\"total_amount\":\"12.34\"}}");

        var result = await Channel().ClosePaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.Succeeded, result.State);
        Assert.Equal(2, _alipay.Requests.Count);
    }

    [Fact]
    public async Task Close_Timeout_IsUnknown()
    {
        _alipay.Respond = _ => throw new TaskCanceledException();

        var result = await Channel().ClosePaymentAsync(Account(), OrderId, CancellationToken.None);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
    }

    private static ChannelAccount SandboxNotifyAccount(string appId = "9021000122682882") =>
        Account(alipayPublicKey: AlipayVectors.Text("keys/yansongda-alipayPublicCert.crt"), appId: appId);

    private static ChannelCallbackRequest SandboxNotify(Action<Dictionary<string, string>>? change = null)
    {
        var fields = AlipayVectors.Strings(AlipayVectors.Json("yansongda-callbacks.json").GetProperty("notify_post"));
        change?.Invoke(fields);
        var body = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        return new ChannelCallbackRequest(new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded; charset=utf-8");
    }

    [Fact]
    public async Task ParseCallback_SandboxTradeNotify_IsAcceptedAndDecoded()
    {
        var result = await Channel().ParseCallbackAsync(SandboxNotifyAccount(), SandboxNotify(), default);

        var callback = Assert.IsType<ChannelCallback>(result.Callback);
        Assert.Equal("1703147160", callback.OrderId);
        Assert.Equal(ChannelTradeState.Succeeded, callback.State);
        Assert.Equal("2023122122001499160501589436", callback.ChannelTradeNo);
        Assert.Equal(1, callback.Amount);
        Assert.Equal("CNY", callback.Currency);
        Assert.Equal("9021000122682882", callback.ChannelMerchantId);
        Assert.Equal(new DateTimeOffset(2023, 12, 21, 16, 26, 43, TimeSpan.FromHours(8)), callback.PaidAt);
        Assert.Equal("2023122101222162644199160501632046", callback.ChannelEventId);
    }

    [Fact]
    public async Task ParseCallback_TamperedAmount_IsRejected()
    {
        var result = await Channel().ParseCallbackAsync(SandboxNotifyAccount(), SandboxNotify(f => f["total_amount"] = "0.02"), default);

        Assert.Null(result.Callback);
        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task ParseCallback_GenuineNotifyForAnotherApp_IsRejected()
    {
        var result = await Channel().ParseCallbackAsync(SandboxNotifyAccount(appId: AppId), SandboxNotify(), default);

        Assert.Null(result.Callback);
        Assert.Equal("MERCHANT_MISMATCH", result.RejectionCode);
    }

    [Fact]
    public async Task ParseCallback_NotifyVerifiedWithWrongAlipayKey_IsRejected()
    {
        var result = await Channel().ParseCallbackAsync(Account(appId: "9021000122682882"), SandboxNotify(), default);

        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task ParseCallback_RealProductionNotify_IsAccepted()
    {
        var fields = AlipayVectors.Strings(AlipayVectors.Case("node-notify.json", 0).GetProperty("post"));
        var body = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        var account = Account(alipayPublicKey: AlipayVectors.Text("keys/node-notifyAlipayPublicKeyV1-inline.pem"), appId: "2019073166072302");

        var result = await Channel().ParseCallbackAsync(account, new ChannelCallbackRequest(new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body), null), default);

        Assert.Equal("20190815155618536-564-57", result.Callback!.OrderId);
        Assert.Equal(10, result.Callback.Amount);
    }

    private sealed class FakeHttpClientFactory(FakeAlipay handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name)
        {
            Assert.Equal(AlipayChannel.HttpClientName, name);
            return new HttpClient(handler, disposeHandler: false);
        }
    }

    /// <summary>Stands in for the gateway: checks the app's request signature and answers with signed JSON.</summary>
    private sealed class FakeAlipay : HttpMessageHandler
    {
        public Func<HttpRequestMessage, HttpResponseMessage> Respond { get; set; } = _ => throw new InvalidOperationException("No response configured.");

        public List<SentRequest> Requests { get; } = [];

        public static HttpResponseMessage Json(string body) =>
            new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        /// <param name="method">The API method, or <c>error</c> for an <c>error_response</c> node.</param>
        public static HttpResponseMessage Signed(string method, string payload, string signingKeyFile = AlipayPrivateKeyFile)
        {
            using var key = AlipayVectors.PrivateKey(signingKeyFile);
            var node = method == "error" ? "error_response" : AlipayResponseVerifier.NodeNameFor(method);
            return Json($"{{\"{node}\":{payload},\"sign\":\"{AlipaySigner.Sign(payload, key)}\"}}");
        }

        public static bool RequestSignatureValid(IReadOnlyDictionary<string, string> fields)
        {
            using var appPublicKey = AlipayVectors.PublicKey(AppPublicKeyFile);
            var content = AlipaySigner.BuildSignContent(AlipayVectors.Nullable(fields), includeSignType: true);
            return AlipaySigner.Verify(content, fields["sign"], appPublicKey);
        }

        public static string MethodOf(HttpRequestMessage request)
        {
            AlipayForm.TryParse(request.Content!.ReadAsStringAsync().Result, out var fields);
            return fields!["method"];
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal(HttpMethod.Post, request.Method);
            Assert.Equal("application/x-www-form-urlencoded", request.Content!.Headers.ContentType!.MediaType);
            var body = await request.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(AlipayForm.TryParse(body, out var fields));
            Requests.Add(new SentRequest(request.RequestUri!, fields, RequestSignatureValid(fields)));
            return Respond(request);
        }
    }

    private sealed record SentRequest(Uri Uri, Dictionary<string, string> Fields, bool SignatureValid);
}
