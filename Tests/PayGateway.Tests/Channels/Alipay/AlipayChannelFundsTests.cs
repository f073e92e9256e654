using PayGateway.Channels;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// Refund and transfer answers the simulator never gives (a published sandbox answer, answers about another refund or
/// with other amounts, every transfer status), against the stand-in gateway of <see cref="AlipayChannelTests"/>.
/// </summary>
public partial class AlipayChannelTests
{
    private const string RefundId = "ord_20240101_0001R001";

    private static ChannelRefundRequest RefundRequest(long amount = 1234) => new(RefundId, OrderId, null, amount, 1234, "CNY", null, new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static ChannelRefundQuery RefundQuery(long amount = 1234) => new(RefundId, OrderId, null, amount, "CNY", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static ChannelTransferRequest TransferRequest(string transferId = "T0001", long amount = 1234) =>
        new(transferId, amount, "CNY", PayeeTypes.AlipayUserId, "2088301234567890", null, null);

    [Fact]
    public async Task QueryTransfer_SandboxAnswerFromYansongda_IsSucceededWithOrderIdAndPayDate()
    {
        // A real sandbox alipay.fund.trans.common.query answer, signed by Alipay's sandbox certificate key.
        var vector = AlipayVectors.Json("yansongda-response-sign.json");
        _alipay.Respond = _ => FakeAlipay.Json($"{{\"alipay_fund_trans_common_query_response\":{vector.GetProperty("sign_content").GetString()},\"sign\":\"{vector.GetProperty("expected_sign").GetString()}\"}}");
        var account = Account(alipayPublicKey: AlipayVectors.Text("keys/yansongda-alipayPublicCert.crt"));

        var result = await Channel().QueryTransferAsync(account, TransferRequest("2023122022560000", amount: 1), default);

        Assert.Equal(ChannelFundsState.Succeeded, result.State);
        Assert.Equal("20231220110070000002150000657610", result.ChannelTransferNo);
        Assert.Equal(new DateTimeOffset(2023, 12, 20, 22, 56, 33, TimeSpan.FromHours(8)), result.SucceededAt);
        var sent = Assert.Single(_alipay.Requests);
        Assert.Equal("alipay.fund.trans.common.query", sent.Fields["method"]);
        Assert.True(sent.SignatureValid);
    }

    [Theory]
    [InlineData("2023122022560000", 2)]
    [InlineData("2023122022560001", 1)]
    public async Task QueryTransfer_SandboxAnswerForAnotherAmountOrTransfer_IsUnknown(string transferId, long amount)
    {
        var vector = AlipayVectors.Json("yansongda-response-sign.json");
        _alipay.Respond = _ => FakeAlipay.Json($"{{\"alipay_fund_trans_common_query_response\":{vector.GetProperty("sign_content").GetString()},\"sign\":\"{vector.GetProperty("expected_sign").GetString()}\"}}");
        var account = Account(alipayPublicKey: AlipayVectors.Text("keys/yansongda-alipayPublicCert.crt"));

        var result = await Channel().QueryTransferAsync(account, TransferRequest(transferId, amount), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
        Assert.Null(result.ChannelTransferNo);
    }

    [Theory]
    [InlineData("SUCCESS", ChannelFundsState.Succeeded)]
    [InlineData("DEALING", ChannelFundsState.Pending)]
    [InlineData("WAIT_PAY", ChannelFundsState.Pending)]
    [InlineData("FAIL", ChannelFundsState.Failed)]
    [InlineData("CLOSED", ChannelFundsState.Failed)]
    [InlineData("REFUND", ChannelFundsState.Unknown)]
    [InlineData("SOMETHING_NEW", ChannelFundsState.Unknown)]
    public async Task Transfer_Status_MapsToState(string status, ChannelFundsState expected)
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.fund.trans.uni.transfer", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"out_biz_no\":\"T0001\",\"order_id\":\"20240101110070000002150000000001\",\"status\":\"{status}\",\"trans_date\":\"2024-01-01 12:00:05\"}}");

        var result = await Channel().TransferAsync(Account(), TransferRequest(), default);

        Assert.Equal(expected, result.State);
    }

    [Fact]
    public async Task Transfer_CertModeAccount_SendsAndSignsCertSerials()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.fund.trans.uni.transfer", "{\"code\":\"10000\",\"msg\":\"Success\",\"out_biz_no\":\"T0001\",\"order_id\":\"1\",\"status\":\"SUCCESS\"}");
        var account = Account(new()
        {
            [AlipayChannel.AppCertSnSetting] = "e90dd23a37c5c7b616e003970817ff82",
            [AlipayChannel.AlipayRootCertSnSetting] = "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6",
        });

        var result = await Channel().TransferAsync(account, TransferRequest(), default);

        Assert.Equal(ChannelFundsState.Succeeded, result.State);
        var sent = Assert.Single(_alipay.Requests);
        Assert.True(sent.SignatureValid);
        Assert.Equal("e90dd23a37c5c7b616e003970817ff82", sent.Fields["app_cert_sn"]);
    }

