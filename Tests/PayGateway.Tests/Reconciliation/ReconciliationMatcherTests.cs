using PayGateway.Channels;
using PayGateway.Reconciliation;

namespace PayGateway.Tests.Reconciliation;

/// <summary>The matching rules, without a database: each kind of drift gives exactly its code, and only the safe direction is a heal candidate.</summary>
public sealed class ReconciliationMatcherTests
{
    private const string Channel = "mock";
    private const string Account = "acc-1";

    private static StatementLine Payment(string orderId, long amount, string currency = "CNY") =>
        new(StatementLineKind.Payment, orderId, null, "T" + orderId, null, amount, currency, "0", null, null);

    private static StatementLine Refund(string orderId, string refundId, long amount, string? status = null) =>
        new(StatementLineKind.Refund, orderId, refundId, "T" + orderId, "RN" + refundId, amount, "CNY", "0", null, status);

    private static GatewayOrderRecord Order(string id, string status, long amount, string account = Account) =>
        new(id, OrderStatusRules.FromWire(status), amount, "CNY", Channel, account);

    private static GatewayRefundRecord GatewayRefund(string id, string orderId, string status, long amount) =>
        new(id, orderId, FundsStatusRules.FromWire(status), amount, "CNY", Channel, Account);

    private static Comparison Compare(IReadOnlyList<StatementLine> lines, IEnumerable<GatewayOrderRecord>? orders = null, IEnumerable<GatewayRefundRecord>? refunds = null,
        IReadOnlyList<GatewayOrderRecord>? paidThatDay = null, IReadOnlyList<GatewayRefundRecord>? refundedThatDay = null) =>
        ReconciliationMatcher.Compare(Channel, Account, lines, new GatewaySide(
            (orders ?? []).ToDictionary(o => o.OrderId), (refunds ?? []).ToDictionary(r => r.RefundId), paidThatDay ?? [], refundedThatDay ?? []));

    [Fact]
    public void EverythingAgrees_NoItemsAllMatched()
    {
        var paid = Order("O1", "succeeded", 100);
        var refund = GatewayRefund("O1R001", "O1", "succeeded", 40);

        var result = Compare([Payment("O1", 100), Refund("O1", "O1R001", 40)], [paid], [refund], [paid], [refund]);

        Assert.Empty(result.Items);
        Assert.Equal(2, result.Matched);
        Assert.Equal(new ReconciliationTotals("CNY", 1, 100, 1, 40), Assert.Single(result.ChannelTotals));
        Assert.Equal(result.ChannelTotals.ToArray(), result.GatewayTotals.ToArray());
    }

    [Theory]
    [InlineData("pending", ReconciliationCodes.PaymentNotSucceededInGateway, true)]
    [InlineData("unknown", ReconciliationCodes.PaymentNotSucceededInGateway, true)]
    [InlineData("closed", ReconciliationCodes.PaymentOnFinalOrder, false)]
    [InlineData("failed", ReconciliationCodes.PaymentOnFinalOrder, false)]
    public void StatementPaymentOnOrderNotSucceeded_OnlyOpenOrdersAreHealCandidates(string status, string code, bool healable)
    {
        var result = Compare([Payment("O1", 100)], [Order("O1", status, 100)]);

        var item = Assert.Single(result.Items);
        Assert.Equal((code, ReconciliationActions.Reported), (item.Code, item.Action));
        Assert.Equal(healable, result.HealCandidates.Any(c => c.OrderId == "O1" && c.RefundId is null));
    }

    [Fact]
    public void AmountOrCurrencyDiffers_ReportedNeverHealedEvenWhenOpen()
    {
        var result = Compare([Payment("O1", 101), Payment("O2", 100, "USD")], [Order("O1", "pending", 100), Order("O2", "succeeded", 100)]);

        Assert.All(result.Items, i => Assert.Equal(ReconciliationCodes.PaymentAmountMismatch, i.Code));
        Assert.Equal(2, result.Items.Length);
        Assert.Empty(result.HealCandidates);
    }

