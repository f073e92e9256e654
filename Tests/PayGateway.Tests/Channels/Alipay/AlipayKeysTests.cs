using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

public class AlipayKeysTests
{
    private static string BareKey(string name) =>
        AlipayVectors.Strings(AlipayVectors.Json("keys/net-privateKey.json"))[name];

    private static string ExpectedYansongdaSign() => AlipayVectors.Json("yansongda-request-sign.json").GetProperty("expected_sign").GetString()!;

    private static string SignYansongdaRequest(RSA key)
    {
        var parameters = AlipayVectors.Strings(AlipayVectors.Json("yansongda-request-sign.json").GetProperty("params"));
        return AlipaySigner.SignParameters(AlipayVectors.Nullable(parameters), key);
    }

    [Fact]
    public void LoadPrivateKey_BareBase64Pkcs1_EqualsThePemArmouredKey()
    {
        using var bare = AlipayKeys.LoadPrivateKey(BareKey("Mock"));
        using var pem = AlipayVectors.PrivateKey("keys/net-Mock-app-private-key.pem");

        Assert.Equal(pem.ExportParameters(false).Modulus, bare.ExportParameters(false).Modulus);
    }

    [Fact]
    public void LoadPrivateKey_BareBase64ProdCertKey_ReproducesNetSdkSignature()
    {
        var testCase = AlipayVectors.Case("net-CertificateRSACheck.json", 1);
        using var key = AlipayKeys.LoadPrivateKey(BareKey("ProdCert"));

        var sign = AlipaySigner.Sign(testCase.GetProperty("expected_sign_content").GetString()!, key);

        Assert.Equal(testCase.GetProperty("params").GetProperty("sign").GetString(), sign);
    }

    [Fact]
    public void LoadPrivateKey_BareBase64Pkcs8_SignsLikeThePkcs1Original()
    {
        using var original = AlipayVectors.PrivateKey("keys/yansongda-app-private-key.pem");
        var pkcs8WithLineBreaks = Convert.ToBase64String(original.ExportPkcs8PrivateKey(), Base64FormattingOptions.InsertLineBreaks);
        Assert.StartsWith("MIIEv", pkcs8WithLineBreaks);

        using var reloaded = AlipayKeys.LoadPrivateKey(pkcs8WithLineBreaks);

        Assert.Equal(ExpectedYansongdaSign(), SignYansongdaRequest(reloaded));
    }

    [Fact]
    public void LoadPrivateKey_Pkcs8Pem_SignsLikeThePkcs1Original()
    {
        using var original = AlipayVectors.PrivateKey("keys/yansongda-app-private-key.pem");
        using var reloaded = AlipayKeys.LoadPrivateKey(original.ExportPkcs8PrivateKeyPem());

        Assert.Equal(ExpectedYansongdaSign(), SignYansongdaRequest(reloaded));
    }

    [Fact]
    public void LoadPrivateKey_Sm2Key_ThrowsWithoutEchoingTheKey()
    {
        var sm2 = BareKey("DevSM2");

        var ex = Assert.Throws<CryptographicException>(() => AlipayKeys.LoadPrivateKey(sm2));

        Assert.DoesNotContain(sm2[..20], ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a key at all")]
    [InlineData("QUJDRA==")]
    public void LoadPrivateKey_Garbage_Throws(string text) =>
        Assert.Throws<CryptographicException>(() => AlipayKeys.LoadPrivateKey(text));

    [Fact]
    public void LoadPrivateKey_PublicKeyGivenByMistake_Throws() =>
        Assert.Throws<CryptographicException>(() => AlipayKeys.LoadPrivateKey(AlipayVectors.Text("keys/node-alipay_stable_rsa2_public_key.pem")));

    [Theory]
    [InlineData("keys/node-alipay_stable_rsa2_public_key.pem")] // bare base64 SPKI, no armour
    [InlineData("keys/node-alipay-public-key.pem")] // armoured, one long line
    [InlineData("keys/node-notifyAlipayPublicKeyV1-inline.pem")] // armoured, 64-column lines
    [InlineData("keys/net-alipayCertPublicKey_RSA2.crt")] // certificate chain
    public void LoadPublicKey_ShippedForms_LoadAs2048BitRsa(string file)
    {
        using var key = AlipayVectors.PublicKey(file);

        Assert.Equal(2048, key.KeySize);
    }

    [Fact]
    public void LoadPublicKey_BareSpkiOfPemKey_EqualsPemKey()
    {
        using var pem = AlipayVectors.PublicKey("keys/net-Mock-app-public-key.pem");
        var bare = Convert.ToBase64String(pem.ExportSubjectPublicKeyInfo());

        using var reloaded = AlipayKeys.LoadPublicKey(bare);

        Assert.Equal(pem.ExportParameters(false).Modulus, reloaded.ExportParameters(false).Modulus);
    }

    [Fact]
    public void LoadPublicKey_CertificateChain_UsesTheLeafCertificate()
    {
        using var leaf = AlipayKeys.LoadCertificate(AlipayVectors.Text("keys/yansongda-alipayPublicCert.crt"));
        using var key = AlipayVectors.PublicKey("keys/yansongda-alipayPublicCert.crt");

        Assert.Contains("2088721003899159", leaf.Subject, StringComparison.Ordinal);
        Assert.Equal(leaf.GetRSAPublicKey()!.ExportParameters(false).Modulus, key.ExportParameters(false).Modulus);
    }

    [Fact]
    public void LoadPublicKey_BareBase64CertificateDer_LoadsItsKey()
    {
        using var certificate = AlipayKeys.LoadCertificate(AlipayVectors.Text("keys/net-appCertPublicKey_2021003102616019.crt"));

        using var key = AlipayKeys.LoadPublicKey(Convert.ToBase64String(certificate.RawData));

        Assert.Equal(certificate.GetRSAPublicKey()!.ExportParameters(false).Modulus, key.ExportParameters(false).Modulus);
    }

    [Fact]
    public void LoadPublicKey_Garbage_Throws() =>
        Assert.Throws<CryptographicException>(() => AlipayKeys.LoadPublicKey("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A"));

    [Fact]
    public void LoadCertificates_RootBundle_ReturnsAllFourInFileOrder()
    {
        var certificates = AlipayKeys.LoadCertificates(AlipayVectors.Text("keys/yansongda-alipayRootCert.crt"));
        try
        {
            Assert.Equal(4, certificates.Count);
            Assert.Contains("CN=ROOTCA", certificates[0].Subject, StringComparison.Ordinal);
            Assert.Contains("iTrusChina", certificates[3].Subject, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    [Fact]
    public void LoadCertificates_NoCertificate_Throws() =>
        Assert.Throws<CryptographicException>(() => AlipayKeys.LoadCertificates(AlipayVectors.Text("keys/net-Mock-app-public-key.pem")));
}
