using System.Security.Cryptography;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

public class AlipaySignerTests
{
    private const string RequestVector = "yansongda-request-sign.json";

    [Fact]
    public void RequestSign_YansongdaCertModeTradeQuery_ReproducesLiteralSignature()
    {
        var vector = AlipayVectors.Json(RequestVector);
        var parameters = AlipayVectors.Strings(vector.GetProperty("params"));
        using var privateKey = AlipayVectors.PrivateKey(vector.GetProperty("private_key_file").GetString()!);

        var sign = AlipaySigner.SignParameters(AlipayVectors.Nullable(parameters), privateKey);

        Assert.Equal(vector.GetProperty("expected_sign").GetString(), sign);
    }

    [Fact]
    public void RequestSign_YansongdaTradeQuery_SignContentIncludesSignTypeAndRawBizContent()
    {
        var parameters = AlipayVectors.Strings(AlipayVectors.Json(RequestVector).GetProperty("params"));

        var content = AlipaySigner.BuildSignContent(AlipayVectors.Nullable(parameters), includeSignType: true);

        Assert.StartsWith("alipay_root_cert_sn=687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6&app_cert_sn=", content);
        Assert.Contains("&biz_content={\"out_trade_no\":\"1703141270\"}&", content);
        Assert.Contains("&return_url=http://hk.ysdor.cn/index.php&sign_type=RSA2&timestamp=2023-12-21 06:54:37&", content);
        Assert.EndsWith("&version=1.0", content);
    }

    [Fact]
    public void RequestSign_ChangedParameter_NoLongerMatchesLiteralSignature()
    {
        var vector = AlipayVectors.Json(RequestVector);
        var parameters = AlipayVectors.Strings(vector.GetProperty("params"));
        parameters["biz_content"] = "{\"out_trade_no\":\"1703141271\"}";
        using var privateKey = AlipayVectors.PrivateKey(vector.GetProperty("private_key_file").GetString()!);

        var sign = AlipaySigner.SignParameters(AlipayVectors.Nullable(parameters), privateKey);

        Assert.NotEqual(vector.GetProperty("expected_sign").GetString(), sign);
    }

    [Fact]
    public void RequestSign_EmptyValuesAndExistingSign_AreLeftOutOfTheSignature()
    {
        var vector = AlipayVectors.Json(RequestVector);
        var parameters = AlipayVectors.Strings(vector.GetProperty("params"));
        var withExtras = AlipayVectors.Nullable(parameters)
            .Append(new("app_auth_token", ""))
            .Append(new("encrypt_type", null))
            .Append(new("sign", "previous-signature"));
        using var privateKey = AlipayVectors.PrivateKey(vector.GetProperty("private_key_file").GetString()!);

        var sign = AlipaySigner.SignParameters(withExtras, privateKey);

        Assert.Equal(vector.GetProperty("expected_sign").GetString(), sign);
    }

    [Fact]
    public void BuildSignContent_KeysDifferingOnlyInPunctuationAndCase_SortsByOrdinal()
    {
        var parameters = new Dictionary<string, string?>
        {
            ["remark"] = "2",
            ["re_openid"] = "1",
            ["b"] = "4",
            ["Z"] = "3",
        };

        var content = AlipaySigner.BuildSignContent(parameters, includeSignType: true);

        // Ordinal: 'Z' (0x5A) < '_' (0x5F) < 'b' < 'm'; culture ordering would put re_openid after remark.
        Assert.Equal("Z=3&b=4&re_openid=1&remark=2", content);
    }

    [Fact]
    public void BuildSignContent_RepeatedKey_Throws()
    {
        KeyValuePair<string, string?>[] parameters = [new("a", "1"), new("a", "2")];

        Assert.Throws<ArgumentException>(() => AlipaySigner.BuildSignContent(parameters, includeSignType: true));
    }

    public static TheoryData<int> ThreeCases => [0, 1, 2];

    [Theory]
    [MemberData(nameof(ThreeCases))]
    public void RsaCheckV2_JavaSdkCase_ContentMatchesAndSignatureVerifies(int index)
    {
        const string File = "java-all-rsaCheckV2.json";
        var testCase = AlipayVectors.Case(File, index);
        var parameters = AlipayVectors.Strings(testCase.GetProperty("params"));
        var signType = AlipayVectors.SignTypeOf(testCase.GetProperty("algorithm").GetString()!);
        using var publicKey = AlipayVectors.PublicKey(AlipayVectors.Json(File).GetProperty("public_key_certificate_file").GetString()!);

        var content = AlipaySigner.BuildSignContent(AlipayVectors.Nullable(parameters), includeSignType: true);

        Assert.Equal(testCase.GetProperty("expected_sign_content").GetString(), content);
        Assert.True(AlipaySigner.Verify(content, parameters["sign"], publicKey, signType));
        Assert.False(AlipaySigner.Verify(content + "&x=1", parameters["sign"], publicKey, signType));
    }

