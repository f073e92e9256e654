using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PayGateway.Channels.UnionPay;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

public class UnionPaySignerTests
{
    private const string RequestVector = "yansongda-request-sign.json";

    private static UnionPaySigningKey YansongdaKey() =>
        UnionPaySigningKey.FromPkcs12(UnionPayVectors.Bytes("keys/yansongda-unipayAppCert.pfx"), UnionPayVectors.PfxPassword);

    private static Dictionary<string, string> Params() => UnionPayVectors.Strings(UnionPayVectors.Json(RequestVector).GetProperty("params"));

    private static string Expected() => UnionPayVectors.Json(RequestVector).GetProperty("expected_signature").GetString()!;

    [Fact]
    public void SignContent_YansongdaFrontConsume_EqualsTheDerivedSortedString()
    {
        var content = UnionPaySignContent.Build(Params());

        Assert.Equal(UnionPayVectors.Text("yansongda-request-sign.content.txt"), content);
    }

    [Fact]
    public void CertId_YansongdaPfx_IsTheDecimalSerial()
    {
        using var key = YansongdaKey();

        Assert.Equal("69903319369", key.CertId);
        Assert.Equal(Params()["certId"], key.CertId);
    }

    [Fact]
    public void CertId_OmnipayClassicTestPfx_IsTheDecimalSerial()
    {
        using var key = UnionPaySigningKey.FromPkcs12(UnionPayVectors.Bytes("keys/omnipay-acp_test_sign.pfx"), UnionPayVectors.PfxPassword);

        Assert.Equal("68759663125", key.CertId);
    }

    [Fact]
    public void Sign_YansongdaFrontConsume_ReproducesLiteralSignature()
    {
        using var key = YansongdaKey();

        var signature = key.Sign(UnionPaySignContent.Build(Params()));

        Assert.Equal(Expected(), signature);
    }

    [Fact]
    public void SignRequest_YansongdaFieldsWithoutCertId_AddsCertIdAndReproducesLiteralSignature()
    {
        using var key = YansongdaKey();
        var fields = Params().Where(p => p.Key != "certId").Select(p => new KeyValuePair<string, string?>(p.Key, p.Value));

        var signed = key.SignRequest(fields);

        Assert.Equal("69903319369", signed.Single(f => f.Key == "certId").Value);
        Assert.Equal(Expected(), signed.Single(f => f.Key == "signature").Value);
        // The empty "signature" of the vector's input is neither signed nor sent twice.
        Assert.Single(signed, f => f.Key == "signature");
    }

    [Fact]
    public void SignRequest_EmptyValuesAndNulls_LeftOutOfContentAndWire()
    {
        using var key = YansongdaKey();
        var fields = Params().Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))
            .Append(new("reqReserved", ""))
            .Append(new("orderDesc", null));

        var signed = key.SignRequest(fields);

        Assert.Equal(Expected(), signed.Single(f => f.Key == "signature").Value);
        Assert.DoesNotContain(signed, f => f.Key is "reqReserved" or "orderDesc");
    }

    [Fact]
    public void Sign_ChangedAmount_NoLongerMatchesLiteralSignature()
    {
        using var key = YansongdaKey();
        var fields = Params();
        fields["txnAmt"] = "2";

        var signature = key.Sign(UnionPaySignContent.Build(fields));

        Assert.NotEqual(Expected(), signature);
    }

    [Fact]
    public void Sign_IsOverTheHexDigest_NotTheRawContent()
    {
        using var key = YansongdaKey();
        var content = UnionPaySignContent.Build(Params());
        using var pfxCert = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            UnionPayVectors.Bytes("keys/yansongda-unipayAppCert.pfx"), UnionPayVectors.PfxPassword);
        using var publicKey = pfxCert.GetRSAPublicKey()!;
        var signature = Convert.FromBase64String(Expected());

        Assert.True(publicKey.VerifyData(System.Text.Encoding.ASCII.GetBytes(UnionPaySignature.Digest(content)), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(publicKey.VerifyData(System.Text.Encoding.UTF8.GetBytes(content), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void FromPkcs12_WrongPassword_ThrowsWithoutQuotingIt()
    {
        var ex = Assert.Throws<CryptographicException>(() =>
            UnionPaySigningKey.FromPkcs12(UnionPayVectors.Bytes("keys/yansongda-unipayAppCert.pfx"), "wrong-pass-123"));

        Assert.DoesNotContain("wrong-pass-123", ex.Message);
    }

    [Fact]
    public void FromPkcs12_CertificateWithoutKey_Throws()
    {
        Assert.Throws<CryptographicException>(() =>
            UnionPaySigningKey.FromPkcs12(UnionPayVectors.Bytes("keys/yansongda-unipayCertPublicKey.cer"), UnionPayVectors.PfxPassword));
    }

    [Fact]
    public void SignContent_KeysDifferingInCaseAndPunctuation_SortsByOrdinal()
    {
        var content = UnionPaySignContent.Build(new Dictionary<string, string>
        {
            ["txnType"] = "01",
            ["txn_time"] = "2",
            ["TxnAmt"] = "1",
            ["signature"] = "ignored",
            ["empty"] = "",
        });

        Assert.Equal("TxnAmt=1&txnType=01&txn_time=2", content);
    }
}
