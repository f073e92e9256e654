using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>One refund of an Alipay trade that moved money.</summary>
/// <param name="OutRequestNo">The merchant's refund request number (the out_trade_no when the request named none).</param>
internal sealed record AlipayRefund(string AppId, string TradeNo, string OutTradeNo, string OutRequestNo, long Amount, string? Reason, DateTimeOffset RefundedAt);

/// <summary>What asking for a refund did.</summary>
internal enum AlipayRefundOutcome
{
    /// <summary>Money moved now (<c>fund_change=Y</c>).</summary>
    Refunded,
    /// <summary>The same out_request_no and amount again: nothing moved (<c>fund_change=N</c>).</summary>
    Repeated,
    /// <summary>The same out_request_no with another amount.</summary>
    Discordant,
    /// <summary>The trade is still waiting for the payer.</summary>
    NotPaid,
    /// <summary>The trade is closed (never paid, or already fully refunded).</summary>
    Closed,
    /// <summary>This refund would take the total refunded above what was paid.</summary>
    ExceedsPaid,
}

/// <summary>
/// The refunds of Alipay trades. Alipay deduplicates a refund on (trade, out_request_no), so that is the key here
/// too. One lock: two concurrent refunds of a trade can never together exceed what was paid. When the refunds reach
/// the paid amount the trade becomes <c>TRADE_CLOSED</c>, as at Alipay.
/// </summary>
internal sealed class AlipayRefundLedger(TradeStore store, TimeProvider time) : IResettableState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string AppId, string TradeNo), List<AlipayRefund>> _byTrade = [];

    /// <summary>
    /// Refunds <paramref name="amount"/> of <paramref name="trade"/> unless this out_request_no was seen before or
    /// the trade cannot give it. <c>RefundedTotal</c> is the trade's refunded total afterwards (Alipay's refund_fee).
    /// </summary>
    public (AlipayRefundOutcome Outcome, AlipayRefund? Refund, long RefundedTotal) Refund(SimulatorTrade trade, string outRequestNo, long amount, string? reason)
    {
        lock (_lock)
        {
            var key = (trade.MerchantId, trade.TradeNo);
            var refunds = _byTrade.TryGetValue(key, out var existing) ? existing : [];
            var total = refunds.Sum(r => r.Amount);

            // Deduplication comes first: a retry of a refund that closed the trade still learns it went through.
            if (refunds.Find(r => r.OutRequestNo == outRequestNo) is { } earlier)
            {
                return (earlier.Amount == amount ? AlipayRefundOutcome.Repeated : AlipayRefundOutcome.Discordant, earlier, total);
            }

            // The state now, not when the request arrived: only CloseRefunded (under this lock) moves a paid trade.
            var current = store.FindByTradeNo(trade.TradeNo) ?? trade;
            if (current.Status == TradeStatus.Pending)
            {
                return (AlipayRefundOutcome.NotPaid, null, total);
            }
            if (current.Status != TradeStatus.Succeeded)
            {
                return (AlipayRefundOutcome.Closed, null, total);
            }
            if (total + amount > current.Amount)
            {
                return (AlipayRefundOutcome.ExceedsPaid, null, total);
            }

            var refund = new AlipayRefund(trade.MerchantId, trade.TradeNo, trade.OutTradeNo, outRequestNo, amount, reason, time.GetUtcNow());
            refunds.Add(refund);
            _byTrade[key] = refunds;
            total += amount;
            if (total == current.Amount)
            {
                store.CloseRefunded(trade.TradeNo);
            }
            return (AlipayRefundOutcome.Refunded, refund, total);
        }
    }

    public AlipayRefund? Find(SimulatorTrade trade, string outRequestNo)
    {
        lock (_lock)
        {
            return _byTrade.TryGetValue((trade.MerchantId, trade.TradeNo), out var refunds) ? refunds.Find(r => r.OutRequestNo == outRequestNo) : null;
        }
    }

    /// <summary>The app's refunds that moved money in [from, to), by refund time: what a bill of those days lists.</summary>
    public IReadOnlyList<AlipayRefund> RefundedBetween(string appId, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock)
        {
            return [.. _byTrade
                .Where(e => e.Key.AppId == appId)
                .SelectMany(e => e.Value)
                .Where(r => r.RefundedAt >= from && r.RefundedAt < to)
                .OrderBy(r => r.RefundedAt)];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _byTrade.Clear();
        }
    }
}
