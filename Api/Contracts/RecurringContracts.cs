namespace PayGateway.Api.Contracts;

/// <summary>
/// POST /v1/contracts body: a recurring-payment contract the payer signs once. Every member is nullable so that a
/// missing field is a validation error.
/// </summary>
public sealed record CreateContractRequest(
    string? OutContractNo,
    string? Channel,
    string? Method,
    long? Amount,
    string? Currency,
    string? PeriodUnit,
    int? PeriodEvery,
    string? FirstDeductionDate,
    int? MaxDeductions,
    string? DisplayAccount,
    string? Subject,
    string? NotifyUrl,
    string? ReturnUrl,
    string? UserIp,
    int? SignExpireSeconds,
    Dictionary<string, string>? Metadata);

/// <summary>POST /v1/contracts/{contract_id}/terminate body (optional).</summary>
public sealed record TerminateContractRequest(string? Reason);
