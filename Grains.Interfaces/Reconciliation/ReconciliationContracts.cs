using System.Collections.Immutable;

namespace PayGateway;

/// <summary>Stable codes of what reconciliation found; operators filter on them, so they never change meaning.</summary>
public static class ReconciliationCodes
{
    /// <summary>The statement has a payment for an order id the gateway never created. Reported; nothing is created.</summary>
    public const string PaymentMissingInGateway = "PAYMENT_MISSING_IN_GATEWAY";
    /// <summary>The statement has a payment the gateway still holds as open. Healed when the channel's own query confirms it.</summary>
    public const string PaymentNotSucceededInGateway = "PAYMENT_NOT_SUCCEEDED_IN_GATEWAY";
    /// <summary>The statement has a payment for an order the gateway closed or failed (final): the payer must be refunded by an operator.</summary>
    public const string PaymentOnFinalOrder = "PAYMENT_ON_FINAL_ORDER";
    /// <summary>The statement's amount or currency differs from the order's. Reported, never healed.</summary>
    public const string PaymentAmountMismatch = "PAYMENT_AMOUNT_MISMATCH";
    /// <summary>The statement's payment belongs to an order of another channel account.</summary>
    public const string PaymentAccountMismatch = "PAYMENT_ACCOUNT_MISMATCH";
    /// <summary>The gateway has a payment that day that the statement does not list. Reported, never healed.</summary>
    public const string PaymentMissingOnChannel = "PAYMENT_MISSING_ON_CHANNEL";
    /// <summary>The statement lists the same payment twice.</summary>
    public const string PaymentListedTwice = "PAYMENT_LISTED_TWICE";
    /// <summary>The statement has a refund the gateway never made.</summary>
    public const string RefundMissingInGateway = "REFUND_MISSING_IN_GATEWAY";
    /// <summary>The statement has a succeeded refund the gateway holds as open. Healed when the channel's refund query confirms it.</summary>
    public const string RefundNotSucceededInGateway = "REFUND_NOT_SUCCEEDED_IN_GATEWAY";
    /// <summary>The statement has a succeeded refund the gateway recorded as failed (its amount was released).</summary>
    public const string RefundSucceededButFailedInGateway = "REFUND_SUCCEEDED_BUT_FAILED_IN_GATEWAY";
    /// <summary>The statement's refund amount or currency differs from the gateway's.</summary>
    public const string RefundAmountMismatch = "REFUND_AMOUNT_MISMATCH";
    /// <summary>The statement lists the same refund twice.</summary>
    public const string RefundListedTwice = "REFUND_LISTED_TWICE";
    /// <summary>The gateway has a succeeded refund that day that the statement does not list.</summary>
    public const string RefundMissingOnChannel = "REFUND_MISSING_ON_CHANNEL";
}

/// <summary>What reconciliation did about a discrepancy.</summary>
public static class ReconciliationActions
{
    /// <summary>The gateway asked the channel, the channel confirmed, and the gateway followed (the safe direction).</summary>
    public const string Healed = "healed";
    /// <summary>Left for an operator: healing it automatically could move money or contradict a final state.</summary>
    public const string Reported = "reported";
}

/// <summary>How a reconciliation run ended.</summary>
public static class ReconciliationRunStatus
{
    /// <summary>The statement was compared with the gateway's records; see the items.</summary>
    public const string Completed = "completed";
    /// <summary>The channel has no statement for that day yet; run again later.</summary>
    public const string NotReady = "not_ready";
    /// <summary>The statement could not be fetched or verified (transport, hash, totals); nothing was concluded.</summary>
    public const string Unavailable = "unavailable";
}

/// <summary>One discrepancy between a channel statement and the gateway's records.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ReconciliationItem")]
public sealed record ReconciliationItem(
    [property: Id(0)] string Code,
    [property: Id(1)] string OrderId,
    [property: Id(2)] string? RefundId,
    [property: Id(3)] long? ChannelAmount,
    [property: Id(4)] long? GatewayAmount,
    [property: Id(5)] string? Currency,
    [property: Id(6)] string? GatewayStatus,
    [property: Id(7)] string Action,
    [property: Id(8)] string Detail);

/// <summary>Counts and sums of one side (statement or gateway) in one currency.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ReconciliationTotals")]
public sealed record ReconciliationTotals(
    [property: Id(0)] string Currency,
    [property: Id(1)] int PaymentCount,
    [property: Id(2)] long PaymentAmount,
    [property: Id(3)] int RefundCount,
    [property: Id(4)] long RefundAmount);

/// <summary>The outcome of reconciling one channel account's statement for one day.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ReconciliationReport")]
public sealed record ReconciliationReport(
    [property: Id(0)] string Channel,
    [property: Id(1)] string AccountId,
    [property: Id(2)] DateOnly BillDate,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset RanAt,
    [property: Id(5)] int StatementLines,
    [property: Id(6)] int Matched,
    [property: Id(7)] ImmutableArray<ReconciliationTotals> ChannelTotals,
    [property: Id(8)] ImmutableArray<ReconciliationTotals> GatewayTotals,
    [property: Id(9)] ImmutableArray<ReconciliationItem> Items,
    [property: Id(10)] string? ErrorCode,
    [property: Id(11)] string? ErrorMessage);

/// <summary>Either a report or the reason there is none.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ReconciliationResult")]
public sealed record ReconciliationResult(
    [property: Id(0)] ReconciliationReport? Report,
    [property: Id(1)] GatewayError? Error)
{
    public static ReconciliationResult Ok(ReconciliationReport report) => new(report, null);

    public static ReconciliationResult Fail(string code, string message) => new(null, new GatewayError(code, message));
}
