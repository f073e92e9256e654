using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using PayGateway.ChannelSimulator.UnionPay;
using PayGateway.Channels.UnionPay;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

public class UnionPayVerifierTests
{
    private static Dictionary<string, string> QueryResponse() =>
        UnionPayVectors.Strings(UnionPayVectors.Json("yansongda-query-response.json").GetProperty("response_params"));

    private static Dictionary<string, string> ReturnCallback() =>
        UnionPayVectors.Strings(UnionPayVectors.Json("yansongda-return-callback.json").GetProperty("callback_params"));

    // ---- the public vectors

    [Fact]
    public void Verify_YansongdaQueryResponse_VerifiedWithEmbeddedCertChainedToTestRoot()
    {
        using var trust = UnionPayVectors.TestTrust();

        var status = UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022).Verify(QueryResponse(), trust);

        Assert.Equal(UnionPayVerifyStatus.Verified, status);
    }

    [Fact]
    public void Verify_YansongdaReturnCallback_VerifiedUnderTheProductionCnRule()
    {
        using var trust = UnionPayVectors.TestTrust(UnionPayCnRule.Production);

        var status = UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022).Verify(ReturnCallback(), trust);

        Assert.Equal(UnionPayVerifyStatus.Verified, status);
    }

    [Fact]
    public void SignContent_YansongdaReturnCallback_EqualsThePreAssembledVerifyContent()
    {
        var vector = UnionPayVectors.Json("yansongda-response-verify-content.json");

        var content = UnionPaySignContent.Build(ReturnCallback());

        Assert.Equal(vector.GetProperty("sign_content").GetString(), content);
        Assert.Contains("\r\n", content);
    }

    [Fact]
    public void VerifyContent_YansongdaPreAssembledContent_VerifiesWithPublishedCert()
    {
        var vector = UnionPayVectors.Json("yansongda-response-verify-content.json");
        using var certificate = UnionPayVectors.Certificate("keys/yansongda-unipayCertPublicKey.cer");
        var content = vector.GetProperty("sign_content").GetString()!;
        var signature = vector.GetProperty("signature").GetString()!;

        Assert.True(UnionPayVerifier.VerifyContent(content, signature, certificate));
        Assert.False(UnionPayVerifier.VerifyContent(content.Replace("txnAmt=1", "txnAmt=2", StringComparison.Ordinal), signature, certificate));
        Assert.False(UnionPayVerifier.VerifyContent(content, UnionPayVectors.Corrupt(signature), certificate));
    }

    [Fact]
    public void PublishedSigningCert_ChainsToTestRootAndMiddle_AndNamesUnionPay()
    {
        using var trust = UnionPayVectors.TestTrust();
        using var certificate = UnionPayVectors.Certificate("keys/yansongda-unipayCertPublicKey.cer");

        Assert.True(trust.Chains(certificate, UnionPayVectors.Sept2022));
        Assert.True(trust.NamesUnionPay(certificate));
        // Expired on 2025-07-31: the same chain is refused after that.
        Assert.False(trust.Chains(certificate, new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void OmnipayEncryptionCert_ChainsToTestRootAndMiddle()
    {
        using var trust = UnionPayVectors.TestTrust();
        using var certificate = UnionPayVectors.Certificate("keys/omnipay-acp_test_enc.cer");

        Assert.True(trust.Chains(certificate, UnionPayVectors.Oct2017));
    }

    [Fact]
    public void OmnipayRawNotification_FormDecodesToTheVectorsFields()
    {
        var vector = UnionPayVectors.Json("omnipay-WtzCompleteFrontOpen.json");

        Assert.True(UnionPayForm.TryParseUrlEncoded(UnionPayVectors.Bytes("omnipay-WtzCompleteFrontOpen.txt"), out var fields));

        Assert.Equal(UnionPayVectors.Strings(vector.GetProperty("form_decoded_params")), fields);
        Assert.Equal(vector.GetProperty("sign_content").GetString(), UnionPaySignContent.Build(fields));
        Assert.Equal(vector.GetProperty("sha256_hex").GetString(), UnionPaySignature.Digest(UnionPaySignContent.Build(fields)));
    }

    [Fact]
    public void Verify_OmnipayNotificationInsideItsCertValidity_VerifiedUnderTheTestEnvironmentRule()
    {
        using var trust = UnionPayVectors.TestTrust(UnionPayCnRule.TestEnvironment);
        Assert.True(UnionPayForm.TryParseUrlEncoded(UnionPayVectors.Bytes("omnipay-WtzCompleteFrontOpen.txt"), out var fields));

        var status = UnionPayVectors.VerifierAt(UnionPayVectors.Oct2017).Verify(fields, trust);

        Assert.Equal(UnionPayVerifyStatus.Verified, status);
    }

    [Fact]
    public void Verify_OmnipayNotificationUnderTheProductionRule_RefusedAsNotUnionPay()
    {
        // Its CN is 041@Z12@00040000:SIGN@00000062: a test-environment name, not China UnionPay's.
        using var trust = UnionPayVectors.TestTrust(UnionPayCnRule.Production);
        Assert.True(UnionPayForm.TryParseUrlEncoded(UnionPayVectors.Bytes("omnipay-WtzCompleteFrontOpen.txt"), out var fields));

        var status = UnionPayVectors.VerifierAt(UnionPayVectors.Oct2017).Verify(fields, trust);

        Assert.Equal(UnionPayVerifyStatus.NotUnionPayCertificate, status);
    }

    [Fact]
    public void Verify_OmnipayNotificationToday_RefusedBecauseTheCertExpired()
    {
        using var trust = UnionPayVectors.TestTrust(UnionPayCnRule.TestEnvironment);
        Assert.True(UnionPayForm.TryParseUrlEncoded(UnionPayVectors.Bytes("omnipay-WtzCompleteFrontOpen.txt"), out var fields));

        var status = new UnionPayVerifier(TimeProvider.System).Verify(fields, trust);

        Assert.Equal(UnionPayVerifyStatus.UntrustedCertificate, status);
    }

    // ---- tampering

    [Theory]
    [InlineData("txnAmt", "2")]
    [InlineData("orderId", "pay20220911041648")]
    [InlineData("origRespCode", "01")]
    [InlineData("currencyCode", "840")]
    public void Verify_QueryResponseFieldChanged_BadSignature(string field, string value)
    {
        using var trust = UnionPayVectors.TestTrust();
        var fields = QueryResponse();
        fields[field] = value;

        var status = UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022).Verify(fields, trust);

        Assert.Equal(UnionPayVerifyStatus.BadSignature, status);
    }

    [Fact]
    public void Verify_FieldAdded_BadSignature()
    {
        using var trust = UnionPayVectors.TestTrust();
        var fields = ReturnCallback();
        fields["reqReserved"] = "x";

        Assert.Equal(UnionPayVerifyStatus.BadSignature, UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022).Verify(fields, trust));
    }

    [Fact]
    public void Verify_CorruptSignatureOrMissingOne_Refused()
    {
        using var trust = UnionPayVectors.TestTrust();
        var verifier = UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022);
        var corrupt = ReturnCallback();
        corrupt["signature"] = UnionPayVectors.Corrupt(corrupt["signature"]);
        var missing = ReturnCallback();
        missing.Remove("signature");
        var garbage = ReturnCallback();
        garbage["signature"] = "not base64 at all!";

        Assert.Equal(UnionPayVerifyStatus.BadSignature, verifier.Verify(corrupt, trust));
        Assert.Equal(UnionPayVerifyStatus.MissingSignature, verifier.Verify(missing, trust));
        Assert.Equal(UnionPayVerifyStatus.BadSignature, verifier.Verify(garbage, trust));
    }

    [Fact]
    public void Verify_OtherSignMethodOrVersion_UnsupportedScheme()
    {
        using var trust = UnionPayVectors.TestTrust();
        var verifier = UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022);
        var sm3 = ReturnCallback();
        sm3["signMethod"] = "12";
        var old = ReturnCallback();
        old["version"] = "5.0.0";

        Assert.Equal(UnionPayVerifyStatus.UnsupportedScheme, verifier.Verify(sm3, trust));
        Assert.Equal(UnionPayVerifyStatus.UnsupportedScheme, verifier.Verify(old, trust));
    }

    [Fact]
    public void Verify_SignPubKeyCertMissingOrGarbage_MissingCertificate()
    {
        using var trust = UnionPayVectors.TestTrust();
        var verifier = UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022);
        var missing = ReturnCallback();
        missing.Remove("signPubKeyCert");
        var garbage = ReturnCallback();
        garbage["signPubKeyCert"] = "-----BEGIN CERTIFICATE-----\r\nAAAA\r\n-----END CERTIFICATE-----";

        Assert.Equal(UnionPayVerifyStatus.MissingCertificate, verifier.Verify(missing, trust));
        Assert.Equal(UnionPayVerifyStatus.MissingCertificate, verifier.Verify(garbage, trust));
    }

    // ---- certificates that do not chain to the configured root + middle

    [Fact]
    public void Verify_VectorAgainstAnotherRootAndMiddle_UntrustedCertificate()
    {
        using var otherCa = UnionPayCertificateAuthority.Create(UnionPayVectors.Sept2022);
        using var trust = new UnionPayTrust(X509CertificateLoader.LoadCertificate(otherCa.Root.RawData), X509CertificateLoader.LoadCertificate(otherCa.Middle.RawData));

        var status = UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022).Verify(QueryResponse(), trust);

        Assert.Equal(UnionPayVerifyStatus.UntrustedCertificate, status);
    }

    [Fact]
    public void Verify_VectorWithRootConfiguredAsBothRootAndMiddle_UntrustedCertificate()
    {
        using var root = UnionPayVectors.Certificate("keys/omnipay-acp_test_root.cer");
        using var trust = new UnionPayTrust(root, UnionPayVectors.Certificate("keys/omnipay-acp_test_root.cer"));

        Assert.Equal(UnionPayVerifyStatus.UntrustedCertificate, UnionPayVectors.VerifierAt(UnionPayVectors.Sept2022).Verify(QueryResponse(), trust));
    }

    [Fact]
    public void Verify_SignedBySelfMadeCertCarryingUnionPaysName_UntrustedCertificate()
    {
        // A forger can put 中国银联股份有限公司 in a CN; only the chain tells the real one.
        var now = DateTimeOffset.UtcNow;
        using var forger = UnionPayCertificateAuthority.Create(now);
        using var trust = UnionPayVectors.TestTrust();
        var fields = SignedBy(forger.Signing, QueryResponse());

        Assert.Equal(UnionPayVerifyStatus.UntrustedCertificate, new UnionPayVerifier(new FakeTimeProvider(now)).Verify(fields, trust));
    }

    [Fact]
    public void Verify_GeneratedChain_VerifiedOnlyThroughTheMiddleAndOnlyWithUnionPaysName()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = UnionPayCertificateAuthority.Create(now);
        using var trust = new UnionPayTrust(X509CertificateLoader.LoadCertificate(ca.Root.RawData), X509CertificateLoader.LoadCertificate(ca.Middle.RawData));
        using var testTrust = new UnionPayTrust(X509CertificateLoader.LoadCertificate(ca.Root.RawData), X509CertificateLoader.LoadCertificate(ca.Middle.RawData), UnionPayCnRule.TestEnvironment);
        using var fromRoot = ca.IssueFromRoot(UnionPayCertificateAuthority.UnionPaySigningCn, now.AddDays(-1), now.AddYears(1));
        using var otherMerchant = ca.IssueFromMiddle("041@Z2014-11-11@777290058167151:SIGN@00000003", now.AddDays(-1), now.AddYears(1));
        using var testEnvironment = ca.IssueFromMiddle("041@Z12@00040000:SIGN@00000062", now.AddDays(-1), now.AddYears(1));
        var verifier = new UnionPayVerifier(new FakeTimeProvider(now));

        Assert.Equal(UnionPayVerifyStatus.Verified, verifier.Verify(SignedBy(ca.Signing, QueryResponse()), trust));
        Assert.Equal(UnionPayVerifyStatus.UntrustedCertificate, verifier.Verify(SignedBy(fromRoot, QueryResponse()), trust));
        Assert.Equal(UnionPayVerifyStatus.NotUnionPayCertificate, verifier.Verify(SignedBy(otherMerchant, QueryResponse()), trust));
        Assert.Equal(UnionPayVerifyStatus.NotUnionPayCertificate, verifier.Verify(SignedBy(otherMerchant, QueryResponse()), testTrust));
        Assert.Equal(UnionPayVerifyStatus.NotUnionPayCertificate, verifier.Verify(SignedBy(testEnvironment, QueryResponse()), trust));
        Assert.Equal(UnionPayVerifyStatus.Verified, verifier.Verify(SignedBy(testEnvironment, QueryResponse()), testTrust));
    }

    [Fact]
    public void Verify_CachedCertificateAfterItExpired_UntrustedCertificate()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = UnionPayCertificateAuthority.Create(now);
        using var trust = new UnionPayTrust(X509CertificateLoader.LoadCertificate(ca.Root.RawData), X509CertificateLoader.LoadCertificate(ca.Middle.RawData));
        using var shortLived = ca.IssueFromMiddle(UnionPayCertificateAuthority.UnionPaySigningCn, now.AddDays(-1), now.AddDays(1));
        var clock = new FakeTimeProvider(now);
        var verifier = new UnionPayVerifier(clock);
        var fields = SignedBy(shortLived, QueryResponse());

        var before = verifier.Verify(fields, trust);
        clock.Advance(TimeSpan.FromDays(2));
        var after = verifier.Verify(fields, trust);

        Assert.Equal(UnionPayVerifyStatus.Verified, before);
        Assert.Equal(UnionPayVerifyStatus.UntrustedCertificate, after);
    }

    /// <summary>The fields re-signed by <paramref name="certificate"/>'s key, with it as signPubKeyCert (CRLF PEM).</summary>
    private static Dictionary<string, string> SignedBy(X509Certificate2 certificate, Dictionary<string, string> fields)
    {
        var copy = new Dictionary<string, string>(fields, StringComparer.Ordinal)
        {
            ["signPubKeyCert"] = UnionPayCertificateAuthority.ToCrlfPem(certificate),
        };
        copy.Remove("signature");
        using var key = certificate.GetRSAPrivateKey()!;
        copy["signature"] = UnionPaySignature.Sign(UnionPaySignContent.Build(copy), key);
        return copy;
    }
}
