using System.Text.Json;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

public class AlipayResponseVerifierTests
{
    private const string ExtractionFile = "net-response-sign-content-extraction.json";

    public static TheoryData<string> ExtractionCases()
    {
        var data = new TheoryData<string>();
        foreach (var testCase in AlipayVectors.Json(ExtractionFile).GetProperty("cases").EnumerateArray())
        {
            data.Add(testCase.GetProperty("name").GetString()!);
        }

        return data;
    }

    private static JsonElement ExtractionCase(string name) =>
        AlipayVectors.Json(ExtractionFile).GetProperty("cases").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public void ExtractionVectors_AllElevenCases_ArePresent() => Assert.Equal(11, ExtractionCases().Count);

    [Theory]
    [MemberData(nameof(ExtractionCases))]
    public void ExtractSignedContent_NetSdkCase_IsTheRawNodeText(string name)
    {
        var testCase = ExtractionCase(name);

        var found = AlipayResponseVerifier.TryExtractSignedContent(
            testCase.GetProperty("response").GetString()!, "alipay_trade_create_response", out var content);

        Assert.True(found);
        Assert.Equal(testCase.GetProperty("expected_sign_source").GetString(), content);
    }

    [Theory]
    [MemberData(nameof(ExtractionCases))]
    public void ParseEnvelope_NetSdkCase_FindsMethodNodeAndSign(string name)
    {
        var testCase = ExtractionCase(name);

        Assert.True(AlipayResponseVerifier.TryParseEnvelope(testCase.GetProperty("response").GetString()!, "alipay.trade.create", out var envelope));

        Assert.Equal("alipay_trade_create_response", envelope.NodeName);
        Assert.Equal(testCase.GetProperty("expected_sign_source").GetString(), envelope.SignedContent);
        Assert.StartsWith("TS355N0Q", envelope.Sign, StringComparison.Ordinal);
        Assert.Equal(name.Contains("encrypted", StringComparison.Ordinal), envelope.IsEncrypted);
    }

