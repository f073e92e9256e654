namespace PayGateway.ChannelSimulator.State;

/// <summary>Refund status values on the wire.</summary>
public static class RefundStatus
{
    public const string Processing = "PROCESSING";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
}

/// <summary>A snapshot of one refund at the simulator.</summary>
/// <param name="OutRefundNo">The merchant's refund number (the gateway's refund id); unique per merchant.</param>
/// <param name="RefundNo">The simulator's refund number.</param>
/// <param name="OutTradeNo">The refunded payment's out_trade_no.</param>
public sealed record SimulatorRefund(
    string MerchantId,
    string OutRefundNo,
    string RefundNo,
    string OutTradeNo,
    long Amount,
    string Currency,
    string Status,
    string? Reason,
    Uri? NotifyUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SucceededAt);

internal enum RefundOutcome { Created, Existing, Conflict, TradeNotFound, TradeNotPaid, CurrencyMismatch, ExceedsPaid }

/// <summary>What a refund request asks the store for.</summary>
internal sealed record NewRefund(string MerchantId, string OutRefundNo, string OutTradeNo, long Amount, string Currency, string? Reason, Uri? NotifyUrl);

/// <summary>
/// All refunds in memory, keyed by (merchant, out_refund_no). One lock, so two concurrent refunds of one payment can
/// never together exceed what was paid.
/// </summary>
internal sealed class RefundStore(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Merchant, string OutRefundNo), SimulatorRefund> _refunds = [];
    private long _sequence;

    /// <summary>
    /// Creates the refund of <paramref name="trade"/> (the paid payment, or null when there is none), or returns the
    /// existing one with that out_refund_no: <see cref="RefundOutcome.Existing"/> when trade and amount match, else a
    /// conflict. Refunds not FAILED count against the paid amount, including those still PROCESSING.
    /// </summary>
    public (RefundOutcome Outcome, SimulatorRefund? Refund) CreateOrGet(NewRefund request, SimulatorTrade? trade, string initialStatus)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_refunds.TryGetValue((request.MerchantId, request.OutRefundNo), out var existing))
            {
                var same = existing.OutTradeNo == request.OutTradeNo && existing.Amount == request.Amount && existing.Currency == request.Currency;
                return (same ? RefundOutcome.Existing : RefundOutcome.Conflict, existing);
            }
            if (trade is null)
            {
                return (RefundOutcome.TradeNotFound, null);
            }
            if (trade.Status != TradeStatus.Succeeded)
            {
                return (RefundOutcome.TradeNotPaid, null);
            }
            if (trade.Currency != request.Currency)
            {
                return (RefundOutcome.CurrencyMismatch, null);
            }
            var refunded = _refunds.Values
                .Where(r => r.MerchantId == request.MerchantId && r.OutTradeNo == request.OutTradeNo && r.Status != RefundStatus.Failed)
                .Sum(r => r.Amount);
            if (refunded + request.Amount > trade.Amount)
            {
                return (RefundOutcome.ExceedsPaid, null);
            }
            var refund = new SimulatorRefund(
                request.MerchantId, request.OutRefundNo, $"MR{now:yyyyMMdd}{++_sequence:D8}", request.OutTradeNo, request.Amount, request.Currency,
                initialStatus, request.Reason, request.NotifyUrl, now, initialStatus == RefundStatus.Succeeded ? now : null);
            _refunds[(request.MerchantId, request.OutRefundNo)] = refund;
            return (RefundOutcome.Created, refund);
        }
    }

    /// <summary>PROCESSING → SUCCEEDED; null when the refund is not processing (already final, or forgotten by a reset).</summary>
    public SimulatorRefund? Complete(string merchantId, string outRefundNo)
    {
        lock (_lock)
        {
            if (!_refunds.TryGetValue((merchantId, outRefundNo), out var refund) || refund.Status != RefundStatus.Processing)
            {
                return null;
            }
            var done = refund with { Status = RefundStatus.Succeeded, SucceededAt = time.GetUtcNow() };
            _refunds[(merchantId, outRefundNo)] = done;
            return done;
        }
    }

    public SimulatorRefund? Find(string merchantId, string outRefundNo)
    {
        lock (_lock)
        {
            return _refunds.GetValueOrDefault((merchantId, outRefundNo));
        }
    }

    /// <summary>Finds by out_refund_no alone (control API). Null when absent or when several merchants use it.</summary>
    public SimulatorRefund? FindAnyMerchant(string outRefundNo)
    {
        lock (_lock)
        {
            var matches = _refunds.Values.Where(r => r.OutRefundNo == outRefundNo).Take(2).ToList();
            return matches.Count == 1 ? matches[0] : null;
        }
    }

    /// <summary>The merchant's refunds that succeeded in [from, to): what a mock statement of those days lists as refunds.</summary>
    public IReadOnlyList<SimulatorRefund> SucceededBetween(string merchantId, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock)
        {
            return [.. _refunds.Values
                .Where(r => r.MerchantId == merchantId && r.Status == RefundStatus.Succeeded && r.SucceededAt is { } at && at >= from && at < to)
                .OrderBy(r => r.SucceededAt)];
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
