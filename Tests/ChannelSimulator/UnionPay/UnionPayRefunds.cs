using System.Globalization;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>A UnionPay refund (txnType 04): its own orderId + txnTime, and the consume it gives money back from.</summary>
internal sealed record UnionPayRefund(
    string MerId,
    string OrderId,
    string TxnTime,
    string QueryId,
    string OrigQueryId,
    string OrigOrderId,
    long Amount,
    Uri BackUrl,
    DateTimeOffset RefundedAt);

/// <summary>
/// The refunds UnionPay accepted. The simulator refunds at once: a refund it accepts is done, and its backUrl
/// notification follows.
/// </summary>
internal sealed class UnionPayRefunds : IResettableState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string MerId, string OrderId), UnionPayRefund> _refunds = [];
    private long _sequence;

    public enum AddOutcome { Added, Duplicate, ExceedsPaid }

    /// <summary>Records a refund unless its orderId is taken or it would refund more than the consume's amount.</summary>
    public (AddOutcome Outcome, UnionPayRefund? Refund) TryAdd(SimulatorTrade consume, string merId, string orderId, string txnTime, long amount, Uri backUrl, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_refunds.ContainsKey((merId, orderId)))
            {
                return (AddOutcome.Duplicate, null);
            }
            if (_refunds.Values.Where(r => r.OrigQueryId == consume.TradeNo).Sum(r => r.Amount) + amount > consume.Amount)
            {
                return (AddOutcome.ExceedsPaid, null);
            }
            // 21 digits like a consume's queryId, from a range the trade store's numbers never reach.
            var queryId = $"{now.ToOffset(TimeSpan.FromHours(8)).ToString("yyMMddHHmmss", CultureInfo.InvariantCulture)}9{++_sequence:D8}";
            var refund = new UnionPayRefund(merId, orderId, txnTime, queryId, consume.TradeNo, consume.OutTradeNo, amount, backUrl, now);
            _refunds[(merId, orderId)] = refund;
            return (AddOutcome.Added, refund);
        }
    }

    public UnionPayRefund? Find(string merId, string orderId)
    {
        lock (_lock)
        {
            return _refunds.GetValueOrDefault((merId, orderId));
        }
    }

    public IReadOnlyList<UnionPayRefund> RefundedBetween(string merId, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock)
        {
            return [.. _refunds.Values.Where(r => r.MerId == merId && r.RefundedAt >= from && r.RefundedAt < to)];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _refunds.Clear();
        }
    }
}
