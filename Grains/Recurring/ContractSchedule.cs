using PayGateway.Channels;
using PayGateway.Hosting;

namespace PayGateway.Recurring;

/// <summary>
/// Period arithmetic. Period n (1-based) falls on the first deduction date plus (n - 1) × every units; months are
/// added as calendar months (the first date's day is at most 28, so every month has it). Dates are Beijing dates.
/// </summary>
public static class ContractSchedule
{
    public static DateOnly DueDate(string unit, int every, DateOnly first, int period) => unit switch
    {
        ContractPeriodUnits.Day => first.AddDays((period - 1) * every),
        ContractPeriodUnits.Month => first.AddMonths((period - 1) * every),
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown period unit."),
    };

    public static DateOnly DueDate(SignState s, int period) => DueDate(s.PeriodUnit, s.PeriodEvery, s.FirstDate(), period);

    /// <summary>When the deduction of <paramref name="period"/> starts: its date at the configured Beijing time of day.</summary>
    public static DateTimeOffset DueAt(SignState s, int period, RecurringOptions options) =>
        new DateTimeOffset(DueDate(s, period).ToDateTime(TimeOnly.MinValue), ChinaStandardTime.Offset) + options.DeductionTimeOfDay;

    /// <summary>The Beijing date of an instant.</summary>
    public static DateOnly BeijingDate(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(ChinaStandardTime.Offset).DateTime);

    /// <summary>True when the contract may make no more deductions (its maximum reached).</summary>
    public static bool Exhausted(SignState s) => s.MaxDeductions is { } max && s.DeductionsSucceeded >= max;

    /// <summary>
    /// The period whose date the channel's deduction plan is on, as far as the gateway knows: a 周期扣款 plan starts on
    /// the first date, advances one period after each success (never after a failure) and moves only when the gateway
    /// moves it. For channels without a plan it is what the plan would be.
    /// </summary>
    public static int ChannelPlanPeriod(SignState s)
    {
        var afterSuccess = s.Deductions.Where(d => d.Status == StoredDeduction.Succeeded).Select(d => d.Period + 1).DefaultIfEmpty(1).Max();
        return s.PlanMove is { Status: StoredPlanMove.Moved } moved ? Math.Max(afterSuccess, moved.Period) : afterSuccess;
    }

    /// <summary>
    /// Whether the channel's plan must move to <paramref name="period"/>'s date before it is charged: the plan is behind
    /// (a period was given up or skipped), the channel has one, and it did not already refuse this move.
    /// </summary>
    public static bool PlanMoveNeeded(SignState s, int period) => s.PlanMove switch
    {
        { Status: StoredPlanMove.NoPlan } => false,
        { Status: StoredPlanMove.Refused } refused when refused.Period >= period => false,
        _ => ChannelPlanPeriod(s) < period,
    };

    /// <summary>The date of the next deduction, for views: null once the contract is final or exhausted.</summary>
    public static DateOnly? NextDeductionDate(SignState s) =>
        s.StatusValue.IsFinal() || Exhausted(s) ? null : DueDate(s, s.NextPeriod);
}
