using System.Text.Json.Serialization;

namespace PayGateway.Transfers;

/// <summary>Stored (app_id, out_transfer_no) index entry: the transfer the first request created, its route and fingerprint.</summary>
public sealed record MerchantTransferKeyState
{
    [JsonPropertyName("transfer_id")] public string? TransferId { get; init; }
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";
    [JsonPropertyName("account_id")] public string AccountId { get; init; } = "";
}
