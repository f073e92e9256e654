namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>Agreement states in Alipay's words.</summary>
public static class AlipayAgreementStatus
{
    /// <summary>The sign page was opened; the payer has not signed yet.</summary>
    public const string Temp = "TEMP";

    /// <summary>Signed: deductions may be made.</summary>
    public const string Normal = "NORMAL";

    /// <summary>Ended by the payer or the merchant. Final.</summary>
    public const string Stop = "STOP";
}

/// <summary>
/// The schedule of a 周期扣款 agreement: every <paramref name="Period"/> <paramref name="PeriodType"/> (DAY or MONTH)
/// from <paramref name="ExecuteDate"/>, at most <paramref name="SingleAmount"/> fen a time, and at most
/// <paramref name="TotalPayments"/> successful deductions when given.
/// </summary>
public sealed record AlipayPeriodRule(string PeriodType, int Period, DateOnly ExecuteDate, long SingleAmount, int? TotalPayments)
{
    /// <summary>The planned date one period after <paramref name="date"/>.</summary>
    public DateOnly Next(DateOnly date) => PeriodType == "MONTH" ? date.AddMonths(Period) : date.AddDays(Period);
}

/// <summary>What a page.sign request asks for (already validated).</summary>
internal sealed record NewAgreement(
    string AppId,
    string ExternalAgreementNo,
    string ProductCode,
    string SignScene,
    string? ExternalLogonId,
    string AccessChannel,
    AlipayPeriodRule? PeriodRule,
    Uri? NotifyUrl,
    string? ReturnUrl)
{
    public string PersonalProductCode => ProductCode + "_P";
}

/// <summary>A snapshot of one agreement at the simulator.</summary>
/// <param name="AgreementNo">Alipay's 20-digit agreement number.</param>
/// <param name="NextDeductDate">周期扣款: the planned date of the next deduction (moves one period after each success).</param>
/// <param name="Deductions">Successful deductions so far.</param>
public sealed record AlipayAgreement(
    string AppId,
    string ExternalAgreementNo,
    string AgreementNo,
    string ProductCode,
    string SignScene,
    string? ExternalLogonId,
    string AccessChannel,
    AlipayPeriodRule? PeriodRule,
    Uri? NotifyUrl,
    string? ReturnUrl,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SignedAt = null,
    DateTimeOffset? UnsignedAt = null,
    DateOnly? NextDeductDate = null,
    int Deductions = 0,
    DateTimeOffset? LastDeductedAt = null)
{
    public string PersonalProductCode => ProductCode + "_P";

    /// <summary>Whether deductions follow a schedule (周期扣款).</summary>
    public bool IsCycle => PeriodRule is not null;
}
