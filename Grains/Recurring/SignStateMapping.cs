using System.Globalization;
using PayGateway.Orders;

namespace PayGateway.Recurring;

/// <summary>Stored state → the contract as callers see it.</summary>
public static class SignStateMapping
{
    public static ContractView ToView(this SignState s) => new(
        s.ContractId!,
        s.AppId,
        s.OutContractNo,
        s.StatusValue,
        s.Channel,
        s.AccountId,
        Enum.Parse<PayMethod>(s.Method),
        s.Amount,
        s.Currency,
        s.PeriodUnit,
        s.PeriodEvery,
        s.FirstDate(),
        s.MaxDeductions,
        s.DisplayAccount,
        s.Subject,
        s.ChannelContractNo,
        s.SignData is { } d ? new PayData(d.Kind, d.Content) : null,
        FromMs(s.CreatedAtMs),
        FromMs(s.UpdatedAtMs),
        FromMs(s.SignExpiresAtMs),
        s.SignedAtMs is { } signed ? FromMs(signed) : null,
        s.TerminatedAtMs is { } ended ? FromMs(ended) : null,
        ContractSchedule.NextDeductionDate(s),
        s.DeductionsSucceeded,
        [.. s.Deductions.Select(d => new DeductionView(d.Period, d.Attempt, d.OutTradeNo, d.OrderId, d.Status, FromMs(d.CreatedAtMs)))],
        s.Failure is { } f ? new GatewayError(f.Code, f.Message) : null,
        s.NotifyUrl,
        [.. s.Notifications.Select(n => n.ToView())],
        s.Metadata);

    public static DateOnly FirstDate(this SignState s) => DateOnly.ParseExact(s.FirstDeductionDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
