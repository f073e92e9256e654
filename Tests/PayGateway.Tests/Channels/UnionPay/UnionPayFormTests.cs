using PayGateway.Channels.UnionPay;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

public class UnionPayFormTests
{
    [Fact]
    public void TryParseResponse_RawQueryAnswer_KeepsPemCrlfsPlusAndEqualsSigns()
    {
        var fields = UnionPayVectors.Strings(UnionPayVectors.Json("yansongda-query-response.json").GetProperty("response_params"));
        var raw = string.Join('&', fields.Select(f => f.Key + "=" + f.Value));

        Assert.True(UnionPayForm.TryParseResponse(raw, out var parsed));

        Assert.Equal(fields, parsed);
        Assert.Contains("\r\n", parsed["signPubKeyCert"]);
        Assert.EndsWith("==", parsed["signature"]);
    }

    [Fact]
    public void TryParseResponse_BraceValueWithAmpersands_StaysOneValue()
    {
        const string raw = "respCode=00&tokenPayData={token=6235240000020757577&trId=62000000001&tokenType=01}&txnType=79";

        Assert.True(UnionPayForm.TryParseResponse(raw, out var parsed));

        Assert.Equal(3, parsed.Count);
        Assert.Equal("{token=6235240000020757577&trId=62000000001&tokenType=01}", parsed["tokenPayData"]);
        Assert.Equal("79", parsed["txnType"]);
    }

    [Theory]
    [InlineData("respCode=00&respCode=01")]
    [InlineData("=00")]
    [InlineData("respCode")]
    [InlineData("a={x=1&b=2")]
    [InlineData("a=}&b=2")]
    public void TryParseResponse_Malformed_Fails(string raw)
    {
        Assert.False(UnionPayForm.TryParseResponse(raw, out _));
    }

    [Fact]
    public void UrlEncoded_RoundTripOfPemAndChinese_IsExact()
    {
        var fields = new Dictionary<string, string>
        {
            ["signPubKeyCert"] = "-----BEGIN CERTIFICATE-----\r\nMIIE+/a=\r\n-----END CERTIFICATE-----",
            ["respMsg"] = "成功[0000000]",
            ["plus"] = "a+b c&d=e",
        };

        Assert.True(UnionPayForm.TryParseUrlEncoded(System.Text.Encoding.UTF8.GetBytes(UnionPayForm.EncodeUrlEncoded(fields)), out var parsed));

        Assert.Equal(fields, parsed);
    }

    [Fact]
    public void TryParseUrlEncoded_RepeatedKeyOrInvalidUtf8_Fails()
    {
        Assert.False(UnionPayForm.TryParseUrlEncoded("a=1&a=2"u8, out _));
        Assert.False(UnionPayForm.TryParseUrlEncoded([0x61, 0x3D, 0xFF], out _));
    }

    [Fact]
    public void AutoSubmitForm_HtmlEncodesValues()
    {
        var html = UnionPayForm.AutoSubmitForm(new Uri("https://gateway.test.95516.com/gateway/api/frontTransReq.do"),
            [new("orderDesc", "\"><script>x</script>"), new("txnAmt", "1")]);

        Assert.Contains("action=\"https://gateway.test.95516.com/gateway/api/frontTransReq.do\"", html);
        Assert.Contains("value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Theory]
    [InlineData("1", true, 1L)]
    [InlineData("999999999999", true, 999_999_999_999L)]
    [InlineData("1000000000000", false, 0L)]
    [InlineData("1.00", false, 0L)]
    [InlineData("-1", false, 0L)]
    [InlineData("+1", false, 0L)]
    [InlineData(" 1", false, 0L)]
    [InlineData("", false, 0L)]
    [InlineData(null, false, 0L)]
    [InlineData("١", false, 0L)]
    public void TryParseTxnAmt_OnlyPlainDigits(string? text, bool ok, long fen)
    {
        Assert.Equal(ok, UnionPayFormats.TryParseTxnAmt(text, out var parsed));
        Assert.Equal(fen, parsed);
    }

    [Fact]
    public void BeijingTime_RoundTrip()
    {
        var instant = new DateTimeOffset(2022, 9, 10, 20, 16, 47, TimeSpan.Zero);

        Assert.Equal("20220911041647", UnionPayFormats.ToBeijingTime(instant));
        Assert.True(UnionPayFormats.TryParseBeijingTime("20220911041647", out var parsed));
        Assert.Equal(instant, parsed);
    }
}
