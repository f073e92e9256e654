using PayGateway.Api.Contracts;
using PayGateway.Api.Orders;
using PayGateway.Api.Recurring;
using PayGateway.Api.Refunds;
using PayGateway.Api.Transfers;

namespace PayGateway.Tests.Api;

/// <summary>
/// The restricted identifiers must match in full. In .NET, <c>$</c> also matches before a final "\n", so a pattern
/// ending in it accepted "ab\n", and a 64-character number followed by "\n" that its 64-character column cannot hold.
/// </summary>
public sealed class IdentifierValidationTests
{
    public static TheoryData<string> EndingInALineFeed => new() { "ab\n", new string('a', 64) + "\n", "ab\r\n" };

    private static CreateOrderRequest Order(string outTradeNo = "OT-1", string method = "QR_CODE", string? channel = null, string? authCode = null,
        Dictionary<string, string>? metadata = null) =>
        new(outTradeNo, 100, "CNY", "s", null, method, channel, "http://m.test/n", null, null, null, null, null, authCode, metadata);

    [Fact]
    public void ValidIdentifiers_AreAccepted()
    {
        Assert.Matches(CreateOrderValidation.MerchantNumber(), new string('a', 64));
        Assert.Empty(CreateOrderValidation.Validate("app", Order(new string('a', 64), "SERVER", "mock", new string('1', 64), new() { [new string('k', 40)] = "v" })).Errors);
        Assert.Empty(CreateTransferValidation.Validate("app", Transfer("T-1")).Errors);
        Assert.Empty(CreateRefundValidation.Validate("app", "order", new CreateRefundRequest("R-1", 1, null)).Errors);
        Assert.Empty(CreateContractValidation.Validate("app", Contract("C-1"), Now).Errors);
    }

    [Theory]
    [MemberData(nameof(EndingInALineFeed))]
    public void MerchantNumberEndingInALineFeed_IsRefused(string value)
    {
        Assert.DoesNotMatch(CreateOrderValidation.MerchantNumber(), value);
        Assert.Equal(["out_trade_no"], CreateOrderValidation.Validate("app", Order(outTradeNo: value)).Errors.Keys);
        Assert.Equal(["out_refund_no"], CreateRefundValidation.Validate("app", "order", new CreateRefundRequest(value, 1, null)).Errors.Keys);
        Assert.Equal(["out_transfer_no"], CreateTransferValidation.Validate("app", Transfer(value)).Errors.Keys);
        Assert.Equal(["out_contract_no"], CreateContractValidation.Validate("app", Contract(value), Now).Errors.Keys);
    }

    [Theory]
    [InlineData("mock\n")]
    [InlineData("mock\r\n")]
    public void ChannelEndingInALineFeed_IsRefused(string channel)
    {
        Assert.DoesNotMatch(CreateOrderValidation.ChannelName(), channel);
        Assert.Equal(["channel"], CreateOrderValidation.Validate("app", Order(channel: channel)).Errors.Keys);
        Assert.Equal(["channel"], CreateTransferValidation.Validate("app", Transfer("T-1", channel)).Errors.Keys);
        Assert.Equal(["payee.type"], CreateTransferValidation.Validate("app", Transfer("T-1", payeeType: channel)).Errors.Keys);
        Assert.Equal(["channel"], CreateContractValidation.Validate("app", Contract("C-1", channel), Now).Errors.Keys);
    }

    [Theory]
    [InlineData("283712345678\n")]
    [InlineData("1111111111111111111111111111111111111111111111111111111111111111\n")]
    public void AuthCodeEndingInALineFeed_IsRefused(string authCode) =>
        Assert.Equal(["auth_code"], CreateOrderValidation.Validate("app", Order(method: "SERVER", authCode: authCode)).Errors.Keys);

    [Theory]
    [InlineData("k\n")]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\n")]
    public void MetadataKeyEndingInALineFeed_IsRefused(string key)
    {
        Assert.Equal(["metadata"], CreateOrderValidation.Validate("app", Order(metadata: new() { [key] = "v" })).Errors.Keys);
        Assert.False(CreateOrderValidation.IsValidMetadata(new() { [key] = "v" }));
    }

    [Fact]
    public void DeductionNumberEndingInALineFeed_IsNotADeductionNumber() =>
        Assert.DoesNotMatch(CreateOrderValidation.DeductionNumber(), "C20261126101530123T100000-1-1\n");

    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.FromHours(8));

    private static CreateContractRequest Contract(string outContractNo, string channel = "mock") =>
        new(outContractNo, channel, "WEB", 2500, "CNY", "DAY", 30, "2026-11-26", null, "member 1", "s", "http://m.test/n", null, null, null, null);

    private static CreateTransferRequest Transfer(string outTransferNo, string channel = "mock", string payeeType = "mock_account") =>
        new(outTransferNo, channel, new PayeeRequest(payeeType, "p1", null), 100, "CNY", null, "http://m.test/n");
}