    [Theory]
    [MemberData(nameof(ThreeCases))]
    public void RsaCheckV2_NetSdkCase_ResigningReproducesLiteralSignatureAndItVerifies(int index)
    {
        const string File = "net-CertificateRSACheck.json";
        var vector = AlipayVectors.Json(File);
        var testCase = vector.GetProperty("cases")[index];
        var parameters = AlipayVectors.Strings(testCase.GetProperty("params"));
        var signType = AlipayVectors.SignTypeOf(testCase.GetProperty("algorithm").GetString()!);
        using var privateKey = AlipayVectors.PrivateKey(vector.GetProperty("private_key_file").GetString()!);
        using var publicKey = AlipayVectors.PublicKey(vector.GetProperty("public_key_certificate_file").GetString()!);

        var content = AlipaySigner.BuildSignContent(AlipayVectors.Nullable(parameters), includeSignType: true);
        var sign = AlipaySigner.Sign(content, privateKey, signType);

        Assert.Equal(testCase.GetProperty("expected_sign_content").GetString(), content);
        Assert.Equal(parameters["sign"], sign);
        Assert.True(AlipaySigner.Verify(content, parameters["sign"], publicKey, signType));
    }

    [Fact]
    public void Verify_ChineseValueTampered_Fails()
    {
        var testCase = AlipayVectors.Case("net-CertificateRSACheck.json", 2);
        var parameters = AlipayVectors.Strings(testCase.GetProperty("params"));
        parameters["extra"] = "中文测验";
        using var publicKey = AlipayVectors.PublicKey("keys/net-appCertPublicKey_2021003102616019.crt");

        var content = AlipaySigner.BuildSignContent(AlipayVectors.Nullable(parameters), includeSignType: true);

        Assert.False(AlipaySigner.Verify(content, parameters["sign"], publicKey));
    }

    [Fact]
    public void Verify_Rsa2SignatureCheckedAsLegacyRsa_Fails()
    {
        var testCase = AlipayVectors.Case("net-CertificateRSACheck.json", 1);
        var parameters = AlipayVectors.Strings(testCase.GetProperty("params"));
        using var publicKey = AlipayVectors.PublicKey("keys/net-appCertPublicKey_2021003102616019.crt");
        var content = testCase.GetProperty("expected_sign_content").GetString()!;

        Assert.True(AlipaySigner.Verify(content, parameters["sign"], publicKey, AlipaySignType.Rsa2));
        Assert.False(AlipaySigner.Verify(content, parameters["sign"], publicKey, AlipaySignType.Rsa));
    }

    [Fact]
    public void Verify_SignatureFromAnotherKey_Fails()
    {
        var testCase = AlipayVectors.Case("net-CertificateRSACheck.json", 1);
        using var otherKey = AlipayVectors.PublicKey("keys/java-all-appCertPublicKey_2019091767145019.crt");

        Assert.False(AlipaySigner.Verify(
            testCase.GetProperty("expected_sign_content").GetString()!,
            testCase.GetProperty("params").GetProperty("sign").GetString(),
            otherKey));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("QUJD")]
    public void Verify_MissingOrMalformedSignature_ReturnsFalseWithoutThrowing(string? signature)
    {
        using var publicKey = AlipayVectors.PublicKey("keys/net-appCertPublicKey_2021003102616019.crt");

        Assert.False(AlipaySigner.Verify("app_id=1", signature, publicKey));
    }

    [Theory]
    [InlineData("keys/net-Mock-app-private-key.pem", "keys/net-Mock-app-public-key.pem")]
    [InlineData("keys/node-app-private-key.pem", "keys/node-app-public-key.pem")]
    public void SignThenVerify_SdkAppKeyPair_RoundTrips(string privateFile, string publicFile)
    {
        using var privateKey = AlipayVectors.PrivateKey(privateFile);
        using var publicKey = AlipayVectors.PublicKey(publicFile);
        const string Content = "app_id=2021000000000000&biz_content={\"subject\":\"测试 + 1\"}&method=alipay.trade.precreate";

        var sign = AlipaySigner.Sign(Content, privateKey);

        Assert.True(AlipaySigner.Verify(Content, sign, publicKey));
        Assert.False(AlipaySigner.Verify(Content.Replace("+", " ", StringComparison.Ordinal), sign, publicKey));
    }

    [Fact]
    public void Verify_CorruptedLiteralSignature_Fails()
    {
        var testCase = AlipayVectors.Case("java-all-rsaCheckV2.json", 1);
        using var publicKey = AlipayVectors.PublicKey("keys/java-all-appCertPublicKey_2019091767145019.crt");
        var sign = testCase.GetProperty("params").GetProperty("sign").GetString()!;

        Assert.False(AlipaySigner.Verify(testCase.GetProperty("expected_sign_content").GetString()!, AlipayVectors.Corrupt(sign), publicKey));
    }

    [Theory]
    [InlineData("RSA2", AlipaySignType.Rsa2)]
    [InlineData("RSA", AlipaySignType.Rsa)]
    public void SignTypes_WireValue_RoundTrips(string wire, AlipaySignType expected)
    {
        Assert.True(AlipaySignTypes.TryParse(wire, out var parsed));
        Assert.Equal(expected, parsed);
        Assert.Equal(wire, parsed.ToWireValue());
    }

    [Theory]
    [InlineData("rsa2")]
    [InlineData("SM2")]
    [InlineData(null)]
    public void SignTypes_UnknownWireValue_IsRejected(string? wire) => Assert.False(AlipaySignTypes.TryParse(wire, out _));

    [Fact]
    public void Sign_NullKey_Throws() => Assert.Throws<ArgumentNullException>(() => AlipaySigner.Sign("a=1", (RSA)null!));
}
