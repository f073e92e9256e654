namespace PayGateway.ChannelSimulator.Protocol;

/// <summary>Checks contract and deduction requests; the answer is null when acceptable, else the reason.</summary>
internal static class ContractRequestValidator
{
    /// <summary>How a payer can sign: the payment methods that show a page or app parameters.</summary>
    public static readonly string[] SignMethods = ["WEB", "WAP", "APP", "QR_CODE"];

    /// <summary>Period units: days or calendar months.</summary>
    public static readonly string[] PeriodUnits = ["DAY", "MONTH"];

    /// <summary>Checks a create's shape. Whether expires_at is still ahead matters only for a new contract (see ContractApi).</summary>
    public static string? Validate(CreateContractBody body) => body switch
    {
        _ when !IsNumber(body.ContractCode) => "contract_code is required (1-64 of letters, digits, '_' and '-').",
        _ when !SignMethods.Contains(body.Method) => "method must be one of WEB, WAP, APP, QR_CODE.",
        { Currency: null } or { Currency.Length: not 3 } => "currency must be a 3-letter ISO 4217 code.",
        { AmountPerDeduction: null or <= 0 } => "amount_per_deduction must be a positive integer in minor units.",
        { MaxDeductions: <= 0 } => "max_deductions, when given, must be positive.",
        _ when !PeriodUnits.Contains(body.PeriodUnit) => "period_unit must be DAY or MONTH.",
        { PeriodEvery: null or <= 0 } => "period_every must be a positive integer.",
        { FirstDeductionDate: null } => "first_deduction_date is required (yyyy-MM-dd).",
        { DisplayAccount: null or "" } or { DisplayAccount.Length: > 128 } => "display_account is required (at most 128 characters).",
        _ when !Uri.TryCreate(body.NotifyUrl, UriKind.Absolute, out var notify) || notify.Scheme is not ("http" or "https") => "notify_url must be an absolute http(s) URL.",
        { ExpiresAt: null } => "expires_at is required.",
        _ => null,
    };

    public static string? Validate(DeductBody body) => body switch
    {
        _ when !IsNumber(body.OutTradeNo) => "out_trade_no is required (1-64 of letters, digits, '_' and '-').",
        _ when !IsNumber(body.ContractId) => "contract_id is required.",
        { Amount: null or <= 0 } => "amount must be a positive integer in minor units.",
        { Currency: null } or { Currency.Length: not 3 } => "currency must be a 3-letter ISO 4217 code.",
        { Subject: null or "" } or { Subject.Length: > 256 } => "subject is required (at most 256 characters).",
        { NotifyUrl: not null } when !Uri.TryCreate(body.NotifyUrl, UriKind.Absolute, out var notify) || notify.Scheme is not ("http" or "https") =>
            "notify_url must be an absolute http(s) URL.",
        _ => null,
    };

    // Same rule as out_trade_no: safe in a URL path without escaping surprises.
    private static bool IsNumber(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
