namespace PayGateway.Reconciliation;

/// <summary>An order as the <c>paygw_order</c> projection records it (written in the same statement as its grain state).</summary>
public sealed record GatewayOrderRecord(string OrderId, OrderStatus Status, long Amount, string Currency, string Channel, string AccountId);

/// <summary>A refund as the <c>paygw_refund</c> projection records it.</summary>
public sealed record GatewayRefundRecord(string RefundId, string OrderId, FundsStatus Status, long Amount, string Currency, string Channel, string AccountId);

/// <summary>What the gateway holds for the statement's ids and for the statement's day.</summary>
public sealed record GatewaySide(
    IReadOnlyDictionary<string, GatewayOrderRecord> OrdersById,
    IReadOnlyDictionary<string, GatewayRefundRecord> RefundsById,
    IReadOnlyList<GatewayOrderRecord> PaidThatDay,
    IReadOnlyList<GatewayRefundRecord> RefundedThatDay);
