using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPaySignatureVerifierTests
{
    private const string YansongdaPlatformSerial = "45F59D4DABF31918AFCEC556D5D2C6E376675D57";

    [Fact]
    public void GoNotify_Verifies()
    {
        var (verifier, message) = GoNotify();

        var result = verifier.Verify(message);

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public void YansongdaNotify_Verifies()
    {
        var (verifier, message) = Yansongda("yansongda-notify/vector.json");

        Assert.True(verifier.Verify(message).IsValid);
    }

    [Fact]
    public void YansongdaResponse_Verifies()
    {
        var (verifier, message) = Yansongda("yansongda-response/vector.json");

        Assert.True(verifier.Verify(message).IsValid);
    }

    [Fact]
    public void TamperedBody_IsBadSignature()
    {
        var (verifier, message) = GoNotify();
        var body = message.Body.ToArray();
        body[^3] ^= 0x01;

        var result = verifier.Verify(message with { Body = body });

        Assert.Equal(WeChatPayVerificationStatus.BadSignature, result.Status);
    }

    [Fact]
    public void BodyReserialisedWithoutEscapedSlashes_IsBadSignature()
    {
        var (verifier, message) = Yansongda("yansongda-notify/vector.json");
        var reencoded = System.Text.Encoding.UTF8.GetString(message.Body.Span).Replace("\\/", "/", StringComparison.Ordinal);

        var result = verifier.Verify(message with { Body = System.Text.Encoding.UTF8.GetBytes(reencoded) });

        Assert.Equal(WeChatPayVerificationStatus.BadSignature, result.Status);
    }

    [Fact]
    public void TamperedSignature_IsBadSignature()
    {
        var (verifier, message) = GoNotify();
        var signature = Convert.FromBase64String(message.Signature!);
        signature[10] ^= 0x01;

        var result = verifier.Verify(message with { Signature = Convert.ToBase64String(signature) });

        Assert.Equal(WeChatPayVerificationStatus.BadSignature, result.Status);
    }

    [Fact]
    public void SignatureNotBase64_IsBadSignature()
    {
        var (verifier, message) = GoNotify();

        Assert.Equal(WeChatPayVerificationStatus.BadSignature, verifier.Verify(message with { Signature = "%%%" }).Status);
    }

    [Fact]
    public void ChangedNonce_IsBadSignature()
    {
        var (verifier, message) = GoNotify();

        Assert.Equal(WeChatPayVerificationStatus.BadSignature, verifier.Verify(message with { Nonce = "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBZ" }).Status);
    }

    [Fact]
    public void UnknownSerial_IsRejected()
    {
        var (verifier, message) = GoNotify();

        var result = verifier.Verify(message with { Serial = "D7CE59D1F522D702" });

        Assert.Equal(WeChatPayVerificationStatus.UnknownSerial, result.Status);
    }

    [Fact]
    public void KnownButWrongSerial_IsBadSignature()
    {
        var (_, message) = GoNotify();
        var store = GoStore();
        // The go test certificates all share one key, so the other known key comes from the java fixtures.
        using var otherKey = WeChatPayKeys.ImportPublicKey(WeChatPayVectors.Text("keys/java-wechat-pay-public-key.pem"));
        store.Add(WeChatPayPlatformKey.FromPublicKey("PUB_KEY_ID_0000000000000001", otherKey));
        var verifier = new WeChatPaySignatureVerifier(store, new FakeTimeProvider(WeChatPayVectors.Unix(1624523846)));

        var result = verifier.Verify(message with { Serial = "PUB_KEY_ID_0000000000000001" });

        Assert.Equal(WeChatPayVerificationStatus.BadSignature, result.Status);
    }

    [Fact]
    public void SerialWithSignPaddingOrLowerCase_StillFindsCertificate()
    {
        var (verifier, message) = GoNotify();

        Assert.True(verifier.Verify(message with { Serial = "00d7ce59d1f522d701" }).IsValid);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(-300)]
    [InlineData(86400)]
    public void TimestampAtOrBeyondWindow_IsStale(int offsetSeconds)
    {
        var (_, message) = GoNotify();
        var verifier = GoVerifier(WeChatPayVectors.Unix(1624523846 + offsetSeconds));

        var result = verifier.Verify(message);

        Assert.Equal(WeChatPayVerificationStatus.StaleTimestamp, result.Status);
    }

    [Theory]
    [InlineData(299)]
    [InlineData(-299)]
    public void TimestampInsideWindow_IsAccepted(int offsetSeconds)
    {
        var (_, message) = GoNotify();
        var verifier = GoVerifier(WeChatPayVectors.Unix(1624523846 + offsetSeconds));

        Assert.True(verifier.Verify(message).IsValid);
    }

    [Fact]
    public void Window_IsConfigurable()
    {
        var (_, message) = GoNotify();
        var now = WeChatPayVectors.Unix(1624523846 + 120);

        Assert.Equal(WeChatPayVerificationStatus.StaleTimestamp, GoVerifier(now, TimeSpan.FromSeconds(60)).Verify(message).Status);
        Assert.True(GoVerifier(now, TimeSpan.FromSeconds(600)).Verify(message).IsValid);
    }

    [Fact]
    public void TimeMovesOn_SameMessageBecomesStale()
    {
        var (_, message) = GoNotify();
        var time = new FakeTimeProvider(WeChatPayVectors.Unix(1624523846));
        var verifier = new WeChatPaySignatureVerifier(GoStore(), time);

        Assert.True(verifier.Verify(message).IsValid);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(WeChatPayVerificationStatus.StaleTimestamp, verifier.Verify(message).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1624523846")]
    [InlineData("1624523846.0")]
    [InlineData("99999999999999999999")]
    public void MalformedTimestamp_IsRejected(string timestamp)
    {
        var (verifier, message) = GoNotify();

        var result = verifier.Verify(message with { Timestamp = timestamp });

        Assert.Contains(result.Status, new[] { WeChatPayVerificationStatus.MalformedTimestamp, WeChatPayVerificationStatus.MissingHeader });
        Assert.False(result.IsValid);
    }

    [Theory]
    [InlineData("Wechatpay-Timestamp")]
    [InlineData("Wechatpay-Nonce")]
    [InlineData("Wechatpay-Serial")]
    [InlineData("Wechatpay-Signature")]
    public void MissingHeader_IsRejected(string header)
    {
        var v = WeChatPayVectors.Json("go-notify/vector.json");
        var headers = WeChatPayVectors.Headers(v);
        headers.Remove(header);
        var message = WeChatPaySignedMessage.FromHeaders(headers, WeChatPayVectors.Bytes("go-notify/body.json"));

        Assert.Equal(WeChatPayVerificationStatus.MissingHeader, GoVerifier(WeChatPayVectors.Unix(1624523846)).Verify(message).Status);
    }

    [Fact]
    public void HeaderNames_AreMatchedCaseInsensitively()
    {
        var v = WeChatPayVectors.Json("go-notify/vector.json");
        var headers = WeChatPayVectors.Headers(v).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        var message = WeChatPaySignedMessage.FromHeaders(headers, WeChatPayVectors.Bytes("go-notify/body.json"));

        Assert.True(GoVerifier(WeChatPayVectors.Unix(1624523846)).Verify(message).IsValid);
    }

    [Fact]
    public void SignatureTypeHeader_MustBeRsa2048WhenPresent()
    {
        var (verifier, message) = GoNotify();

        Assert.True(verifier.Verify(message with { SignatureType = "WECHATPAY2-SHA256-RSA2048" }).IsValid);
        Assert.Equal(WeChatPayVerificationStatus.UnsupportedSignatureType, verifier.Verify(message with { SignatureType = "WECHATPAY2-SM2-WITH-SM3" }).Status);
    }

    [Fact]
    public void ExpiredPlatformCertificate_IsNotUsed()
    {
        // The yansongda platform mapping is valid, but by Jul 2026 the cert in the store has expired: a message
        // signed "now" under that serial must not verify against it.
        using var cert = WeChatPayVectors.Certificate("keys/yansongda-wechatAppPublicKey-cert.pem");
        var store = new WeChatPayPlatformCertificateStore();
        store.Add(cert);
        var afterExpiry = new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero).AddDays(1);
        var verifier = new WeChatPaySignatureVerifier(store, new FakeTimeProvider(afterExpiry));
        using var key = WeChatPayVectors.PrivateKey("keys/yansongda-wechatAppPrivateKey.pem");
        var body = "{}"u8.ToArray();
        var timestamp = afterExpiry.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = WeChatPayAuthorization.Sign(WeChatPaySignatureVerifier.BuildMessage(timestamp, "n", body), key);

        var result = verifier.Verify(new WeChatPaySignedMessage(timestamp, "n", cert.SerialNumber, signature, body));

        Assert.Equal(WeChatPayVerificationStatus.UnknownSerial, result.Status);
    }

    [Fact]
    public void Rotation_OldAndNewCertificatesBothVerifyDuringOverlap()
    {
        var now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        using var oldPlatform = new WeChatPayTestPlatform([0x9A, 0x01, 0x02], now.AddYears(-5), now.AddDays(10));
        using var newPlatform = new WeChatPayTestPlatform([0x7B, 0x03, 0x04], now.AddDays(-1), now.AddYears(5));
        var store = new WeChatPayPlatformCertificateStore();
        store.Add(oldPlatform.Certificate);
        store.Add(newPlatform.Certificate);
        var time = new FakeTimeProvider(now);
        var verifier = new WeChatPaySignatureVerifier(store, time);
        var body = "{\"code_url\":\"weixin://wxpay/bizpayurl?pr=abc\"}"u8.ToArray();

        Assert.Equal("9A0102", oldPlatform.Serial);
        Assert.True(verifier.Verify(WeChatPaySignedMessage.FromHeaders(oldPlatform.Sign(body, now), body)).IsValid);
        Assert.True(verifier.Verify(WeChatPaySignedMessage.FromHeaders(newPlatform.Sign(body, now), body)).IsValid);
        Assert.Same(store.Newest(now), store.Keys.Single(k => k.SerialNo == newPlatform.Serial));

        time.Advance(TimeSpan.FromDays(11));
        var later = time.GetUtcNow();
        Assert.Equal(WeChatPayVerificationStatus.UnknownSerial, verifier.Verify(WeChatPaySignedMessage.FromHeaders(oldPlatform.Sign(body, later), body)).Status);
        Assert.True(verifier.Verify(WeChatPaySignedMessage.FromHeaders(newPlatform.Sign(body, later), body)).IsValid);
        Assert.Equal(1, store.RemoveExpired(later));
        Assert.Single(store.Keys);
    }

    [Fact]
    public void NonPositiveWindow_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new WeChatPaySignatureVerifier(new WeChatPayPlatformCertificateStore(), TimeProvider.System, TimeSpan.Zero));
    }

    private static WeChatPayPlatformCertificateStore GoStore()
    {
        var store = new WeChatPayPlatformCertificateStore();
        using var cert = WeChatPayVectors.Certificate("keys/go-test-platform-cert-D7CE59D1F522D701.pem");
        store.Add(cert);
        return store;
    }

    private static WeChatPaySignatureVerifier GoVerifier(DateTimeOffset now, TimeSpan? window = null) =>
        new(GoStore(), new FakeTimeProvider(now), window);

    private static (WeChatPaySignatureVerifier Verifier, WeChatPaySignedMessage Message) GoNotify()
    {
        var v = WeChatPayVectors.Json("go-notify/vector.json");
        var message = WeChatPaySignedMessage.FromHeaders(WeChatPayVectors.Headers(v), WeChatPayVectors.Bytes(v.Str("body_file")));
        return (GoVerifier(WeChatPayVectors.Unix(v.GetProperty("mocked_now_unix").GetInt64())), message);
    }

    /// <summary>
    /// The yansongda fixtures are signed with the merchant test key while naming the platform serial 45F5…; its
    /// test config maps that serial to the merchant certificate's public key, and so do we.
    /// </summary>
    private static (WeChatPaySignatureVerifier Verifier, WeChatPaySignedMessage Message) Yansongda(string vectorFile)
    {
        var v = WeChatPayVectors.Json(vectorFile);
        var store = new WeChatPayPlatformCertificateStore();
        using var publicKey = WeChatPayKeys.ImportPublicKey(WeChatPayVectors.Text(v.Str("verify_key_file")));
        store.Add(WeChatPayPlatformKey.FromPublicKey(YansongdaPlatformSerial, publicKey));
        var headers = WeChatPayVectors.Headers(v);
        var message = WeChatPaySignedMessage.FromHeaders(headers, WeChatPayVectors.Bytes(v.Str("body_file")));
        var now = WeChatPayVectors.Unix(long.Parse(headers["Wechatpay-Timestamp"], System.Globalization.CultureInfo.InvariantCulture));
        return (new WeChatPaySignatureVerifier(store, new FakeTimeProvider(now)), message);
    }
}
