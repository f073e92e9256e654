namespace PayGateway.Channels;

/// <summary>Whether a statement line records money coming in (a payment) or going back (a refund).</summary>
public enum StatementLineKind
{
    Payment,
    Refund,
}

/// <summary>
/// One line of a channel's statement (bill, 对账单) for one day, in the gateway's terms. The gateway's order id is the
/// channel's merchant order number and the gateway's refund id is the channel's refund request number, so a line
/// leads back to exactly one order or refund without a search.
/// </summary>
/// <param name="OrderId">The channel's merchant order number (out_trade_no), trimmed of the channel's padding.</param>
/// <param name="RefundId">Refund lines: the channel's merchant refund number (Alipay out_request_no, WeChat Pay out_refund_no).</param>
/// <param name="Amount">Minor units, always positive: what was paid, or what was refunded.</param>
/// <param name="Fee">The channel's fee exactly as the statement writes it (sign and decimals included); reported, not compared.</param>
/// <param name="OccurredAt">The time the line counts on (payment success, refund completion or acceptance), when the statement gives one.</param>
/// <param name="ChannelStatus">Refund lines on statements that carry a status (WeChat Pay SUCCESS/PROCESSING/FAIL/CHANGE); null when a line means "done".</param>
public sealed record StatementLine(
    StatementLineKind Kind,
    string OrderId,
    string? RefundId,
    string? ChannelTradeNo,
    string? ChannelRefundNo,
    long Amount,
    string Currency,
    string? Fee,
    DateTimeOffset? OccurredAt,
    string? ChannelStatus)
{
    /// <summary>The status a statement writes for a refund that is done (WeChat Pay's 退款状态 <c>SUCCESS</c>).</summary>
    public const string DoneStatus = "SUCCESS";

    /// <summary>Whether the line records money that has moved: every payment line, and refund lines with no status or <see cref="DoneStatus"/>.</summary>
    public bool IsDone => ChannelStatus is null or DoneStatus;
}

/// <summary>Whether the channel could give the day's statement.</summary>
public enum StatementAvailability
{
    /// <summary>The statement was downloaded, verified (hash, totals) and parsed. An empty list = no business that day.</summary>
    Ready,
    /// <summary>The channel has no statement for that day yet (not generated, or the day is not over): try later.</summary>
    NotReady,
    /// <summary>Transport error, expired link, hash or total mismatch, unparseable file: nothing can be concluded; try later.</summary>
    Unknown,
}

/// <summary>A channel's statement for one day, or why there is none.</summary>
public sealed record ChannelStatement(
    StatementAvailability Availability,
    IReadOnlyList<StatementLine> Lines,
    string? ErrorCode = null,
    string? ErrorMessage = null)
{
    public static ChannelStatement Ready(IReadOnlyList<StatementLine> lines) => new(StatementAvailability.Ready, lines);

    public static ChannelStatement NotReady(string code, string message) => new(StatementAvailability.NotReady, [], code, message);

    public static ChannelStatement Unknown(string code, string message) => new(StatementAvailability.Unknown, [], code, message);
}

/// <summary>
/// Channels that publish daily statements implement this next to <see cref="IPaymentChannel"/>. Same contract: never
/// throw for a channel-side outcome (return <see cref="StatementAvailability.Unknown"/>), never log a secret. A
/// statement is only <see cref="StatementAvailability.Ready"/> when every check the channel offers passed (WeChat Pay's
/// SHA-1 of the file, footer and summary totals equal to the sum of the lines).
/// </summary>
public interface IStatementChannel
{
    /// <summary>
    /// The offset of the channel's statement day from UTC: a statement for day D covers [D 00:00, D+1 00:00) at this
    /// offset. Alipay and WeChat Pay cut days at midnight Beijing time (+08:00).
    /// </summary>
    TimeSpan StatementDayOffset { get; }

    /// <summary>
    /// True when the statement lists a refund on the day the channel accepted it (WeChat Pay) rather than the day it
    /// succeeded (Alipay, the mock); the gateway then looks for its own refunds of that day by creation time.
    /// </summary>
    bool DatesRefundsByAcceptance => false;

    /// <summary>Downloads, verifies and parses the account's statement of payments and refunds for <paramref name="billDate"/>.</summary>
    Task<ChannelStatement> DownloadStatementAsync(ChannelAccount account, DateOnly billDate, CancellationToken cancellationToken);
}