    [Fact]
    public void PaymentUnknownToGatewayOrOfAnotherAccount_Reported()
    {
        var result = Compare([Payment("X1", 100), Payment("O2", 100)], [Order("O2", "succeeded", 100, account: "other")]);

        Assert.Equal([ReconciliationCodes.PaymentMissingInGateway, ReconciliationCodes.PaymentAccountMismatch], result.Items.Select(i => i.Code));
        Assert.Empty(result.HealCandidates);
    }

    [Fact]
    public void GatewayPaymentOrRefundAbsentFromStatement_ReportedAsMissingOnChannel()
    {
        var paid = Order("O1", "succeeded", 100);
        var refund = GatewayRefund("O1R001", "O1", "succeeded", 30);

        var result = Compare([], paidThatDay: [paid], refundedThatDay: [refund]);

        Assert.Equal([ReconciliationCodes.PaymentMissingOnChannel, ReconciliationCodes.RefundMissingOnChannel], result.Items.Select(i => i.Code));
        Assert.Equal(new ReconciliationTotals("CNY", 1, 100, 1, 30), Assert.Single(result.GatewayTotals));
        Assert.Empty(result.ChannelTotals);
    }

    [Fact]
    public void PaymentListedTwice_ReportedOnceMatchedOnce()
    {
        var result = Compare([Payment("O1", 100), Payment("O1", 100)], [Order("O1", "succeeded", 100)]);

        Assert.Equal(ReconciliationCodes.PaymentListedTwice, Assert.Single(result.Items).Code);
        Assert.Equal(1, result.Matched);
    }

    [Fact]
    public void RefundListedTwice_ReportedOnceMatchedOnce()
    {
        var result = Compare([Refund("O1", "O1R001", 40), Refund("O1", "O1R001", 40)], refunds: [GatewayRefund("O1R001", "O1", "succeeded", 40)]);

        var item = Assert.Single(result.Items);
        Assert.Equal((ReconciliationCodes.RefundListedTwice, "O1R001"), (item.Code, item.RefundId));
        Assert.Equal(1, result.Matched);
    }

    [Theory]
    [InlineData("pending", null, ReconciliationCodes.RefundNotSucceededInGateway, true)]
    [InlineData("unknown", "SUCCESS", ReconciliationCodes.RefundNotSucceededInGateway, true)]
    [InlineData("failed", null, ReconciliationCodes.RefundSucceededButFailedInGateway, false)]
    public void StatementRefundDoneGatewayNot_CodeAndHealability(string gatewayStatus, string? channelStatus, string code, bool healable)
    {
        var result = Compare([Refund("O1", "O1R001", 40, channelStatus)], refunds: [GatewayRefund("O1R001", "O1", gatewayStatus, 40)]);

        Assert.Equal(code, Assert.Single(result.Items).Code);
        Assert.Equal(healable, result.HealCandidates.Any(c => c.RefundId == "O1R001" && c.OrderId == "O1"));
    }

    [Fact]
    public void RefundStillProcessingAtChannel_IsNoDiscrepancy()
    {
        var result = Compare([Refund("O1", "O1R001", 40, "PROCESSING")], refunds: [GatewayRefund("O1R001", "O1", "pending", 40)]);

        Assert.Empty(result.Items);
        Assert.Empty(result.ChannelTotals); // not counted as refunded money yet
    }

    [Fact]
    public void RefundAmountDiffersOrUnknown_Reported()
    {
        var result = Compare([Refund("O1", "O1R001", 41), Refund("O1", "O1R009", 10)], refunds: [GatewayRefund("O1R001", "O1", "succeeded", 40)]);

        Assert.Equal([ReconciliationCodes.RefundAmountMismatch, ReconciliationCodes.RefundMissingInGateway], result.Items.Select(i => i.Code));
        Assert.Empty(result.HealCandidates);
    }
}
