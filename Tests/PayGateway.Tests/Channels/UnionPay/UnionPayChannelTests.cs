using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels;
using PayGateway.Channels.UnionPay;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>
/// <see cref="UnionPayChannel"/> on its own: browser forms, refusals made before anything is sent, callbacks from the
/// public vectors, account validation. Calls over HTTP are in <see cref="UnionPaySimulatorTests"/>.
/// </summary>
public sealed partial class UnionPayChannelTests : IDisposable
{
    private const string VectorMerId = "777290058167151";

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 4, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    private UnionPayChannel ChannelAt(DateTimeOffset now) =>
        new(_services.GetRequiredService<IHttpClientFactory>(), NullLogger<UnionPayChannel>.Instance, new FakeTimeProvider(now));

    /// <summary>The yansongda test merchant: its pfx, UnionPay's CFCA TEST chain.</summary>
    public static ChannelAccount VectorAccount(string merId = VectorMerId, string? password = null, string? environment = null, string? root = null) => new(
        UnionPayChannel.ChannelName, "acc-unionpay-vec", new Uri("https://gateway.test.95516.com/"),
        new Dictionary<string, string>
        {
            ["mer_id"] = merId,
            ["root_cert"] = root ?? Convert.ToBase64String(UnionPayVectors.Bytes("keys/omnipay-acp_test_root.cer")),
            ["middle_cert"] = Convert.ToBase64String(UnionPayVectors.Bytes("keys/omnipay-acp_test_middle.cer")),
            ["environment"] = environment ?? "production",
        },
        new Dictionary<string, string>
        {
            ["sign_cert_pfx"] = Convert.ToBase64String(UnionPayVectors.Bytes("keys/yansongda-unipayAppCert.pfx")),
            ["sign_cert_password"] = password ?? UnionPayVectors.PfxPassword,
        },
        new Uri("https://pay.example/callbacks/unionpay/acc-unionpay-vec"));

    private static string GatewayOrderId(DateTimeOffset issuedAt) => OrderId.Format(issuedAt.ToUnixTimeMilliseconds(), "01", 7, 42);

    private static ChannelPaymentRequest Request(string orderId, PayMethod method = PayMethod.WEB, long amount = 1234, string currency = "CNY",
        DateTimeOffset? expiresAt = null, string? returnUrl = "https://shop.example/return") =>
        new(orderId, amount, currency, "测试商品", null, method, expiresAt ?? Now.AddMinutes(15), returnUrl, null, null, null, null);

    // ---- browser consume

