using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>What a WeChat Pay order has beyond the shared trade (amount, status, notify_url … live in the trade store).</summary>
/// <param name="AppId">appid of the order.</param>
/// <param name="TradeType">NATIVE, JSAPI, H5 or APP.</param>
/// <param name="PrepayId">prepay_id handed out for JSAPI and APP (every order gets one).</param>
/// <param name="PayerOpenId">The payer's openid: given for JSAPI, made up for the others.</param>
/// <param name="Attach">attach, echoed in queries and notifications.</param>
public sealed record WeChatPayOrder(
    [property: JsonPropertyName("appid")] string AppId,
    string TradeType,
    string PrepayId,
    [property: JsonPropertyName("openid")] string PayerOpenId,
    string? Attach);

/// <summary>The WeChat Pay details of each WeChat Pay trade, by trade_no (= transaction_id).</summary>
internal sealed class WeChatPayOrders
{
    private readonly ConcurrentDictionary<string, WeChatPayOrder> _byTradeNo = new(StringComparer.Ordinal);

    public void Add(string tradeNo, WeChatPayOrder order) => _byTradeNo.TryAdd(tradeNo, order);

    public bool TryGet(string tradeNo, [NotNullWhen(true)] out WeChatPayOrder? order) => _byTradeNo.TryGetValue(tradeNo, out order);
}