    [Fact]
    public async Task Refund_FundChangeNAndQueryWithoutStatus_IsPending()
    {
        _alipay.Respond = request => FakeAlipay.MethodOf(request) == "alipay.trade.refund"
            ? FakeAlipay.Signed("alipay.trade.refund", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"{OrderId}\",\"fund_change\":\"N\",\"refund_fee\":\"0.00\"}}")
            : FakeAlipay.Signed("alipay.trade.fastpay.refund.query", "{\"code\":\"10000\",\"msg\":\"Success\"}");

        var result = await Channel().RefundAsync(Account(), RefundRequest(), default);

        Assert.Equal(ChannelFundsState.Pending, result.State);
        Assert.Equal(2, _alipay.Requests.Count);
    }

    [Theory]
    [InlineData("\"out_trade_no\":\"ord_20240101_0002\",\"fund_change\":\"Y\",\"refund_fee\":\"12.34\"")]
    [InlineData("\"fund_change\":\"Y\",\"refund_fee\":\"12.34\"")]
    [InlineData("\"out_trade_no\":\"ord_20240101_0001\",\"fund_change\":\"Y\",\"refund_fee\":\"12.33\"")]
    [InlineData("\"out_trade_no\":\"ord_20240101_0001\",\"fund_change\":\"Y\"")]
    public async Task Refund_SuccessAboutAnotherTradeOrBelowThisRefund_IsUnknown(string fields)
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.refund", $"{{\"code\":\"10000\",\"msg\":\"Success\",{fields}}}");

        var result = await Channel().RefundAsync(Account(), RefundRequest(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
        Assert.Single(_alipay.Requests);
    }

    [Theory]
    [InlineData("ord_20240101_0001", "ord_20240101_0001R002", "12.34")]
    [InlineData("ord_20240101_0002", RefundId, "12.34")]
    [InlineData("ord_20240101_0001", RefundId, "12.35")]
    [InlineData("ord_20240101_0001", RefundId, "abc")]
    public async Task QueryRefund_SuccessAboutAnotherRefundOrAmount_IsUnknown(string outTradeNo, string outRequestNo, string refundAmount)
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.fastpay.refund.query", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"out_trade_no\":\"{outTradeNo}\",\"out_request_no\":\"{outRequestNo}\",\"refund_amount\":\"{refundAmount}\",\"refund_status\":\"REFUND_SUCCESS\"}}");

        var result = await Channel().QueryRefundAsync(Account(), RefundQuery(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
        Assert.Null(result.Amount);
    }

    [Fact]
    public async Task QueryRefund_Success_IsSucceededWithAmountAndTime()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.fastpay.refund.query", $"{{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2024010122001\",\"out_trade_no\":\"{OrderId}\",\"out_request_no\":\"{RefundId}\",\"total_amount\":\"12.34\",\"refund_amount\":\"12.34\",\"refund_status\":\"REFUND_SUCCESS\",\"gmt_refund_pay\":\"2024-01-01 12:30:00\"}}");

        var result = await Channel().QueryRefundAsync(Account(), RefundQuery(), default);

        Assert.Equal((ChannelFundsState.Succeeded, 1234L, "CNY"), (result.State, result.Amount!.Value, result.Currency));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 4, 30, 0, TimeSpan.Zero), result.SucceededAt);
    }

    [Fact]
    public async Task Refund_Timeout_IsUnknownWithoutAQuery()
    {
        _alipay.Respond = _ => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException());

        var result = await Channel().RefundAsync(Account(), RefundRequest(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
        Assert.Single(_alipay.Requests);
    }

    [Fact]
    public async Task Refund_DefinitiveRefusalButQueryUnanswered_IsUnknown()
    {
        _alipay.Respond = request => FakeAlipay.MethodOf(request) == "alipay.trade.refund"
            ? FakeAlipay.Signed("alipay.trade.refund", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_STATUS_ERROR\",\"sub_msg\":\"交易状态不合法\"}")
            : throw new HttpRequestException("connection reset");

        var result = await Channel().RefundAsync(Account(), RefundRequest(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
    }
}
