using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

public class AlipayCertSerialTests
{
    private static System.Text.Json.JsonElement CertMode() => AlipayVectors.Json("yansongda-request-sign.json").GetProperty("cert_mode");

    [Fact]
    public void AppCertSn_YansongdaAppCertificate_MatchesVector()
    {
        var certMode = CertMode();

        var sn = AlipayCertSerial.OfPem(AlipayVectors.Text(certMode.GetProperty("app_cert_file").GetString()!));

        Assert.Equal(certMode.GetProperty("app_cert_sn").GetString(), sn);
        Assert.Equal("e90dd23a37c5c7b616e003970817ff82", sn);
    }

    [Fact]
    public void RootCertSn_YansongdaRootBundle_MatchesVectorAndSkipsSm2AndEcdsaRoots()
    {
        var certMode = CertMode();

        var sn = AlipayCertSerial.RootOfPem(AlipayVectors.Text(certMode.GetProperty("root_cert_file").GetString()!));

        Assert.Equal(certMode.GetProperty("alipay_root_cert_sn").GetString(), sn);
        Assert.Equal("687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6", sn);
    }

    [Fact]
    public void CertSns_InSignedRequestParameters_AreTheDerivedValues()
    {
        var vector = AlipayVectors.Json("yansongda-request-sign.json");
        var parameters = vector.GetProperty("params");

        Assert.Equal(AlipayCertSerial.OfPem(AlipayVectors.Text("keys/yansongda-alipayAppPublicCert.crt")), parameters.GetProperty("app_cert_sn").GetString());
        Assert.Equal(AlipayCertSerial.RootOfPem(AlipayVectors.Text("keys/yansongda-alipayRootCert.crt")), parameters.GetProperty("alipay_root_cert_sn").GetString());
    }

    [Fact]
    public void RootCertSn_NetSdkCopyOfTheRootBundle_GivesTheSameValue() =>
        Assert.Equal(
            "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6",
            AlipayCertSerial.RootOfPem(AlipayVectors.Text("keys/net-alipayRootCert.crt")));

    [Fact]
    public void FormatIssuer_AppCertificate_IsJavaRfc2253Order()
    {
        using var certificate = AlipayKeys.LoadCertificate(AlipayVectors.Text("keys/yansongda-alipayAppPublicCert.crt"));

        Assert.Equal(
            "CN=Ant Financial Certification Authority Class 2 R1 test,OU=Certification Authority test,O=Ant Financial test,C=CN",
            AlipayCertSerial.FormatIssuer(certificate.IssuerName));
    }

    [Fact]
    public void AppCertSn_DifferentCertificate_DiffersFromVector()
    {
        var sn = AlipayCertSerial.OfPem(AlipayVectors.Text("keys/net-appCertPublicKey_2021003102616019.crt"));

        Assert.Matches("^[0-9a-f]{32}$", sn);
        Assert.NotEqual("e90dd23a37c5c7b616e003970817ff82", sn);
    }

    [Fact]
    public void RootCertSn_BundleWithoutRsaRoots_Throws()
    {
        // Only the leading SM2 root of the bundle: nothing Alipay would count.
        var text = AlipayVectors.Text("keys/yansongda-alipayRootCert.crt");
        var firstEnd = text.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length;

        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => AlipayCertSerial.RootOfPem(text[..firstEnd]));
    }
}
