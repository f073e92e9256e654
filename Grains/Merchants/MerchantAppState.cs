using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace PayGateway.Merchants;

/// <summary>Stored merchant app. Secrets are sealed (see <see cref="Security.SecretProtector"/>).</summary>
public sealed record MerchantAppState
{
    [JsonPropertyName("exists")] public bool Exists { get; init; }
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("auth_scheme")] public MerchantAuthScheme AuthScheme { get; init; }
    [JsonPropertyName("public_key_pem")] public string? PublicKeyPem { get; init; }
    [JsonPropertyName("sealed_hmac_secret")] public string? SealedHmacSecret { get; init; }
    [JsonPropertyName("sealed_webhook_secret")] public string? SealedWebhookSecret { get; init; }
    [JsonPropertyName("channels")] public ImmutableArray<StoredRoute> Channels { get; init; } = [];
    [JsonPropertyName("enabled")] public bool Enabled { get; init; }
    [JsonPropertyName("updated_at_ms")] public long UpdatedAtMs { get; init; }

    /// <summary>One more on every change; the silos' key caches compare it. Apps stored before it existed read as 0.</summary>
    [JsonPropertyName("version")] public long Version { get; init; }
}

public sealed record StoredRoute(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("account_id")] string AccountId);
