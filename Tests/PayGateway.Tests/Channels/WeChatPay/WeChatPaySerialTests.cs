using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPaySerialTests
{
    [Fact]
    public void DotNetSerialWithSignPadding_EqualsHeaderSerial()
    {
        using var cert = WeChatPayVectors.Certificate("keys/go-test-platform-cert-D7CE59D1F522D701.pem");

        Assert.Equal("00D7CE59D1F522D701", cert.SerialNumber);
        Assert.True(WeChatPaySerial.AreEqual(cert.SerialNumber, "D7CE59D1F522D701"));
        Assert.Equal("D7CE59D1F522D701", WeChatPaySerial.Normalize(cert.SerialNumber));
    }

    [Theory]
    [InlineData("5dea10ef55877e3cf6c33255c2e7defff7e427ec", "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC")]
    [InlineData(" 00F5765756002FDD77 ", "F5765756002FDD77")]
    [InlineData("0000", "0")]
    [InlineData("PUB_KEY_ID_0114232134912410000000000000", "PUB_KEY_ID_0114232134912410000000000000")]
    public void Normalize_GivesCanonicalForm(string input, string expected)
    {
        Assert.Equal(expected, WeChatPaySerial.Normalize(input));
    }

    [Theory]
    [InlineData("D7CE59D1F522D701", "D7CE59D1F522D702")]
    [InlineData("PUB_KEY_ID_01", "pub_key_id_01")]
    [InlineData("D7CE59D1F522D701", "")]
    [InlineData(null, "D7CE59D1F522D701")]
    public void DifferentOrMissingSerials_AreNotEqual(string? left, string? right)
    {
        Assert.False(WeChatPaySerial.AreEqual(left, right));
    }
}
