using System.Collections.Immutable;
using System.Globalization;
using PayGateway.Api.Contracts;
using PayGateway.Api.Orders;

namespace PayGateway.Api.Recurring;

/// <summary>
/// Checks a create-contract request field by field and turns it into a command. Channel-specific rules (Alipay's
/// seven-day minimum for daily periods, say) are the channel's to refuse; what is checked here holds for every channel.
/// </summary>
public static class CreateContractValidation
{
    public const int DefaultSignExpireSeconds = 3600;
    public const int MinSignExpireSeconds = 300;
    public const int MaxSignExpireSeconds = 7 * 24 * 3600;
    public const int MaxDeductionsLimit = 1000;

    /// <summary>How a payer can sign: every selectable method that shows the payer something.</summary>
    public static readonly IReadOnlyList<PayMethod> SignMethods = [PayMethod.WEB, PayMethod.WAP, PayMethod.APP, PayMethod.QR_CODE];

    /// <summary>
    /// The command, or the errors. <c>Repeat</c> is set when the only error is a first deduction date that is now before
    /// today: the command an identical request accepted on an earlier day made, whose contract a retry must get back
    /// (the caller looks it up; it never creates one from it).
    /// </summary>
    public static (CreateContractCommand? Command, Dictionary<string, string[]> Errors, CreateContractCommand? Repeat) Validate(
        string appId, CreateContractRequest r, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [message];

        if (r.OutContractNo is null || !CreateOrderValidation.MerchantNumber().IsMatch(r.OutContractNo))
        {
            Error("out_contract_no", "Required: 1-64 characters of [A-Za-z0-9_-].");
        }
        if (r.Channel is { } channel && !CreateOrderValidation.ChannelName().IsMatch(channel))
        {
            Error("channel", "1-32 characters of [a-z0-9_].");
        }
        PayMethod method = default;
        if (!PayMethods.TryParseWire(r.Method, out method) || !SignMethods.Contains(method))
        {
            Error("method", $"Required: how the payer signs, one of {string.Join(", ", SignMethods)}.");
        }
        if (r.Amount is not (>= CreateOrderValidation.MinAmount and <= CreateOrderValidation.MaxAmount))
        {
            Error("amount", $"Required: the amount of each deduction, an integer number of minor units from {CreateOrderValidation.MinAmount} to {CreateOrderValidation.MaxAmount:N0}.");
        }
        if (!Currencies.IsKnown(r.Currency))
        {
            Error("currency", "Required: an ISO 4217 currency code in upper case, e.g. CNY.");
        }
        if (!ContractPeriodUnits.IsValid(r.PeriodUnit))
        {
            Error("period_unit", "Required: DAY or MONTH.");
        }
        else if (r.PeriodEvery is not { } every || every < 1 || every > (r.PeriodUnit == ContractPeriodUnits.Day ? 366 : 12))
        {
            Error("period_every", r.PeriodUnit == ContractPeriodUnits.Day ? "Required: 1 to 366 days." : "Required: 1 to 12 months.");
        }
        var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var beforeToday = false;
        if (r.FirstDeductionDate is null
            || !DateOnly.TryParseExact(r.FirstDeductionDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            Error("first_deduction_date", "Required: the date of the first deduction, yyyy-MM-dd (Beijing time).");
            first = default;
        }
        else if (first < today || first > today.AddYears(1))
        {
            beforeToday = first < today;
            Error("first_deduction_date", $"From today ({today:yyyy-MM-dd}, Beijing time) to a year ahead.");
        }
        else if (r.PeriodUnit == ContractPeriodUnits.Month && first.Day > 28)
        {
            Error("first_deduction_date", "For monthly contracts the day of the month is at most 28, so that every month has it.");
        }
        if (r.MaxDeductions is { } max && max is < 1 or > MaxDeductionsLimit)
        {
            Error("max_deductions", $"From 1 to {MaxDeductionsLimit}, or absent for no limit.");
        }
        if (r.DisplayAccount is not { Length: >= 1 and <= 64 } display || CreateOrderValidation.HasControlCharacters(display) || display.Trim() != display)
        {
            Error("display_account", "Required: what the payer sees as the account being charged for, 1-64 characters, no control characters or surrounding spaces.");
        }
        if (string.IsNullOrWhiteSpace(r.Subject) || r.Subject.Length > 256 || CreateOrderValidation.HasControlCharacters(r.Subject))
        {
            Error("subject", "Required: the subject of each deduction, 1-256 characters, no control characters.");
        }
        if (!CreateOrderValidation.IsHttpUrl(r.NotifyUrl))
        {
            Error("notify_url", "Required: an absolute http(s) URL of at most 512 characters.");
        }
        if (r.ReturnUrl is not null && !CreateOrderValidation.IsHttpUrl(r.ReturnUrl))
        {
            Error("return_url", "An absolute http(s) URL of at most 512 characters.");
        }
        if (r.UserIp is { } ip && !CreateOrderValidation.IsIpAddress(ip))
        {
            Error("user_ip", "An IPv4 or IPv6 address.");
        }
        if (r.SignExpireSeconds is { } expire && expire is < MinSignExpireSeconds or > MaxSignExpireSeconds)
        {
            Error("sign_expire_seconds", $"From {MinSignExpireSeconds} to {MaxSignExpireSeconds} seconds.");
        }
        if (!CreateOrderValidation.IsValidMetadata(r.Metadata))
        {
            Error("metadata", CreateOrderValidation.MetadataRule);
        }

        if (errors.Count > 0)
        {
            return (null, errors, errors.Count == 1 && beforeToday ? Command() : null);
        }
        return (Command(), errors, null);

        CreateContractCommand Command() => new(
            appId, r.OutContractNo!, r.Channel, method, r.Amount!.Value, r.Currency!, r.PeriodUnit!, r.PeriodEvery!.Value, first,
            r.MaxDeductions, r.DisplayAccount!, r.Subject!, r.NotifyUrl!, r.ReturnUrl, r.UserIp, r.SignExpireSeconds ?? DefaultSignExpireSeconds,
            (r.Metadata ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal));
    }
}
