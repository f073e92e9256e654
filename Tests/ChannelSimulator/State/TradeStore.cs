using PayGateway.ChannelSimulator.Protocol;

namespace PayGateway.ChannelSimulator.State;

internal enum CreateOutcome { Created, Existing, Conflict }

/// <summary>What paying a trade did: paid it now, found it paid already, or found it closed/failed.</summary>
public enum PayOutcome { Paid, AlreadyPaid, NotPayable }

internal enum CloseOutcome { Closed, AlreadyPaid, AlreadyClosed }

/// <summary>What a create asks the store for, whatever protocol it arrived through.</summary>
internal sealed record NewTrade(
    string Protocol,
    string MerchantId,
    string OutTradeNo,
    long Amount,
    string Currency,
    string Subject,
    string Method,
    Uri? NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset ExpireAt);

/// <summary>All trades in memory, keyed by (merchant_id, out_trade_no) and by trade_no. One lock for everything.</summary>
internal sealed class TradeStore(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Merchant, string OutTradeNo), Trade> _byOrder = [];
    private readonly Dictionary<string, Trade> _byTradeNo = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>Creates the trade, or returns the existing one when the content matches (idempotent create).</summary>
    public (CreateOutcome Outcome, SimulatorTrade Trade) CreateOrGet(string merchantId, CreatePaymentBody body, string initialStatus) =>
        CreateOrGet(new NewTrade(
            SimulatorProtocol.Mock, merchantId, body.OutTradeNo!, body.Amount!.Value, body.Currency!, body.Subject!, body.Method!,
            new Uri(body.NotifyUrl!), body.ReturnUrl, body.ExpireAt!.Value), initialStatus);

    /// <summary>
    /// Creates the trade, or returns the existing one for (merchant, out_trade_no). The existing one is
    /// <see cref="CreateOutcome.Existing"/> when amount, currency, method and subject match, else a conflict.
    /// </summary>
    public (CreateOutcome Outcome, SimulatorTrade Trade) CreateOrGet(NewTrade request, string initialStatus)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_byOrder.TryGetValue((request.MerchantId, request.OutTradeNo), out var existing))
            {
                var s = Refresh(existing, now);
                var same = s.Amount == request.Amount && s.Currency == request.Currency && s.Method == request.Method && s.Subject == request.Subject;
                return (same ? CreateOutcome.Existing : CreateOutcome.Conflict, s);
            }
            var tradeNo = TradeNumber(request.Protocol, now, ++_sequence);
            var paidAt = initialStatus == TradeStatus.Succeeded ? now : (DateTimeOffset?)null;
            var trade = new Trade(new SimulatorTrade(
                request.MerchantId, request.OutTradeNo, tradeNo, request.Amount, request.Currency, request.Subject, request.Method,
                request.NotifyUrl, request.ReturnUrl, request.ExpireAt, initialStatus, now, paidAt)
            { Protocol = request.Protocol });
            _byOrder[(request.MerchantId, trade.OutTradeNo)] = trade;
            _byTradeNo[tradeNo] = trade;
            return (CreateOutcome.Created, trade.Snapshot);
        }
    }

    public SimulatorTrade? Find(string merchantId, string outTradeNo)
    {
        lock (_lock)
        {
            return _byOrder.TryGetValue((merchantId, outTradeNo), out var t) ? Refresh(t, time.GetUtcNow()) : null;
        }
    }

    /// <summary>Finds by out_trade_no alone (control API). Null when absent or when several merchants use it.</summary>
    public SimulatorTrade? FindAnyMerchant(string outTradeNo)
    {
        lock (_lock)
        {
            var matches = _byOrder.Values.Where(t => t.OutTradeNo == outTradeNo).Take(2).ToList();
            return matches.Count == 1 ? Refresh(matches[0], time.GetUtcNow()) : null;
        }
    }

    public SimulatorTrade? FindByTradeNo(string tradeNo)
    {
        lock (_lock)
        {
            return _byTradeNo.TryGetValue(tradeNo, out var t) ? Refresh(t, time.GetUtcNow()) : null;
        }
    }

    /// <summary>PENDING → SUCCEEDED. A trade already paid is reported, never paid twice.</summary>
    public (PayOutcome Outcome, SimulatorTrade Trade) Pay(string tradeNo)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var trade = _byTradeNo[tradeNo];
            var s = Refresh(trade, now);
            if (s.Status == TradeStatus.Succeeded)
            {
                return (PayOutcome.AlreadyPaid, s);
            }
            if (s.Status != TradeStatus.Pending)
            {
                return (PayOutcome.NotPayable, s);
            }
            trade.Snapshot = s with { Status = TradeStatus.Succeeded, PaidAt = now };
            return (PayOutcome.Paid, trade.Snapshot);
        }
    }

    /// <summary>Any unpaid trade becomes CLOSED; a paid one stays paid. Closing a closed (or failed) trade says so.</summary>
    public (CloseOutcome Outcome, SimulatorTrade Trade) Close(string tradeNo)
    {
        lock (_lock)
        {
            var trade = _byTradeNo[tradeNo];
            var s = Refresh(trade, time.GetUtcNow());
            if (s.Status == TradeStatus.Succeeded)
            {
                return (CloseOutcome.AlreadyPaid, s);
            }
            if (s.Status != TradeStatus.Pending)
            {
                trade.Snapshot = s with { Status = TradeStatus.Closed };
                return (CloseOutcome.AlreadyClosed, trade.Snapshot);
            }
            trade.Snapshot = s with { Status = TradeStatus.Closed };
            return (CloseOutcome.Closed, trade.Snapshot);
        }
    }

    /// <summary>
    /// SUCCEEDED → CLOSED once everything paid has been refunded (Alipay's TRADE_CLOSED after a full refund). Null when
    /// the trade is gone (a reset).
    /// </summary>
    public SimulatorTrade? CloseRefunded(string tradeNo)
    {
        lock (_lock)
        {
            if (!_byTradeNo.TryGetValue(tradeNo, out var trade))
            {
                return null;
            }
            if (trade.Snapshot.Status == TradeStatus.Succeeded)
            {
                trade.Snapshot = trade.Snapshot with { Status = TradeStatus.Closed };
            }
            return trade.Snapshot;
        }
    }

    /// <summary>
    /// The merchant's trades of one protocol paid in [from, to): what a statement of those days lists as payments.
    /// A fully refunded trade is closed afterwards but was still paid, so it counts by its paid time.
    /// </summary>
    public IReadOnlyList<SimulatorTrade> PaidBetween(string protocol, string merchantId, DateTimeOffset from, DateTimeOffset to)
    {
        lock (_lock)
        {
            return [.. _byOrder.Values.Select(t => t.Snapshot)
                .Where(t => t.Protocol == protocol && t.MerchantId == merchantId && t.PaidAt is { } paid && paid >= from && paid < to)
                .OrderBy(t => t.PaidAt)];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _byOrder.Clear();
            _byTradeNo.Clear();
        }
    }

    // Mock trade numbers are MT + date + sequence; Alipay's and WeChat Pay's (transaction_id) are 28 digits like real ones,
    // UnionPay's (queryId) 21.
    private static string TradeNumber(string protocol, DateTimeOffset now, long sequence) => protocol switch
    {
        SimulatorProtocol.Alipay => $"{now:yyyyMMdd}2200{sequence:D16}",
        SimulatorProtocol.WeChatPay => $"4200{sequence:D8}{now:yyyyMMdd}{sequence:D8}",
        // UnionPay's queryId: 21 digits.
        SimulatorProtocol.UnionPay => $"{now.ToOffset(TimeSpan.FromHours(8)):yyMMddHHmmss}{sequence:D9}",
        _ => $"MT{now:yyyyMMdd}{sequence:D8}",
    };

    // A pending trade past its expire_at closes itself the next time anyone looks at it.
    private static SimulatorTrade Refresh(Trade trade, DateTimeOffset now)
    {
        if (trade.Snapshot.Status == TradeStatus.Pending && now >= trade.Snapshot.ExpireAt)
        {
            trade.Snapshot = trade.Snapshot with { Status = TradeStatus.Closed };
        }
        return trade.Snapshot;
    }
}
