using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace PayGateway.Channels;

/// <summary>Stored channel account. Secrets are sealed (see <see cref="Security.SecretProtector"/>).</summary>
public sealed record ChannelAccountState
{
    [JsonPropertyName("exists")] public bool Exists { get; init; }
    [JsonPropertyName("base_url")] public string BaseUrl { get; init; } = "";
    [JsonPropertyName("settings")] public ImmutableSortedDictionary<string, string> Settings { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    [JsonPropertyName("sealed_secrets")] public ImmutableSortedDictionary<string, string> SealedSecrets { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    [JsonPropertyName("enabled_methods")] public ImmutableArray<PayMethod> EnabledMethods { get; init; } = [];
    [JsonPropertyName("enabled")] public bool Enabled { get; init; }
    [JsonPropertyName("updated_at_ms")] public long UpdatedAtMs { get; init; }

    /// <summary>One more on every change; the silos' account caches compare it. Accounts stored before it existed read as 0.</summary>
    [JsonPropertyName("version")] public long Version { get; init; }
}
