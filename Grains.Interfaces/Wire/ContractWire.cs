using System.Globalization;

namespace PayGateway.Wire;

/// <summary>A recurring-payment contract on the wire (dates as yyyy-MM-dd Beijing dates).</summary>
public sealed record ContractResponse(
    string ContractId,
    string OutContractNo,
    string Status,
    string Channel,
    string Method,
    long Amount,
    string Currency,
    string PeriodUnit,
    int PeriodEvery,
    string FirstDeductionDate,
    int? MaxDeductions,
    string DisplayAccount,
    string Subject,
    string? ChannelContractNo,
    PayDataResponse? SignData,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset SignExpiresAt,
    DateTimeOffset? SignedAt,
    DateTimeOffset? TerminatedAt,
    string? NextDeductionDate,
    int DeductionsSucceeded,
    IReadOnlyList<DeductionResponse> Deductions,
    ErrorResponse? Failure,
    string NotifyUrl,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<NotificationResponse> Notifications)
{
    public static ContractResponse From(ContractView c) => new(
        c.ContractId, c.OutContractNo, c.Status.ToWire(), c.Channel, c.Method.ToString(), c.Amount, c.Currency, c.PeriodUnit, c.PeriodEvery,
        Date(c.FirstDeductionDate), c.MaxDeductions, c.DisplayAccount, c.Subject, c.ChannelContractNo,
        c.SignData is { } d ? new PayDataResponse(d.Kind, d.Content) : null,
        c.CreatedAt, c.UpdatedAt, c.SignExpiresAt, c.SignedAt, c.TerminatedAt,
        c.NextDeductionDate is { } next ? Date(next) : null, c.DeductionsSucceeded,
        [.. c.Deductions.Select(d => new DeductionResponse(d.Period, d.Attempt, d.OutTradeNo, d.OrderId, d.Status, d.CreatedAt))],
        c.Failure is { } f ? new ErrorResponse(f.Code, f.Message) : null,
        c.NotifyUrl, c.Metadata, [.. c.Notifications.Select(NotificationResponse.From)]);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>One deduction attempt on the wire: the order it made is a normal order (GET /v1/orders/{order_id}).</summary>
public sealed record DeductionResponse(int Period, int Attempt, string OutTradeNo, string? OrderId, string Status, DateTimeOffset CreatedAt);

/// <summary>The webhook event body for contracts: <c>{"id","type","created","contract"}</c>.</summary>
public sealed record ContractWebhookEvent(string Id, string Type, long Created, ContractResponse Contract);
