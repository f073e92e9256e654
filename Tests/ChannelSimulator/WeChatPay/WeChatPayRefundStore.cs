using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>WeChat Pay refund <c>status</c> values.</summary>
public static class WeChatPayRefundStatus
{
    public const string Processing = "PROCESSING";
    public const string Success = "SUCCESS";
    public const string Abnormal = "ABNORMAL";
    public const string Closed = "CLOSED";
}

/// <summary>A refund at the simulator, as a snapshot.</summary>
/// <param name="TransactionId">The refunded trade's trade_no (its transaction_id).</param>
/// <param name="Refund">This refund's amount (fen).</param>
/// <param name="Total">The trade's amount, as the request stated it (and as checked).</param>
/// <param name="NotifyUrl">Where its notification goes; null when the request named none.</param>
/// <param name="EndStatus">The status it will end in once processed (<c>SUCCESS</c> unless a behaviour said otherwise).</param>
public sealed record WeChatPayRefundView(
    string MchId,
    string OutRefundNo,
    string RefundId,
    string OutTradeNo,
    string TransactionId,
    long Refund,
    long Total,
    string? Reason,
    Uri? NotifyUrl,
    string Status,
    string EndStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SuccessTime);

internal enum RefundOutcome { Created, Existing, Conflict, OverRefund }

/// <summary>
/// Refunds by (mchid, out_refund_no), like WeChat: a repeat with the same content is the same refund, other content
/// is refused, and the refunds of one trade that are not CLOSED never add up to more than it was paid. One lock.
/// </summary>
internal sealed class WeChatPayRefundStore : IResettableState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string MchId, string OutRefundNo), WeChatPayRefundView> _refunds = [];
    private long _sequence;

    /// <summary>
    /// Creates the refund in <c>PROCESSING</c>, or finds the one already under this out_refund_no. <paramref name="paid"/>
    /// is the paid trade; the check against its other refunds happens under the lock, so concurrent refunds cannot
    /// together exceed it.
    /// </summary>
    public (RefundOutcome Outcome, WeChatPayRefundView? Refund) Create(
        SimulatorTrade paid, string outRefundNo, long refund, long total, string? reason, Uri? notifyUrl, string endStatus, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_refunds.TryGetValue((paid.MerchantId, outRefundNo), out var existing))
            {
                var same = existing.TransactionId == paid.TradeNo && existing.Refund == refund && existing.Total == total;
                return (same ? RefundOutcome.Existing : RefundOutcome.Conflict, existing);
            }
            var committed = _refunds.Values
                .Where(r => r.MchId == paid.MerchantId && r.TransactionId == paid.TradeNo && r.EndStatus != WeChatPayRefundStatus.Closed)
                .Sum(r => r.Refund);
            if (committed + refund > paid.Amount)
            {
                return (RefundOutcome.OverRefund, null);
            }
            var created = new WeChatPayRefundView(
                paid.MerchantId, outRefundNo, $"5030{now:yyyyMMdd}{++_sequence:D17}", paid.OutTradeNo, paid.TradeNo, refund, total, reason, notifyUrl,
                WeChatPayRefundStatus.Processing, endStatus, now, null);
            _refunds[(paid.MerchantId, outRefundNo)] = created;
            return (RefundOutcome.Created, created);
        }
    }

    /// <summary>The merchant's refunds accepted in [from, to), as snapshots: what a WeChat bill of those days lists as refunds.</summary>
    public IReadOnlyList<WeChatPayRefundView> AcceptedBetween(string mchId, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock)
        {
            return [.. _refunds.Values.Where(r => r.MchId == mchId && r.CreatedAt >= from && r.CreatedAt < to)];
        }
    }

    public WeChatPayRefundView? Find(string mchId, string outRefundNo)
    {
        lock (_lock)
        {
            return _refunds.GetValueOrDefault((mchId, outRefundNo));
        }
    }

    /// <summary>
    /// PROCESSING → its end status. Returns the ended refund, or null when it had already ended or is gone (a reset;
    /// the refund id keeps a late call from ending a newer refund under the same number).
    /// </summary>
    public WeChatPayRefundView? End(WeChatPayRefundView created, DateTimeOffset now)
    {
        lock (_lock)
        {
            var key = (created.MchId, created.OutRefundNo);
            if (_refunds.GetValueOrDefault(key) is not { Status: WeChatPayRefundStatus.Processing } refund || refund.RefundId != created.RefundId)
            {
                return null;
            }
            var ended = refund with
            {
                Status = refund.EndStatus,
                SuccessTime = refund.EndStatus == WeChatPayRefundStatus.Success ? now : null,
            };
            _refunds[key] = ended;
            return ended;
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
