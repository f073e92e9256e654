using System.Security.Cryptography;
using System.Text;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

public class AlipayNotifyVerifierTests
{
    private const string NodeFile = "node-notify.json";
    private const string CallbacksFile = "yansongda-callbacks.json";

    private static Dictionary<string, string> NodePost(int index) =>
        AlipayVectors.Strings(AlipayVectors.Case(NodeFile, index).GetProperty("post"));

    private static RSA NodeKey(int index)
    {
        var vector = AlipayVectors.Json(NodeFile);
        var keys = vector.GetProperty("keys").EnumerateObject().Select(p => p.Value.GetString()!).ToArray();
        var which = vector.GetProperty("key_for_case")[index].GetString();
        return AlipayVectors.PublicKey(which == "v1-inline" ? keys[0] : keys[1]);
    }

    private static RSA YansongdaKey() =>
        AlipayVectors.PublicKey(AlipayVectors.Json(CallbacksFile).GetProperty("alipay_public_cert_file").GetString()!);

    // Encodes like a form post: every reserved character percent-encoded, so '+' travels as %2B.
    private static byte[] FormBody(IReadOnlyDictionary<string, string> fields) =>
        Encoding.UTF8.GetBytes(string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value))));

    [Fact]
    public void Verify_RealProductionTradeNotify_VerifiesWithoutSignType()
    {
        using var key = NodeKey(0);

        Assert.Equal(AlipayNotifyStatus.Verified, AlipayNotifyVerifier.Verify(NodePost(0), key));
    }

    [Fact]
    public void Verify_RealProductionTradeNotify_FailsWhenSignTypeIsKeptInContent()
    {
        using var key = NodeKey(0);

        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(NodePost(0), key, rule: AlipayNotifyRule.WithSignType));
    }

    [Fact]
    public void Verify_RealTradeNotifyPostedWithoutSignType_Verifies()
    {
        using var key = NodeKey(1);
        var post = NodePost(1);
        Assert.False(post.ContainsKey("sign_type"));

        Assert.Equal(AlipayNotifyStatus.Verified, AlipayNotifyVerifier.Verify(post, key));
    }

    [Theory]
    [InlineData(AlipayNotifyRule.WithoutSignType)]
    [InlineData(AlipayNotifyRule.WithSignType)]
    public void Verify_OtherMerchantsNotify_FailsUnderEitherRule(AlipayNotifyRule rule)
    {
        using var key = NodeKey(2);

        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(NodePost(2), key, rule: rule));
    }

    [Fact]
    public void Verify_ServicemarketOrderNotify_VerifiesOnlyWithSignTypeKept()
    {
        using var key = NodeKey(3);

        Assert.Equal(AlipayNotifyStatus.Verified, AlipayNotifyVerifier.Verify(NodePost(3), key, rule: AlipayNotifyRule.WithSignType));
        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(NodePost(3), key));
    }

    [Fact]
    public void Verify_ServicemarketNotifyLackingSignType_FailsAsPostedAndVerifiesOnlyWithSignTypeRestored()
    {
        using var key = NodeKey(4);
        var post = NodePost(4);

        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(post, key));
        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(post, key, rule: AlipayNotifyRule.WithSignType));

        // The nodejs SDK re-adds its default sign_type before checking; that is what makes this one verify.
        post["sign_type"] = "RSA2";
        Assert.Equal(AlipayNotifyStatus.Verified, AlipayNotifyVerifier.Verify(post, key, rule: AlipayNotifyRule.WithSignType));
    }

    [Theory]
    [InlineData(AlipayNotifyRule.WithoutSignType)]
    [InlineData(AlipayNotifyRule.WithSignType)]
    public void Verify_TamperedServicemarketNotify_FailsUnderEitherRule(AlipayNotifyRule rule)
    {
        using var key = NodeKey(5);

        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(NodePost(5), key, rule: rule));
    }

    [Fact]
    public void Verify_RealTradeNotifyWithAnotherAlipayPublicKey_Fails()
    {
        // The SDK fixture's other "v1" key file is not the key that signed this notify.
        using var otherKey = AlipayVectors.PublicKey("keys/node-alipay-notify-sign-public-key-v1.pem");

        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(NodePost(0), otherKey));
    }

    [Fact]
    public void Verify_RealTradeNotifyWithChangedAmount_Fails()
    {
        using var key = NodeKey(0);
        var post = NodePost(0);
        post["total_amount"] = "100.00";

        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(post, key));
    }

    [Fact]
    public void Verify_RealTradeNotifyWithAddedField_Fails()
    {
        using var key = NodeKey(0);
        var post = NodePost(0);
        post["refund_fee"] = "0.10";

        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(post, key));
    }

    [Fact]
    public void VerifyForm_RealTradeNotifyAsFormBody_VerifiesAndDecodesFields()
    {
        using var key = NodeKey(0);
        var post = NodePost(0);

        var result = AlipayNotifyVerifier.VerifyForm(FormBody(post), key);

        Assert.Equal(AlipayNotifyStatus.Verified, result.Status);
        Assert.Equal("语雀空间 500人规模", result.Parameters["subject"]);
        Assert.Equal("[{\"amount\":\"0.10\",\"fundChannel\":\"ALIPAYACCOUNT\"}]", result.Parameters["fund_bill_list"]);
    }

    [Fact]
    public void Verify_YansongdaSandboxNotifyWithLiteralPlus_Verifies()
    {
        using var key = YansongdaKey();
        var post = AlipayVectors.Strings(AlipayVectors.Json(CallbacksFile).GetProperty("notify_post"));

        Assert.Equal(AlipayNotifyStatus.Verified, AlipayNotifyVerifier.Verify(post, key));
    }

    [Fact]
    public void VerifyForm_YansongdaNotifyWithPlusEncodedAsPercent2B_Verifies()
    {
        using var key = YansongdaKey();
        var post = AlipayVectors.Strings(AlipayVectors.Json(CallbacksFile).GetProperty("notify_post"));
        var body = FormBody(post);
        Assert.Contains("yansongda%2B", Encoding.UTF8.GetString(body), StringComparison.Ordinal);

        var result = AlipayNotifyVerifier.VerifyForm(body, key);

        Assert.Equal(AlipayNotifyStatus.Verified, result.Status);
        Assert.Equal("yansongda+测试 - 1", result.Parameters["subject"]);
    }

    [Fact]
    public void VerifyForm_YansongdaNotifyWithRawPlus_DecodesToSpaceAndFails()
    {
        using var key = YansongdaKey();
        var post = AlipayVectors.Strings(AlipayVectors.Json(CallbacksFile).GetProperty("notify_post"));
        var body = Encoding.UTF8.GetString(FormBody(post)).Replace("yansongda%2B", "yansongda+", StringComparison.Ordinal);

        var result = AlipayNotifyVerifier.VerifyForm(Encoding.UTF8.GetBytes(body), key);

        Assert.Equal("yansongda 测试 - 1", result.Parameters["subject"]);
        Assert.Equal(AlipayNotifyStatus.BadSignature, result.Status);
    }

    [Fact]
    public void VerifyReturn_YansongdaPagePayReturnUrl_DecodesToVectorAndVerifies()
    {
        var vector = AlipayVectors.Json(CallbacksFile);
        using var key = YansongdaKey();

        Assert.True(AlipayForm.TryParseUrlQuery(vector.GetProperty("return_url_query_raw").GetString()!, out var fields));

        Assert.Equal(AlipayVectors.Strings(vector.GetProperty("return_params_decoded")), fields);
        Assert.Equal("2023-12-21 14:48:44", fields["timestamp"]);
        Assert.Equal(AlipayNotifyStatus.Verified, AlipayNotifyVerifier.Verify(fields, key));
    }

    [Fact]
    public void VerifyReturn_YansongdaReturnWithOtherTradeNo_Fails()
    {
        using var key = YansongdaKey();
        var fields = AlipayVectors.Strings(AlipayVectors.Json(CallbacksFile).GetProperty("return_params_decoded"));
        fields["out_trade_no"] = "1703141271";

        Assert.Equal(AlipayNotifyStatus.BadSignature, AlipayNotifyVerifier.Verify(fields, key));
    }

    [Fact]
    public void Verify_SignTypeOtherThanConfigured_IsRejectedBeforeVerifying()
    {
        using var key = NodeKey(0);
        var post = NodePost(0);
        post["sign_type"] = "RSA";

        Assert.Equal(AlipayNotifyStatus.SignTypeMismatch, AlipayNotifyVerifier.Verify(post, key));
    }

    [Fact]
    public void Verify_NoSign_IsMissingSignature()
    {
        using var key = NodeKey(0);
        var post = NodePost(0);
        post.Remove("sign");

        Assert.Equal(AlipayNotifyStatus.MissingSignature, AlipayNotifyVerifier.Verify(post, key));
    }

    [Fact]
    public void VerifyForm_RepeatedField_IsMalformed()
    {
        using var key = NodeKey(0);
        var body = Encoding.UTF8.GetString(FormBody(NodePost(0))) + "&total_amount=0.01";

        var result = AlipayNotifyVerifier.VerifyForm(Encoding.UTF8.GetBytes(body), key);

        Assert.Equal(AlipayNotifyStatus.Malformed, result.Status);
        Assert.Empty(result.Parameters);
    }

    [Fact]
    public void VerifyForm_EmptyBody_IsMissingSignature()
    {
        using var key = NodeKey(0);

        Assert.Equal(AlipayNotifyStatus.MissingSignature, AlipayNotifyVerifier.VerifyForm([], key).Status);
    }
}
