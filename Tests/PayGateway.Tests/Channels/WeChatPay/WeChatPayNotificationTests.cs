using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPayNotificationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private const string TransactionJson =
        "{\"mchid\":\"1230000109\",\"appid\":\"wxd678efh567hg6787\",\"out_trade_no\":\"P20261126100000001\","
        + "\"transaction_id\":\"1217752501201407033233368018\",\"trade_type\":\"NATIVE\",\"trade_state\":\"SUCCESS\","
        + "\"trade_state_desc\":\"支付成功\",\"bank_type\":\"CMC\",\"attach\":\"\",\"success_time\":\"2026-11-26T18:00:00+08:00\","
        + "\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},"
        + "\"amount\":{\"total\":100,\"payer_total\":90,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";

    [Fact]
    public void GoNotify_VerifiesAndDecrypts_ToExpectedPlaintext()
    {
        var v = WeChatPayVectors.Json("go-notify/vector.json");
        var (verifier, message) = GoNotify(v);

        var result = WeChatPayNotification.Open(message, verifier, v.Str("apiv3_key"));

        Assert.True(result.IsVerified, result.Reason);
        Assert.Equal(v.Str("expected_resource_plaintext"), result.Plaintext);
        Assert.Equal("3119dfba-e649-5eec-ab1e-3412bc4d2e17", result.Envelope!.Id);
        Assert.Equal("PAYSCORE.USER_OPEN_SERVICE", result.Envelope.EventType);
        Assert.Equal("encrypt-resource", result.Envelope.ResourceType);
        Assert.Equal("签约成功", result.Envelope.Summary);
        Assert.Equal(new DateTimeOffset(2021, 6, 24, 16, 37, 26, TimeSpan.FromHours(8)), result.Envelope.CreateTime);
        Assert.Equal("payscore", result.Envelope.Resource.OriginalType);
        Assert.Equal("payscore", result.Envelope.Resource.AssociatedData);
    }

    [Fact]
    public void JavaNotificationResource_DecryptsToSamePlaintextAsGo()
    {
        var go = WeChatPayVectors.Json("go-notify/vector.json");
        var java = WeChatPayVectors.Json("java-notify/wechat_pay_notification.json");

        Assert.True(WeChatPayEncryptedResource.TryRead(java.GetProperty("resource"), out var resource));
        Assert.Equal(go.Str("expected_resource_plaintext"), resource.Decrypt(go.Str("apiv3_key")));
    }

    [Fact]
    public void YansongdaNotify_VerifiesAndDecrypts_ToPlatformCertificatePem()
    {
        var v = WeChatPayVectors.Json("yansongda-notify/vector.json");
        var store = new WeChatPayPlatformCertificateStore();
        using (var publicKey = WeChatPayKeys.ImportPublicKey(WeChatPayVectors.Text(v.Str("verify_key_file"))))
        {
            store.Add(WeChatPayPlatformKey.FromPublicKey("45F59D4DABF31918AFCEC556D5D2C6E376675D57", publicKey));
        }

        var verifier = new WeChatPaySignatureVerifier(store, new FakeTimeProvider(WeChatPayVectors.Unix(1626444144)));
        var message = WeChatPaySignedMessage.FromHeaders(WeChatPayVectors.Headers(v), WeChatPayVectors.Bytes(v.Str("body_file")));

        var result = WeChatPayNotification.Open(message, verifier, v.Str("apiv3_key"));

        Assert.True(result.IsVerified, result.Reason);
        Assert.Equal(WeChatPayVectors.Text("yansongda-notify/decrypted-resource.txt").TrimEnd(), result.Plaintext!.TrimEnd());
        using var decrypted = WeChatPayKeys.ImportCertificate(result.Plaintext);
        using var expected = X509CertificateLoader.LoadCertificateFromFile(WeChatPayVectors.FullPath("keys/yansongda-wechatPublicKey-cert.crt"));
        Assert.Equal(expected.RawData, decrypted.RawData);
        Assert.Equal("45F59D4DABF31918AFCEC556D5D2C6E376675D57", WeChatPaySerial.Normalize(decrypted.SerialNumber));
    }

    [Fact]
    public void GoNotify_TamperedResourceWithoutResigning_IsSignatureInvalid()
    {
        var v = WeChatPayVectors.Json("go-notify/vector.json");
        var (verifier, message) = GoNotify(v);
        var tampered = Encoding.UTF8.GetString(message.Body.Span).Replace("\"nonce\":\"Kj7QIyUiYx1q\"", "\"nonce\":\"Kj7QIyUiYx1r\"", StringComparison.Ordinal);

        var result = WeChatPayNotification.Open(message with { Body = Encoding.UTF8.GetBytes(tampered) }, verifier, v.Str("apiv3_key"));

        Assert.Equal(WeChatPayNotificationStatus.SignatureInvalid, result.Status);
        Assert.Equal(WeChatPayVerificationStatus.BadSignature, result.Verification!.Status);
        Assert.Null(result.Plaintext);
    }

    [Fact]
    public void GoNotify_StaleTimestamp_IsSignatureInvalid()
    {
        var v = WeChatPayVectors.Json("go-notify/vector.json");
        var (_, message) = GoNotify(v);
        using var cert = WeChatPayVectors.Certificate(v.Str("platform_certificate_file"));
        var store = new WeChatPayPlatformCertificateStore();
        store.Add(cert);
        var verifier = new WeChatPaySignatureVerifier(store, new FakeTimeProvider(WeChatPayVectors.Unix(1624523846 + 3600)));

        var result = WeChatPayNotification.Open(message, verifier, v.Str("apiv3_key"));

        Assert.Equal(WeChatPayVerificationStatus.StaleTimestamp, result.Verification!.Status);
        Assert.Null(result.Plaintext);
    }

    [Fact]
    public void GoNotify_WrongApiV3Key_IsDecryptionFailed()
    {
        var v = WeChatPayVectors.Json("go-notify/vector.json");
        var (verifier, message) = GoNotify(v);

        var result = WeChatPayNotification.Open(message, verifier, "testMchAPIv3Key1");

        Assert.Equal(WeChatPayNotificationStatus.DecryptionFailed, result.Status);
        Assert.Null(result.Plaintext);
    }

    [Fact]
    public void PaymentCallback_VerifiesDecryptsAndParsesTransaction()
    {
        using var platform = NewPlatform();
        var body = WeChatPayTestPlatform.NotificationBody(TransactionJson);
        var message = WeChatPaySignedMessage.FromHeaders(platform.Sign(body, Now), body);

        var result = WeChatPayNotification.OpenTransaction(message, Verifier(platform), WeChatPayTestPlatform.ApiV3Key, out var transaction);

        Assert.True(result.IsVerified, result.Reason);
        Assert.Equal(WeChatPayNotification.TransactionSuccessEvent, result.Envelope!.EventType);
        Assert.NotNull(transaction);
        Assert.Equal("P20261126100000001", transaction.OutTradeNo);
        Assert.Equal("1217752501201407033233368018", transaction.TransactionId);
        Assert.Equal("SUCCESS", transaction.TradeState);
        Assert.Equal("1230000109", transaction.MchId);
        Assert.Equal(new WeChatPayAmount(100, "CNY", 90, "CNY"), transaction.Amount);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), transaction.SuccessTime);
        Assert.Equal("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", transaction.PayerOpenId);
    }

    [Fact]
    public void SignedButTamperedCiphertext_IsDecryptionFailed()
    {
        using var platform = NewPlatform();
        var text = Encoding.UTF8.GetString(WeChatPayTestPlatform.NotificationBody(TransactionJson));
        var start = text.IndexOf("\"ciphertext\":\"", StringComparison.Ordinal) + 14;
        var flipped = text[start] == 'A' ? 'B' : 'A';
        var body = Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, start), flipped.ToString(), text.AsSpan(start + 1)));
        var message = WeChatPaySignedMessage.FromHeaders(platform.Sign(body, Now), body);

        var result = WeChatPayNotification.Open(message, Verifier(platform), WeChatPayTestPlatform.ApiV3Key);

        Assert.Equal(WeChatPayNotificationStatus.DecryptionFailed, result.Status);
    }

    [Fact]
    public void SignedButWrongAssociatedData_IsDecryptionFailed()
    {
        using var platform = NewPlatform();
        var text = Encoding.UTF8.GetString(WeChatPayTestPlatform.NotificationBody(TransactionJson))
            .Replace("\"associated_data\":\"transaction\"", "\"associated_data\":\"refund\"", StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(text);
        var message = WeChatPaySignedMessage.FromHeaders(platform.Sign(body, Now), body);

        var result = WeChatPayNotification.Open(message, Verifier(platform), WeChatPayTestPlatform.ApiV3Key);

        Assert.Equal(WeChatPayNotificationStatus.DecryptionFailed, result.Status);
    }

    [Fact]
    public void SignedButUnknownAlgorithm_IsRejected()
    {
        using var platform = NewPlatform();
        var body = WeChatPayTestPlatform.NotificationBody(TransactionJson, algorithm: "AEAD_SM4_GCM");
        var message = WeChatPaySignedMessage.FromHeaders(platform.Sign(body, Now), body);

        var result = WeChatPayNotification.Open(message, Verifier(platform), WeChatPayTestPlatform.ApiV3Key);

        Assert.Equal(WeChatPayNotificationStatus.UnsupportedAlgorithm, result.Status);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"id\":\"x\"}")]
    [InlineData("{\"resource\":{\"algorithm\":\"AEAD_AES_256_GCM\",\"nonce\":\"fixedNonce12\"}}")]
    public void SignedButMalformedBody_IsMalformed(string json)
    {
        using var platform = NewPlatform();
        var body = Encoding.UTF8.GetBytes(json);
        var message = WeChatPaySignedMessage.FromHeaders(platform.Sign(body, Now), body);

        var result = WeChatPayNotification.Open(message, Verifier(platform), WeChatPayTestPlatform.ApiV3Key);

        Assert.Equal(WeChatPayNotificationStatus.Malformed, result.Status);
    }

    [Fact]
    public void SignedResourceThatIsNotATransaction_IsMalformedForOpenTransaction()
    {
        using var platform = NewPlatform();
        var body = WeChatPayTestPlatform.NotificationBody("{\"out_refund_no\":\"R1\",\"refund_status\":\"SUCCESS\"}", "refund");
        var message = WeChatPaySignedMessage.FromHeaders(platform.Sign(body, Now), body);

        var result = WeChatPayNotification.OpenTransaction(message, Verifier(platform), WeChatPayTestPlatform.ApiV3Key, out var transaction);

        Assert.Equal(WeChatPayNotificationStatus.Malformed, result.Status);
        Assert.Null(transaction);
    }

    [Fact]
    public void CallbackSignedByUnknownPlatform_IsSignatureInvalid()
    {
        using var trusted = NewPlatform();
        using var impostor = new WeChatPayTestPlatform([0x11, 0x22], Now.AddDays(-1), Now.AddDays(1));
        var body = WeChatPayTestPlatform.NotificationBody(TransactionJson);
        var message = WeChatPaySignedMessage.FromHeaders(impostor.Sign(body, Now), body);

        var result = WeChatPayNotification.Open(message, Verifier(trusted), WeChatPayTestPlatform.ApiV3Key);

        Assert.Equal(WeChatPayVerificationStatus.UnknownSerial, result.Verification!.Status);
    }

    private static WeChatPayTestPlatform NewPlatform() => new([0xC0, 0xFF, 0xEE, 0x01], Now.AddDays(-30), Now.AddDays(365));

    private static WeChatPaySignatureVerifier Verifier(WeChatPayTestPlatform platform)
    {
        var store = new WeChatPayPlatformCertificateStore();
        store.Add(platform.Certificate);
        return new WeChatPaySignatureVerifier(store, new FakeTimeProvider(Now));
    }

    private static (WeChatPaySignatureVerifier Verifier, WeChatPaySignedMessage Message) GoNotify(System.Text.Json.JsonElement v)
    {
        var store = new WeChatPayPlatformCertificateStore();
        using (var cert = WeChatPayVectors.Certificate(v.Str("platform_certificate_file")))
        {
            store.Add(cert);
        }

        var verifier = new WeChatPaySignatureVerifier(store, new FakeTimeProvider(WeChatPayVectors.Unix(v.GetProperty("mocked_now_unix").GetInt64())));
        return (verifier, WeChatPaySignedMessage.FromHeaders(WeChatPayVectors.Headers(v), WeChatPayVectors.Bytes(v.Str("body_file"))));
    }
}
