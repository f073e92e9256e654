using System.Text.Json.Serialization;

namespace PayGateway.Orders;

/// <summary>Stored (app_id, out_trade_no) index entry: which order the first request created, and its fingerprint.</summary>
public sealed record MerchantOrderKeyState
{
    [JsonPropertyName("order_id")] public string? OrderId { get; init; }
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";
    [JsonPropertyName("account_id")] public string AccountId { get; init; } = "";
}
