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

/// <summary>The wire protocols the simulator speaks; a trade belongs to the protocol it was created through.</summary>
public static class SimulatorProtocol
{
    /// <summary>The mock protocol (docs/channels/mock.md).</summary>
    public const string Mock = "mock";

    /// <summary>The Alipay Open Platform gateway, RSA2 (docs/channels/alipay-simulator.md).</summary>
    public const string Alipay = "alipay";

    /// <summary>WeChat Pay API v3 (docs/channels/wechatpay-simulator.md).</summary>
    public const string WeChatPay = "wechatpay";

    /// <summary>UnionPay online gateway, ACP 5.1.0 (docs/channels/unionpay.md).</summary>
    public const string UnionPay = "unionpay";
}

/// <summary>A snapshot of one trade at the simulator.</summary>
/// <param name="MerchantId">The merchant at the channel: mock <c>merchant_id</c>, Alipay <c>app_id</c>.</param>
/// <param name="NotifyUrl">Where callbacks go; null when the request named none (Alipay's notify_url is optional).</param>
public sealed record SimulatorTrade(
    string MerchantId,
    string OutTradeNo,
    string TradeNo,
    long Amount,
    string Currency,
    string Subject,
    string Method,
    Uri? NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset ExpireAt,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PaidAt)
{
    /// <summary>The protocol (<see cref="SimulatorProtocol"/>) the trade was created through; its callbacks use it too.</summary>
    public string Protocol { get; init; } = SimulatorProtocol.Mock;
}

/// <summary>The mutable trade; only <see cref="TradeStore"/> changes it, under its lock.</summary>
internal sealed class Trade(SimulatorTrade initial)
{
    public SimulatorTrade Snapshot { get; set; } = initial;

    public string MerchantId => Snapshot.MerchantId;
    public string OutTradeNo => Snapshot.OutTradeNo;
    public string TradeNo => Snapshot.TradeNo;
}