    [Theory]
    [InlineData(PayMethod.WEB, "07")]
    [InlineData(PayMethod.WAP, "08")]
    public async Task Create_WebOrWap_AutoSubmitFormSignedWithTheMerchantKey(PayMethod method, string channelType)
    {
        var orderId = GatewayOrderId(Now);

        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request(orderId, method), default);
        var fields = FormFields(result.PayData!.Content);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal("form", result.PayData.Kind);
        Assert.Contains("action=\"https://gateway.test.95516.com/gateway/api/frontTransReq.do\"", result.PayData.Content);
        Assert.Equal("5.1.0", fields["version"]);
        Assert.Equal("01", fields["signMethod"]);
        Assert.Equal("01", fields["txnType"]);
        Assert.Equal("01", fields["txnSubType"]);
        Assert.Equal("000201", fields["bizType"]);
        Assert.Equal(channelType, fields["channelType"]);
        Assert.Equal(VectorMerId, fields["merId"]);
        Assert.Equal(orderId, fields["orderId"]);
        Assert.Equal("1234", fields["txnAmt"]);
        Assert.Equal("156", fields["currencyCode"]);
        Assert.Equal("69903319369", fields["certId"]);
        Assert.Equal("https://shop.example/return", fields["frontUrl"]);
        Assert.Equal("https://pay.example/callbacks/unionpay/acc-unionpay-vec", fields["backUrl"]);
        // Beijing time: 04:00 UTC is 12:00 in Beijing; payTimeout is the order's expiry, 15 minutes later.
        Assert.Equal("20260301120000", fields["txnTime"]);
        Assert.Equal("20260301121500", fields["payTimeout"]);
        using var pfx = X509CertificateLoader.LoadPkcs12(UnionPayVectors.Bytes("keys/yansongda-unipayAppCert.pfx"), UnionPayVectors.PfxPassword);
        using var publicKey = pfx.GetRSAPublicKey()!;
        Assert.True(UnionPaySignature.Verify(UnionPaySignContent.Build(fields), fields["signature"], publicKey));
    }

    [Fact]
    public async Task Create_ExpiryBeyondThePayWindow_PayTimeoutIsCappedAtTheWindow()
    {
        var orderId = GatewayOrderId(Now);

        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request(orderId, expiresAt: Now.AddDays(3)), default);

        // Default window: 2 hours after txnTime.
        Assert.Equal("20260301140000", FormFields(result.PayData!.Content)["payTimeout"]);
    }

    [Fact]
    public async Task Create_TxnTimeComesFromTheOrderId_NotFromTheClock()
    {
        var issued = Now.AddMinutes(-3).AddMilliseconds(999);

        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request(GatewayOrderId(issued)), default);

        Assert.Equal("20260301115700", FormFields(result.PayData!.Content)["txnTime"]);
    }

    // ---- refusals before anything is sent

    [Fact]
    public async Task Create_OtherCurrency_FailedNothingSent()
    {
        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request(GatewayOrderId(Now), currency: "USD"), default);

        Assert.Equal((ChannelOutcome.Failed, "CURRENCY_NOT_SUPPORTED"), (result.Outcome, result.ErrorCode));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(1_000_000_000_000L)]
    public async Task Create_AmountOutOfRange_Failed(long amount)
    {
        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request(GatewayOrderId(Now), amount: amount), default);

        Assert.Equal((ChannelOutcome.Failed, "INVALID_AMOUNT"), (result.Outcome, result.ErrorCode));
    }

    [Fact]
    public async Task Create_NotAGatewayOrderId_Failed()
    {
        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request("yansongda20220903065448"), default);

        Assert.Equal((ChannelOutcome.Failed, "ORDER_ID_NOT_SUPPORTED"), (result.Outcome, result.ErrorCode));
    }

    [Fact]
    public async Task Create_PayTimeoutAlreadyPassed_Failed()
    {
        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request(GatewayOrderId(Now.AddHours(-3)), expiresAt: Now.AddHours(1)), default);

        Assert.Equal((ChannelOutcome.Failed, "ORDER_EXPIRED"), (result.Outcome, result.ErrorCode));
    }

    [Fact]
    public async Task Create_WebWithoutReturnUrl_Failed()
    {
        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request(GatewayOrderId(Now), returnUrl: null), default);

        Assert.Equal((ChannelOutcome.Failed, "RETURN_URL_REQUIRED"), (result.Outcome, result.ErrorCode));
    }

    [Theory]
    [InlineData(PayMethod.QR_CODE)]
    [InlineData(PayMethod.SERVER)]
    [InlineData(PayMethod.SDK)]
    public async Task Create_UnsupportedMethod_Failed(PayMethod method)
    {
        var result = await ChannelAt(Now).CreatePaymentAsync(VectorAccount(), Request(GatewayOrderId(Now), method), default);

        Assert.Equal((ChannelOutcome.Failed, "METHOD_NOT_SUPPORTED"), (result.Outcome, result.ErrorCode));
        Assert.DoesNotContain(method, ChannelAt(Now).SupportedMethods);
    }

    [Fact]
    public async Task Query_NotAGatewayOrderId_UnknownWithoutAsking()
    {
        var result = await ChannelAt(Now).QueryPaymentAsync(VectorAccount(), "pay20220911041647", default);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
    }

    // ---- callbacks: UnionPay's real test-environment notification (yansongda vector)

    [Fact]
    public async Task ParseCallback_VectorNotificationInsideCertValidity_DecodedFaithfully()
    {
        var result = await ChannelAt(UnionPayVectors.Sept2022).ParseCallbackAsync(VectorAccount(), VectorCallback(), default);

        var callback = result.Callback!;
        Assert.Null(result.RejectionCode);
        Assert.Equal("yansongda20220908132206", callback.OrderId);
        Assert.Equal(ChannelTradeState.Succeeded, callback.State);
        Assert.Equal(1, callback.Amount);
        Assert.Equal("CNY", callback.Currency);
        Assert.Equal("782209081322060674028", callback.ChannelTradeNo);
        Assert.Equal(VectorMerId, callback.ChannelMerchantId);
        Assert.Equal("782209081322060674028:00", callback.ChannelEventId);
    }

    [Fact]
    public async Task ParseCallback_VectorNotificationReadLater_PaidAtIsUnionPaysTraceTimeNotTheClock()
    {
        // The clock stands on 2022-09-11, three days after UnionPay sent it.
        var result = await ChannelAt(UnionPayVectors.Sept2022).ParseCallbackAsync(VectorAccount(), VectorCallback(), default);

        // traceTime=0908132206, txnTime=20220908132206: Beijing time, the year from txnTime.
        Assert.Equal(new DateTimeOffset(2022, 9, 8, 13, 22, 6, TimeSpan.FromHours(8)), result.Callback!.PaidAt);
    }

    [Fact]
    public async Task ParseCallback_VectorNotificationToday_RejectedBecauseUnionPaysCertExpired()
    {
        var result = await ChannelAt(DateTimeOffset.UtcNow).ParseCallbackAsync(VectorAccount(), VectorCallback(), default);

        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
        Assert.Contains("UntrustedCertificate", result.RejectionReason);
    }

    [Fact]
    public async Task ParseCallback_AmountTamperedInTransit_Rejected()
    {
        var tampered = VectorCallback(f => f["txnAmt"] = "100");

        var result = await ChannelAt(UnionPayVectors.Sept2022).ParseCallbackAsync(VectorAccount(), tampered, default);

        Assert.Null(result.Callback);
        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task ParseCallback_OtherMerchantsAccount_Rejected()
    {
        var result = await ChannelAt(UnionPayVectors.Sept2022).ParseCallbackAsync(VectorAccount(merId: "777290058100000"), VectorCallback(), default);

        Assert.Equal("MERCHANT_MISMATCH", result.RejectionCode);
    }

    [Fact]
    public async Task ParseCallback_AccountTrustingAnotherRoot_Rejected()
    {
        var otherRoot = Convert.ToBase64String(UnionPayVectors.Bytes("keys/omnipay-acp_test_middle.cer"));

        var result = await ChannelAt(UnionPayVectors.Sept2022).ParseCallbackAsync(VectorAccount(root: otherRoot), VectorCallback(), default);

        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task ParseCallback_NotAForm_Rejected()
    {
        var request = new ChannelCallbackRequest(new Dictionary<string, string>(), new byte[] { 0x61, 0x3D, 0xFF }, "application/x-www-form-urlencoded");

        var result = await ChannelAt(UnionPayVectors.Sept2022).ParseCallbackAsync(VectorAccount(), request, default);

        Assert.Equal("INVALID_NOTIFY", result.RejectionCode);
    }

    [Fact]
    public void ReplyToCallback_AcceptedIs200Ok_RefusedIsNot200()
    {
        var channel = ChannelAt(Now);

        Assert.Equal(new ChannelCallbackReply(200, "text/plain", "ok"), channel.ReplyToCallback(true));
        Assert.NotEqual(200, channel.ReplyToCallback(false).StatusCode);
    }

    // ---- account validation

    [Fact]
    public void ValidateAccount_VectorAccount_Passes()
    {
        ChannelAt(Now).ValidateAccount(VectorAccount());
        ChannelAt(Now).ValidateAccount(VectorAccount(environment: "test"));
    }

    [Fact]
    public void ValidateAccount_WrongPfxPassword_ThrowsWithoutQuotingSecrets()
    {
        var account = VectorAccount(password: "s3cret-pw");

        var ex = Assert.Throws<ChannelConfigurationException>(() => ChannelAt(Now).ValidateAccount(account));

        Assert.Contains("sign_cert_pfx", ex.Message);
        Assert.DoesNotContain("s3cret-pw", ex.Message);
        Assert.DoesNotContain(account.Secrets["sign_cert_pfx"][..20], ex.Message);
    }

    [Theory]
    [InlineData("mer_id", "12345")]
    [InlineData("environment", "staging")]
    [InlineData("root_cert", "not a certificate")]
    [InlineData("pay_window_minutes", "1")]
    public void ValidateAccount_BadSetting_ThrowsNamingIt(string setting, string value)
    {
        var account = VectorAccount();
        var settings = new Dictionary<string, string>(account.Settings) { [setting] = value };

        var ex = Assert.Throws<ChannelConfigurationException>(() => ChannelAt(Now).ValidateAccount(account with { Settings = settings }));

        Assert.Contains(setting, ex.Message);
    }

    [Fact]
    public void ValidateAccount_MissingSecret_Throws()
    {
        var account = VectorAccount() with { Secrets = new Dictionary<string, string>() };

        Assert.Throws<ChannelConfigurationException>(() => ChannelAt(Now).ValidateAccount(account));
    }

    /// <summary>The yansongda notification as UnionPay POSTs it: form-encoded (the PEM's CRLFs and '+' escaped).</summary>
    private static ChannelCallbackRequest VectorCallback(Action<Dictionary<string, string>>? change = null)
    {
        var fields = UnionPayVectors.Strings(UnionPayVectors.Json("yansongda-return-callback.json").GetProperty("callback_params"));
        change?.Invoke(fields);
        return new ChannelCallbackRequest(new Dictionary<string, string>(), Encoding.UTF8.GetBytes(UnionPayForm.EncodeUrlEncoded(fields)), "application/x-www-form-urlencoded");
    }

    /// <summary>The hidden inputs of an auto-submit form, HTML-decoded.</summary>
    public static Dictionary<string, string> FormFields(string html) =>
        HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value), StringComparer.Ordinal);

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"/>")]
    private static partial Regex HiddenInput();

    public void Dispose() => _services.Dispose();
}
