using System.Text.Json.Nodes;

namespace PayGateway.ChannelSimulator.Protocol;

/// <summary>Body of POST /mock/v1/contracts. Everything nullable so validation can name what is missing.</summary>
internal sealed record CreateContractBody(
    string? ContractCode,
    string? Method,
    string? Currency,
    long? AmountPerDeduction,
    int? MaxDeductions,
    string? PeriodUnit,
    int? PeriodEvery,
    DateOnly? FirstDeductionDate,
    string? DisplayAccount,
    string? NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset? ExpiresAt);

/// <summary>Body of POST /mock/v1/contracts/{contract_code}/terminate (may be empty).</summary>
internal sealed record TerminateContractBody(string? Reason);

/// <summary>
/// A contract as the API returns it. <c>contract_id</c> appears once the payer signed; <c>sign_url</c> / <c>qr_code</c>
/// / <c>app_params</c> only in the create answer while the contract is PENDING or SIGNED.
/// </summary>
internal sealed record ContractView(
    string ContractCode,
    string? ContractId,
    string MerchantId,
    string Status,
    string Currency,
    long AmountPerDeduction,
    int? MaxDeductions,
    int DeductionsUsed,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? SignedAt,
    DateTimeOffset? TerminatedAt,
    string? SignUrl = null,
    string? QrCode = null,
    JsonObject? AppParams = null);

/// <summary>Body of POST /mock/v1/deductions: one charge under a signed contract.</summary>
internal sealed record DeductBody(
    string? OutTradeNo,
    string? ContractId,
    long? Amount,
    string? Currency,
    string? Subject,
    string? NotifyUrl);

/// <summary>The answer to a deduction: the payment object, with the contract it was charged under.</summary>
internal sealed record DeductionView(
    string OutTradeNo,
    string TradeNo,
    string Status,
    long Amount,
    string Currency,
    string MerchantId,
    string ContractId,
    DateTimeOffset? PaidAt);

/// <summary>The contract notification POSTed to the contract's notify_url when it is signed or terminated.</summary>
internal sealed record ContractCallbackBody(
    string Type,
    string EventId,
    string EventType,
    string ContractCode,
    string? ContractId,
    string MerchantId,
    string Status,
    DateTimeOffset Time);
