using System.Collections.Immutable;

namespace PayGateway;

/// <summary>
/// An operator's create-or-update of a channel account. <see cref="Secrets"/> are plain operator input and are
/// encrypted by the grain; on update a secret absent from the map keeps its stored value.
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.ChannelAccountConfig")]
public sealed record ChannelAccountConfig(
    [property: Id(0)] string BaseUrl,
    [property: Id(1)] ImmutableSortedDictionary<string, string> Settings,
    [property: Id(2)] ImmutableSortedDictionary<string, string> Secrets,
    [property: Id(3)] ImmutableArray<PayMethod> EnabledMethods,
    [property: Id(4)] bool Enabled)
{
    public override string ToString() => $"ChannelAccountConfig {{ BaseUrl = {BaseUrl}, Enabled = {Enabled} }}";
}

/// <summary>A channel account as operators see it: settings, and only the names of the secrets that are set.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ChannelAccountView")]
public sealed record ChannelAccountView(
    [property: Id(0)] string Channel,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string BaseUrl,
    [property: Id(3)] ImmutableSortedDictionary<string, string> Settings,
    [property: Id(4)] ImmutableArray<string> SecretNames,
    [property: Id(5)] ImmutableArray<PayMethod> EnabledMethods,
    [property: Id(6)] bool Enabled,
    [property: Id(7)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("paygw.ChannelAccountResult")]
public sealed record ChannelAccountResult(
    [property: Id(0)] ChannelAccountView? Account,
    [property: Id(1)] GatewayError? Error);

/// <summary>
/// What grains on any silo need to call the channel: the account with its secrets still encrypted under the
/// master key. Each silo decrypts locally, so plain secrets never cross the network.
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.SealedChannelAccount")]
public sealed record SealedChannelAccount(
    [property: Id(0)] string Channel,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string BaseUrl,
    [property: Id(3)] ImmutableSortedDictionary<string, string> Settings,
    [property: Id(4)] ImmutableSortedDictionary<string, string> SealedSecrets,
    [property: Id(5)] ImmutableArray<PayMethod> EnabledMethods,
    [property: Id(6)] bool Enabled)
{
    /// <summary>Grows with every change of the account; the silos' caches compare it (0 for accounts never changed since versions were added).</summary>
    [Id(7)]
    public long Version { get; init; }

    public override string ToString() => $"SealedChannelAccount {{ Channel = {Channel}, AccountId = {AccountId}, Version = {Version} }}";
}
