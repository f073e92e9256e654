using System.Collections.Concurrent;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Bills;

/// <summary>
/// Reconciliation drift a test injects into the statements the simulator serves: the amount a bill line shows for a
/// payment (keyed by out_trade_no) or a refund (keyed by out_refund_no), regardless of what was really paid. Every
/// protocol's statement builder asks <see cref="AmountFor"/> for each line, so one control call drifts any channel.
/// </summary>
internal sealed class BillDrift : IResettableState
{
    private readonly ConcurrentDictionary<string, long> _amounts = new(StringComparer.Ordinal);

    /// <summary>
    /// From now on, statements show <paramref name="amount"/> (minor units) for this out_trade_no / out_refund_no; 0 leaves
    /// the line out (the channel's statement lacks a payment or refund the gateway has).
    /// </summary>
    public void SetAmount(string merchantNumber, long amount) => _amounts[merchantNumber] = amount;

    public void Remove(string merchantNumber) => _amounts.TryRemove(merchantNumber, out _);

    /// <summary>The amount a statement line shows: the drifted one if a test set one, else the real one.</summary>
    public long AmountFor(string merchantNumber, long realAmount) => _amounts.GetValueOrDefault(merchantNumber, realAmount);

    /// <summary>Whether the statement lists the line at all (a test set its amount to 0 to leave it out).</summary>
    public bool Lists(string merchantNumber) => !_amounts.TryGetValue(merchantNumber, out var amount) || amount != 0;

    public void Clear() => _amounts.Clear();
}

/// <summary>Statement days: Alipay, WeChat Pay and the mock cut their bills at midnight Beijing time.</summary>
internal static class BillDay
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The statement day a moment belongs to.</summary>
    public static DateOnly Of(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Offset).DateTime);

    /// <summary>
    /// A day's statement exists once the day has begun. Real channels publish T+1 (after about 09:00–10:00 the next
    /// day); the simulator also serves the current day's lines so far, so tests need not move its clock a day on.
    /// </summary>
    public static bool IsAvailable(DateOnly day, DateTimeOffset now) => day <= Of(now);
}
