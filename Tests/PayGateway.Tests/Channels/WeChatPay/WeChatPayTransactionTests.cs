using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPayTransactionTests
{
    [Fact]
    public void NotPaidQueryAnswer_ParsesWithoutPaymentFields()
    {
        const string json = "{\"amount\":{\"payer_currency\":\"CNY\",\"total\":1},\"appid\":\"wxdace645e0bc2cXXX\",\"mchid\":\"1900006XXX\","
            + "\"out_trade_no\":\"44_2126281063_5504\",\"promotion_detail\":[],\"scene_info\":{\"device_id\":\"0\"},"
            + "\"trade_state\":\"NOTPAY\",\"trade_state_desc\":\"订单未支付\"}";

        Assert.True(WeChatPayTransaction.TryParse(json, out var transaction));
        Assert.Equal("NOTPAY", transaction.TradeState);
        Assert.Null(transaction.TransactionId);
        Assert.Null(transaction.SuccessTime);
        Assert.Equal(new WeChatPayAmount(1, "CNY", null, "CNY"), transaction.Amount);
    }

    [Theory]
    [InlineData("{\"out_trade_no\":\"1\",\"trade_state\":\"SUCCESS\"}")]
    [InlineData("{\"mchid\":\"1\",\"trade_state\":\"SUCCESS\"}")]
    [InlineData("{\"mchid\":\"1\",\"out_trade_no\":\"1\"}")]
    [InlineData("{\"mchid\":\"1\",\"out_trade_no\":\"1\",\"trade_state\":\"SUCCESS\",\"amount\":{\"total\":\"100\"}}")]
    [InlineData("{\"mchid\":\"1\",\"out_trade_no\":\"1\",\"trade_state\":\"SUCCESS\",\"amount\":{\"total\":1.5}}")]
    [InlineData("{\"mchid\":1,\"out_trade_no\":\"1\",\"trade_state\":\"SUCCESS\"}")]
    [InlineData("not json")]
    public void MissingOrMistypedEssentials_AreRejected(string json)
    {
        Assert.False(WeChatPayTransaction.TryParse(json, out _));
    }

    [Theory]
    [InlineData("2018-06-08T10:34:56+08:00", "2018-06-08T02:34:56Z")]
    [InlineData("2018-06-08T10:34:56.123+08:00", "2018-06-08T02:34:56.123Z")]
    [InlineData("2018-06-08T10:34:56Z", "2018-06-08T10:34:56Z")]
    public void SuccessTime_WithOffset_IsParsed(string wire, string expectedUtc)
    {
        var json = $"{{\"mchid\":\"1\",\"out_trade_no\":\"1\",\"trade_state\":\"SUCCESS\",\"success_time\":\"{wire}\"}}";

        Assert.True(WeChatPayTransaction.TryParse(json, out var transaction));
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), transaction.SuccessTime);
    }

    [Theory]
    [InlineData("2018-06-08T10:34:56")]
    [InlineData("yesterday")]
    public void SuccessTime_WithoutOffset_IsNotGuessed(string wire)
    {
        var json = $"{{\"mchid\":\"1\",\"out_trade_no\":\"1\",\"trade_state\":\"SUCCESS\",\"success_time\":\"{wire}\"}}";

        Assert.True(WeChatPayTransaction.TryParse(json, out var transaction));
        Assert.Null(transaction.SuccessTime);
    }
}
