using System.Collections.Concurrent;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// The txnTime each consume was created with: UnionPay identifies a transaction by merId + orderId + txnTime, so a
/// query must repeat the create's txnTime to find it. The trades themselves live in the shared <see cref="TradeStore"/>.
/// </summary>
internal sealed class UnionPayOrders : IResettableState
{
    private readonly ConcurrentDictionary<(string MerId, string OrderId), string> _txnTimes = new();

    /// <summary>Remembers the txnTime of a new order; false when the order exists with another txnTime.</summary>
    public bool TryRemember(string merId, string orderId, string txnTime) =>
        _txnTimes.GetOrAdd((merId, orderId), txnTime) == txnTime;

    public bool Matches(string merId, string orderId, string? txnTime) =>
        txnTime is not null && _txnTimes.TryGetValue((merId, orderId), out var known) && known == txnTime;

    public string? TxnTimeOf(string merId, string orderId) => _txnTimes.GetValueOrDefault((merId, orderId));

    public void Clear() => _txnTimes.Clear();
}
