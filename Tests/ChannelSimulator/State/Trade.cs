namespace PayGateway.ChannelSimulator.State;

/// <summary>Status values on the wire.</summary>
public static class TradeStatus
{
    public const string Pending = "PENDING";
    public const string Succeeded = "SUCCEEDED";
    public const string Closed = "CLOSED";
    public const string Failed = "FAILED";
    public const string NotFound = "NOT_FOUND";
}

/// <summary>A snapshot of one trade at the simulator.</summary>
public sealed record SimulatorTrade(
    string MerchantId,
    string OutTradeNo,
    string TradeNo,
    long Amount,
    string Currency,
    string Subject,
    string Method,
    Uri NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset ExpireAt,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PaidAt);

/// <summary>The mutable trade; only <see cref="TradeStore"/> changes it, under its lock.</summary>
internal sealed class Trade(SimulatorTrade initial)
{
    public SimulatorTrade Snapshot { get; set; } = initial;

    public string MerchantId => Snapshot.MerchantId;
    public string OutTradeNo => Snapshot.OutTradeNo;
    public string TradeNo => Snapshot.TradeNo;
}
