using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPayAuthorizationTests
{
    [Fact]
    public void YansongdaVector_ProducesExactAuthorizationHeader()
    {
        var v = WeChatPayVectors.Json("yansongda-authorization.json");
        var parts = v.Str("signing_message").Split('\n');
        using var key = WeChatPayVectors.PrivateKey(v.Str("private_key_file"));
        using var merchantCert = WeChatPayVectors.Certificate(v.Str("merchant_cert_file"));
        var serialNo = WeChatPaySerial.Normalize(merchantCert.SerialNumber);

        var header = WeChatPayAuthorization.CreateHeader(
            v.Str("mchid"),
            serialNo,
            key,
            parts[0],
            parts[1],
            long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture),
            parts[3],
            Encoding.UTF8.GetBytes(parts[4]));

        Assert.Equal("25F8AA5452D55497C24BA57DC81B1E5915DC2E77", serialNo);
        Assert.Equal(v.Str("expected_authorization"), header);
    }

    [Fact]
    public void YansongdaVector_SigningMessageIsRebuiltByteForByte()
    {
        var v = WeChatPayVectors.Json("yansongda-authorization.json");
        var expected = v.Str("signing_message");
        var parts = expected.Split('\n');

        var message = WeChatPayAuthorization.BuildMessage("post", parts[1], 1626493236, parts[3], Encoding.UTF8.GetBytes(parts[4]));

        Assert.Equal(Encoding.UTF8.GetBytes(expected), message);
    }

    [Fact]
    public void JavaVector_GetWithQueryAndEmptyBody_KeepsTrailingNewlines()
    {
        var v = WeChatPayVectors.Json("java-authorization-message.json");
        var canonical = WeChatPayAuthorization.CanonicalUrl(new Uri(v.Str("url")));

        var message = WeChatPayAuthorization.BuildMessage(
            v.Str("method"), canonical, v.GetProperty("timestamp").GetInt64(), v.Str("nonce"), Encoding.UTF8.GetBytes(v.Str("body")));

        Assert.Equal(v.Str("canonical_url"), canonical);
        Assert.Equal(v.Str("expected_message"), Encoding.UTF8.GetString(message));
    }

    [Fact]
    public void JavaVector_HeaderLayoutMatchesTemplate()
    {
        var v = WeChatPayVectors.Json("java-authorization-message.json");

        var header = WeChatPayAuthorization.FormatHeader("1234567891", v.Str("nonce"), v.GetProperty("timestamp").GetInt64(), "<serial>", "<sig>");

        Assert.Equal(v.Str("expected_authorization_template"), header);
    }

    [Fact]
    public void GoVector_Sha256WithRsa_ProducesExactSignature()
    {
        var v = WeChatPayVectors.Json("go-sha256withrsa-sign.json");
        using var key = WeChatPayVectors.PrivateKey(v.Str("private_key_file"));

        var signature = WeChatPayAuthorization.Sign(Encoding.UTF8.GetBytes(v.Str("message")), key);

        Assert.Equal(v.Str("expected_signature_b64"), signature);
    }

    [Fact]
    public void GoVector_SignatureVerifiesWithCertificate_AndSerialMatches()
    {
        var v = WeChatPayVectors.Json("go-sha256withrsa-sign.json");
        using var cert = WeChatPayVectors.Certificate(v.Str("certificate_file"));
        using var publicKey = cert.GetRSAPublicKey()!;

        var valid = publicKey.VerifyData(
            Encoding.UTF8.GetBytes(v.Str("message")),
            Convert.FromBase64String(v.Str("expected_signature_b64")),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);

        Assert.True(valid);
        Assert.True(WeChatPaySerial.AreEqual(cert.SerialNumber, v.Str("certificate_serial")));
    }

    [Fact]
    public void JavaVector_Sha256WithRsa_ProducesExactSignature()
    {
        var v = WeChatPayVectors.Json("java-rsa-sign-verify.json");
        using var key = WeChatPayVectors.PrivateKey(v.Str("private_key_file"));

        var signature = WeChatPayAuthorization.Sign(Encoding.UTF8.GetBytes(v.Str("message")), key);

        Assert.Equal(v.Str("expected_signature_b64"), signature);
    }

    [Fact]
    public void JavaVector_SignatureVerifiesWithMerchantCertificate_AndSerialMatches()
    {
        var v = WeChatPayVectors.Json("java-rsa-sign-verify.json");
        using var cert = WeChatPayVectors.Certificate(v.Str("certificate_file"));
        using var publicKey = cert.GetRSAPublicKey()!;

        Assert.True(publicKey.VerifyData(
            Encoding.UTF8.GetBytes(v.Str("message")),
            Convert.FromBase64String(v.Str("expected_signature_b64")),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1));
        Assert.Equal(v.Str("certificate_serial"), WeChatPaySerial.Normalize(cert.SerialNumber));
    }

    [Fact]
    public void JavaVector_SignatureDoesNotVerifyWithWeChatPayPublicKey()
    {
        var v = WeChatPayVectors.Json("java-rsa-sign-verify.json");
        using var wrongKey = WeChatPayKeys.ImportPublicKey(WeChatPayVectors.Text("keys/java-wechat-pay-public-key.pem"));

        Assert.False(wrongKey.VerifyData(
            Encoding.UTF8.GetBytes(v.Str("message")),
            Convert.FromBase64String(v.Str("expected_signature_b64")),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void ChangedBody_ChangesSignature()
    {
        var v = WeChatPayVectors.Json("yansongda-authorization.json");
        var parts = v.Str("signing_message").Split('\n');
        using var key = WeChatPayVectors.PrivateKey(v.Str("private_key_file"));

        // PHP escapes "/" as "\/"; the unescaped body is different bytes and must give a different signature.
        var unescapedBody = parts[4].Replace("\\/", "/", StringComparison.Ordinal);
        var header = WeChatPayAuthorization.CreateHeader(
            v.Str("mchid"), "25F8AA5452D55497C24BA57DC81B1E5915DC2E77", key, parts[0], parts[1], 1626493236, parts[3], Encoding.UTF8.GetBytes(unescapedBody));

        Assert.NotEqual(v.Str("expected_authorization"), header);
    }

    [Fact]
    public void PrivateKey_WithoutPemArmour_IsAccepted()
    {
        var v = WeChatPayVectors.Json("go-sha256withrsa-sign.json");
        var pem = WeChatPayVectors.Text(v.Str("private_key_file"));
        var bare = string.Concat(pem.Split('\n').Where(line => !line.StartsWith("-----", StringComparison.Ordinal)));
        using var key = WeChatPayKeys.ImportPrivateKey(bare);

        Assert.Equal(v.Str("expected_signature_b64"), WeChatPayAuthorization.Sign(Encoding.UTF8.GetBytes(v.Str("message")), key));
    }

    [Fact]
    public void NewNonce_Is32AlphanumericCharacters_AndFresh()
    {
        var first = WeChatPayAuthorization.NewNonce();
        var second = WeChatPayAuthorization.NewNonce();

        Assert.Equal(32, first.Length);
        Assert.All(first, c => Assert.True(char.IsAsciiLetterOrDigit(c)));
        Assert.NotEqual(first, second);
    }
}
