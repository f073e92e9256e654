using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPayCertificatesTests
{
    [Fact]
    public void JavaDownload_DecryptsToCertificateWithAdvertisedSerial()
    {
        var v = WeChatPayVectors.Json("java-download-certificate.json");

        var certificates = WeChatPayCertificates.DecryptDownload(ResponseBytes(v), v.Str("apiv3_key"));

        var downloaded = Assert.Single(certificates);
        Assert.Equal(v.Str("expected_serial_no"), downloaded.SerialNo);
        Assert.Equal(v.Str("expected_serial_no"), WeChatPaySerial.Normalize(downloaded.Certificate.SerialNumber));
        Assert.Equal(new DateTimeOffset(2023, 9, 19, 23, 15, 58, TimeSpan.FromHours(8)), downloaded.EffectiveTime);
        Assert.Equal(new DateTimeOffset(2028, 9, 17, 23, 15, 58, TimeSpan.FromHours(8)), downloaded.ExpireTime);
        using var saved = WeChatPayVectors.Certificate("keys/java-downloaded-platform-cert-5DEA10EF.pem");
        Assert.Equal(saved.RawData, downloaded.Certificate.RawData);
    }

    [Fact]
    public void JavaDownload_WrongApiV3Key_Throws()
    {
        var v = WeChatPayVectors.Json("java-download-certificate.json");

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayCertificates.DecryptDownload(ResponseBytes(v), "b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"));
    }

    [Fact]
    public void JavaDownload_SerialNoNotMatchingCertificate_Throws()
    {
        var v = WeChatPayVectors.Json("java-download-certificate.json");
        var json = Encoding.UTF8.GetString(ResponseBytes(v)).Replace(
            "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC", "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427ED", StringComparison.Ordinal);

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayCertificates.DecryptDownload(Encoding.UTF8.GetBytes(json), v.Str("apiv3_key")));
    }

    [Fact]
    public void JavaDownload_TamperedCiphertext_Throws()
    {
        var v = WeChatPayVectors.Json("java-download-certificate.json");
        var json = Encoding.UTF8.GetString(ResponseBytes(v)).Replace("\"Mr/Axbv", "\"Mr/Axbw", StringComparison.Ordinal);

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayCertificates.DecryptDownload(Encoding.UTF8.GetBytes(json), v.Str("apiv3_key")));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"data\":[{\"serial_no\":\"01\"}]}")]
    public void MalformedDownload_Throws(string json)
    {
        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayCertificates.DecryptDownload(Encoding.UTF8.GetBytes(json), "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"));
    }

    [Fact]
    public void EmptyDownload_GivesNoCertificates()
    {
        Assert.Empty(WeChatPayCertificates.DecryptDownload("{\"data\":[]}"u8, "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"));
    }

    [Fact]
    public void DownloadedCertificates_AreUsableFromStoreWhileValid()
    {
        var v = WeChatPayVectors.Json("java-download-certificate.json");
        var store = new WeChatPayPlatformCertificateStore();

        store.AddRange(WeChatPayCertificates.DecryptDownload(ResponseBytes(v), v.Str("apiv3_key")));

        var during = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        Assert.True(store.TryGet("5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC", during, out var key));
        Assert.Equal("5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC", key.SerialNo);
        Assert.False(store.TryGet("5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC", new DateTimeOffset(2028, 9, 18, 0, 0, 0, TimeSpan.Zero), out _));
        Assert.False(store.TryGet("5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC", new DateTimeOffset(2023, 9, 19, 0, 0, 0, TimeSpan.Zero), out _));
    }

    [Fact]
    public void DownloadRoundTrip_WithTestPlatform_VerifiesItsOwnResponse()
    {
        // What the adapter does on a certificate refresh: decrypt, add, then verify the response signature with
        // the certificates just added.
        var now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        using var platform = new WeChatPayTestPlatform([0x8F, 0x42], now.AddDays(-1), now.AddYears(1));
        var pem = platform.Certificate.ExportCertificatePem();
        var ciphertext = WeChatPayAesGcm.Encrypt(WeChatPayTestPlatform.ApiV3Key, "a1b2c3d4e5f6", "certificate", pem);
        var body = Encoding.UTF8.GetBytes(
            "{\"data\":[{\"effective_time\":\"2026-11-25T18:00:00+08:00\",\"expire_time\":\"2027-11-26T18:00:00+08:00\","
            + $"\"serial_no\":\"{platform.Serial}\",\"encrypt_certificate\":{{\"algorithm\":\"AEAD_AES_256_GCM\","
            + $"\"associated_data\":\"certificate\",\"ciphertext\":\"{ciphertext}\",\"nonce\":\"a1b2c3d4e5f6\"}}}}]}}");
        var store = new WeChatPayPlatformCertificateStore();

        store.AddRange(WeChatPayCertificates.DecryptDownload(body, WeChatPayTestPlatform.ApiV3Key));
        var verifier = new WeChatPaySignatureVerifier(store, new FakeTimeProvider(now));

        Assert.Equal("8F42", platform.Serial);
        Assert.True(verifier.Verify(WeChatPaySignedMessage.FromHeaders(platform.Sign(body, now), body)).IsValid);
    }

    private static byte[] ResponseBytes(System.Text.Json.JsonElement vector) =>
        Encoding.UTF8.GetBytes(vector.GetProperty("response").GetRawText());
}
