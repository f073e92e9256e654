using System.Text.Json.Serialization;

namespace PayGateway.Recurring;

/// <summary>The contract id an out_contract_no was given, the request it came from and the account that serves it.</summary>
public sealed record MerchantContractKeyState
{
    [JsonPropertyName("contract_id")] public string? ContractId { get; init; }
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";
    [JsonPropertyName("account_id")] public string AccountId { get; init; } = "";
}
