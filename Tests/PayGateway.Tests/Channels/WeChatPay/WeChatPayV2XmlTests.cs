using System.Text;
using PayGateway.Channels.WeChatPay.Papay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>The flat v2 XML codec: what it refuses (DTDs, entities, nesting, repeats) and CDATA round trips.</summary>
public sealed class WeChatPayV2XmlTests
{
    [Fact]
    public void ExternalEntity_IsRefused()
    {
        var xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <xml><return_code>&xxe;</return_code></xml>
            """;

        Assert.Null(WeChatPayV2Xml.TryRead(Encoding.UTF8.GetBytes(xxe)));
    }

    [Fact]
    public void InternalEntityExpansion_IsRefused()
    {
        var bomb = """<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><xml><k>&b;</k></xml>""";

        Assert.Null(WeChatPayV2Xml.TryRead(Encoding.UTF8.GetBytes(bomb)));
    }

    [Theory]
    [InlineData("<xml><a><b>1</b></a></xml>")]
    [InlineData("<xml><a>1</a><a>2</a></xml>")]
    [InlineData("<root><a>1</a></root>")]
    [InlineData("<xml>text<a>1</a></xml>")]
    [InlineData("{\"a\":1}")]
    [InlineData("<xml><a>1</a>")]
    public void NotFlatV2_IsRefused(string body) => Assert.Null(WeChatPayV2Xml.TryRead(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void CdataAndPlainValues_AreRead()
    {
        var fields = WeChatPayV2Xml.TryRead(Encoding.UTF8.GetBytes(
            "<xml>\n  <return_code><![CDATA[SUCCESS]]></return_code>\n  <total_fee>1234</total_fee>\n  <empty></empty><self/>\n</xml>"))!;

        Assert.Equal("SUCCESS", fields["return_code"]);
        Assert.Equal("1234", fields["total_fee"]);
        Assert.Equal("", fields["empty"]);
        Assert.Equal("", fields["self"]);
    }

    [Fact]
    public void Write_ThenRead_RoundTripsAwkwardValues()
    {
        var values = new Dictionary<string, string?>
        {
            ["body"] = "会员 <月卡> & \"续费\"",
            ["cdata_end"] = "a]]>b]]>",
            ["notify_url"] = "https://gw.example/cb?x=1&y=2",
            ["total_fee"] = "100",
            ["empty"] = "",
        };

        var xml = WeChatPayV2Xml.Write(values);
        var read = WeChatPayV2Xml.TryRead(Encoding.UTF8.GetBytes(xml))!;

        Assert.Contains("<total_fee>100</total_fee>", xml, StringComparison.Ordinal);
        Assert.Contains("<![CDATA[", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("empty", xml, StringComparison.Ordinal);
        Assert.Equal(4, read.Count);
        foreach (var key in new[] { "body", "cdata_end", "notify_url", "total_fee" })
        {
            Assert.Equal(values[key], read[key]);
        }
    }
}
