using System.Text.Json;

namespace PayGateway.Channels.Mock;

/// <summary>Contract status values of the mock protocol (docs/channels/mock.md, "Contracts").</summary>
internal static class MockContractStates
{
    /// <summary>
    /// PENDING (waiting for the payer) is Pending; EXPIRED (never signed, sign window over) is NotFound: no contract came
    /// to be. Anything else is not the documented protocol: null.
    /// </summary>
    public static ChannelContractState? Parse(string? status) => status switch
    {
        "PENDING" => ChannelContractState.Pending,
        "SIGNED" => ChannelContractState.Signed,
        "TERMINATED" => ChannelContractState.Terminated,
        "EXPIRED" => ChannelContractState.NotFound,
        _ => null,
    };
}

internal sealed record CreateContractWire(
    string ContractCode,
    string Method,
    string Currency,
    long AmountPerDeduction,
    int? MaxDeductions,
    string PeriodUnit,
    int PeriodEvery,
    DateOnly FirstDeductionDate,
    string DisplayAccount,
    string NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset ExpiresAt);

internal sealed record TerminateContractWire(string? Reason);

/// <summary>A contract in an answer (create, query, terminate).</summary>
internal sealed record ContractWire(
    string? ContractCode,
    string? ContractId,
    string? MerchantId,
    string? Status,
    string? Currency,
    long? AmountPerDeduction,
    DateTimeOffset? SignedAt,
    DateTimeOffset? TerminatedAt,
    string? SignUrl,
    string? QrCode,
    JsonElement? AppParams);

internal sealed record DeductWire(string OutTradeNo, string ContractId, long Amount, string Currency, string Subject, string NotifyUrl);

/// <summary>The answer to a deduction: the payment object plus the contract it was charged under.</summary>
internal sealed record DeductionWire(
    string? OutTradeNo,
    string? TradeNo,
    string? Status,
    long? Amount,
    string? Currency,
    string? MerchantId,
    string? ContractId,
    DateTimeOffset? PaidAt);

/// <summary>A contract notification (<c>type</c> "contract").</summary>
internal sealed record ContractCallbackWire(
    string? Type,
    string? EventId,
    string? EventType,
    string? ContractCode,
    string? ContractId,
    string? MerchantId,
    string? Status,
    DateTimeOffset? Time);