    [Fact]
    public void Verify_NodeFileUploadResponse_Verifies()
    {
        var vector = AlipayVectors.Json("node-response-sign.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);

        var result = AlipayResponseVerifier.Verify(vector.GetProperty("response_raw").GetString()!, "alipay.open.file.upload", key);

        Assert.Equal(AlipayResponseStatus.Verified, result.Status);
        Assert.Equal(vector.GetProperty("response_key").GetString(), result.Envelope!.NodeName);
        Assert.Equal(vector.GetProperty("expected_sign_content").GetString(), result.Envelope.SignedContent);
    }

    [Fact]
    public void Verify_SignedErrorResponse_Verifies()
    {
        var vector = AlipayVectors.Json("node-error-response.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);

        var result = AlipayResponseVerifier.Verify(vector.GetProperty("response_raw").GetString()!, "alipay.security.risk.content.analyze", key);

        Assert.Equal(AlipayResponseStatus.Verified, result.Status);
        Assert.Equal(vector.GetProperty("expected_sign_content").GetString(), result.Envelope!.SignedContent);
        using var payload = JsonDocument.Parse(result.Envelope.SignedContent);
        Assert.Equal("40003", payload.RootElement.GetProperty("code").GetString());
        Assert.Equal("isv.decryption-error-unknown", payload.RootElement.GetProperty("sub_code").GetString());
    }

    [Fact]
    public void Verify_ErrorResponseNode_IsUsedWhenTheMethodNodeIsAbsent()
    {
        var vector = AlipayVectors.Json("node-error-response.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);
        var body = vector.GetProperty("response_raw").GetString()!
            .Replace("alipay_security_risk_content_analyze_response", "error_response", StringComparison.Ordinal);

        var result = AlipayResponseVerifier.Verify(body, "alipay.trade.query", key);

        Assert.Equal(AlipayResponseStatus.Verified, result.Status);
        Assert.Equal("error_response", result.Envelope!.NodeName);
    }

    [Fact]
    public void Verify_YansongdaFundTransferResponse_VerifiesWithAlipayPublicCertificate()
    {
        var vector = AlipayVectors.Json("yansongda-response-sign.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("alipay_public_cert_file").GetString()!);
        var signContent = vector.GetProperty("sign_content").GetString()!;
        var sign = vector.GetProperty("expected_sign").GetString()!;
        var body = $"{{\"alipay_fund_trans_uni_transfer_response\":{signContent},\"alipay_cert_sn\":\"abc\",\"sign\":\"{sign}\"}}";

        var result = AlipayResponseVerifier.Verify(body, "alipay.fund.trans.uni.transfer", key);

        Assert.Equal(AlipayResponseStatus.Verified, result.Status);
        Assert.Equal("abc", result.Envelope!.AlipayCertSn);
        Assert.True(AlipaySigner.Verify(signContent, sign, key));
    }

    [Fact]
    public void Verify_YansongdaResponseObject_SignContentIsItsFieldsInOrder()
    {
        var vector = AlipayVectors.Json("yansongda-response-sign.json");

        // The object as PHP's json_encode wrote it (no spaces, field order kept) is the signed text.
        var rebuilt = JsonSerializer.Serialize(AlipayVectors.Strings(vector.GetProperty("response_object")));

        Assert.Equal(vector.GetProperty("sign_content").GetString(), rebuilt);
    }

    [Fact]
    public void Verify_TamperedPayload_IsBadSignature()
    {
        var vector = AlipayVectors.Json("node-response-sign.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);
        var body = vector.GetProperty("response_raw").GetString()!.Replace("CAxAToWB1Js", "CAxAToWB1Jt", StringComparison.Ordinal);

        var result = AlipayResponseVerifier.Verify(body, "alipay.open.file.upload", key);

        Assert.Equal(AlipayResponseStatus.BadSignature, result.Status);
    }

    [Fact]
    public void Verify_WhitespaceAddedInsidePayload_IsBadSignature()
    {
        var vector = AlipayVectors.Json("node-response-sign.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);
        var body = vector.GetProperty("response_raw").GetString()!.Replace("\"code\":", "\"code\": ", StringComparison.Ordinal);

        Assert.Equal(AlipayResponseStatus.BadSignature, AlipayResponseVerifier.Verify(body, "alipay.open.file.upload", key).Status);
    }

    [Fact]
    public void Verify_ReserialisedErrorPayload_NoLongerVerifies()
    {
        // Why the raw text matters: System.Text.Json escapes the Chinese sub_msg, so the re-serialised text differs.
        var vector = AlipayVectors.Json("node-error-response.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);
        var raw = vector.GetProperty("expected_sign_content").GetString()!;
        var reserialised = JsonSerializer.Serialize(JsonSerializer.Deserialize<Dictionary<string, string>>(raw));
        var sign = JsonDocument.Parse(vector.GetProperty("response_raw").GetString()!).RootElement.GetProperty("sign").GetString();

        Assert.NotEqual(raw, reserialised);
        Assert.True(AlipaySigner.Verify(raw, sign, key));
        Assert.False(AlipaySigner.Verify(reserialised, sign, key));
    }

    [Fact]
    public void Verify_WrongPublicKey_IsBadSignature()
    {
        var vector = AlipayVectors.Json("node-response-sign.json");
        using var otherKey = AlipayVectors.PublicKey("keys/node-alipay_stable_rsa2_public_key.pem");

        var result = AlipayResponseVerifier.Verify(vector.GetProperty("response_raw").GetString()!, "alipay.open.file.upload", otherKey);

        Assert.Equal(AlipayResponseStatus.BadSignature, result.Status);
    }

    [Fact]
    public void Verify_SignWithEscapedSlashes_IsUnescapedAndVerifies()
    {
        var vector = AlipayVectors.Json("node-response-sign.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);
        var raw = vector.GetProperty("response_raw").GetString()!;
        var signStart = raw.IndexOf("\"sign\":", StringComparison.Ordinal);
        var body = raw[..signStart] + raw[signStart..].Replace("/", "\\/", StringComparison.Ordinal);
        Assert.Contains("\\/", body, StringComparison.Ordinal);

        Assert.Equal(AlipayResponseStatus.Verified, AlipayResponseVerifier.Verify(body, "alipay.open.file.upload", key).Status);
    }

    [Fact]
    public void Verify_NodeNameInsideAStringValue_IsNotMistakenForThePayload()
    {
        var vector = AlipayVectors.Json("node-response-sign.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);
        var decoy = "{\"decoy\":\"\\\"alipay_open_file_upload_response\\\":{\\\"code\\\":\\\"10000\\\"}\",";
        var body = decoy + vector.GetProperty("response_raw").GetString()![1..];

        var result = AlipayResponseVerifier.Verify(body, "alipay.open.file.upload", key);

        Assert.Equal(AlipayResponseStatus.Verified, result.Status);
        Assert.Equal(vector.GetProperty("expected_sign_content").GetString(), result.Envelope!.SignedContent);
    }

    [Fact]
    public void Verify_MissingSign_IsMissingSignature()
    {
        using var key = AlipayVectors.PublicKey("keys/node-alipay-public-key.pem");

        var result = AlipayResponseVerifier.Verify("{\"alipay_trade_query_response\":{\"code\":\"10000\"}}", "alipay.trade.query", key);

        Assert.Equal(AlipayResponseStatus.MissingSignature, result.Status);
    }

    [Fact]
    public void Verify_PayloadForAnotherMethod_IsMissingPayload()
    {
        var vector = AlipayVectors.Json("node-response-sign.json");
        using var key = AlipayVectors.PublicKey(vector.GetProperty("public_key_file").GetString()!);

        var result = AlipayResponseVerifier.Verify(vector.GetProperty("response_raw").GetString()!, "alipay.trade.query", key);

        Assert.Equal(AlipayResponseStatus.MissingPayload, result.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("[1,2]")]
    [InlineData("{\"alipay_trade_query_response\":{\"code\":\"10000\"},\"sign\":\"x\"")]
    [InlineData("{\"alipay_trade_query_response\":{\"code\":\"10000\"},\"sign\":\"x\"} trailing")]
    [InlineData("{\"alipay_trade_query_response\":{\"code\":\"1\"},\"alipay_trade_query_response\":{\"code\":\"2\"},\"sign\":\"x\"}")]
    [InlineData("{\"alipay_trade_query_response\":{\"code\":\"10000\"},\"sign\":\"x\",\"sign\":\"y\"}")]
    [InlineData("{\"alipay_trade_query_response\":10000,\"sign\":\"x\"}")]
    public void Verify_MalformedBody_IsMalformed(string body)
    {
        using var key = AlipayVectors.PublicKey("keys/node-alipay-public-key.pem");

        Assert.Equal(AlipayResponseStatus.Malformed, AlipayResponseVerifier.Verify(body, "alipay.trade.query", key).Status);
    }

    [Theory]
    [InlineData("alipay.trade.precreate", "alipay_trade_precreate_response")]
    [InlineData("alipay.trade.query", "alipay_trade_query_response")]
    public void NodeNameFor_Method_ReplacesDotsAndAppendsResponse(string method, string expected) =>
        Assert.Equal(expected, AlipayResponseVerifier.NodeNameFor(method));
}
