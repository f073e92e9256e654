using System.Text.Json.Serialization;

namespace PayGateway.Refunds;

/// <summary>Stored (app_id, out_refund_no) index entry: the order the refund belongs to and the request's fingerprint.</summary>
public sealed record MerchantRefundKeyState
{
    [JsonPropertyName("order_id")] public string? OrderId { get; init; }
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
}
