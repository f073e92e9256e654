using System.Collections.Immutable;

namespace PayGateway;

/// <summary>How a merchant app signs its requests.</summary>
public enum MerchantAuthScheme
{
    /// <summary><c>PAYGW-SHA256-RSA2048</c>: SHA256withRSA with the merchant's private key; we hold the public key.</summary>
    Rsa = 0,
    /// <summary><c>PAYGW-HMAC-SHA256</c>: HMAC-SHA256 with a shared app secret.</summary>
    Hmac = 1,
}

/// <summary>Which channel account serves an app's payments on a channel.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ChannelRoute")]
public sealed record ChannelRoute(
    [property: Id(0)] string Channel,
    [property: Id(1)] string AccountId);

/// <summary>
/// An operator's create-or-update of a merchant app. Secrets are plain here (operator input) and are encrypted
/// by the grain before they are stored; null secret fields on update keep the stored value.
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.MerchantAppConfig")]
public sealed record MerchantAppConfig(
    [property: Id(0)] string Name,
    [property: Id(1)] MerchantAuthScheme AuthScheme,
    [property: Id(2)] string? PublicKeyPem,
    [property: Id(3)] string? HmacSecret,
    [property: Id(4)] string? WebhookSecret,
    [property: Id(5)] ImmutableArray<ChannelRoute> Channels,
    [property: Id(6)] bool Enabled)
{
    // Secrets must never reach a log through a record's generated ToString().
    public override string ToString() => $"MerchantAppConfig {{ Name = {Name}, AuthScheme = {AuthScheme} }}";
}

/// <summary>A merchant app as operators see it: no secret material, only whether each secret is set.</summary>
[GenerateSerializer, Immutable, Alias("paygw.MerchantAppView")]
public sealed record MerchantAppView(
    [property: Id(0)] string AppId,
    [property: Id(1)] string Name,
    [property: Id(2)] MerchantAuthScheme AuthScheme,
    [property: Id(3)] string? PublicKeyPem,
    [property: Id(4)] bool HasHmacSecret,
    [property: Id(5)] bool HasWebhookSecret,
    [property: Id(6)] ImmutableArray<ChannelRoute> Channels,
    [property: Id(7)] bool Enabled,
    [property: Id(8)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("paygw.MerchantAppResult")]
public sealed record MerchantAppResult(
    [property: Id(0)] MerchantAppView? App,
    [property: Id(1)] GatewayError? Error);

/// <summary>Outcome of checking a merchant request's signature.</summary>
public enum SignatureCheck
{
    Valid = 0,
    /// <summary>No such app, or the app is disabled.</summary>
    UnknownApp = 1,
    /// <summary>The scheme in the header is not the app's scheme.</summary>
    WrongScheme = 2,
    BadSignature = 3,
}

/// <summary>Which route serves (channel, method), or why none does.</summary>
[GenerateSerializer, Immutable, Alias("paygw.RouteResult")]
public sealed record RouteResult(
    [property: Id(0)] ChannelRoute? Route,
    [property: Id(1)] GatewayError? Error);

/// <summary>
/// What a silo needs to check and sign for an app, with its secrets still sealed under the master key: each silo
/// opens them locally, so plain secrets never cross the network. <see cref="Version"/> grows with every change.
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.SealedMerchantApp")]
public sealed record SealedMerchantApp(
    [property: Id(0)] string AppId,
    [property: Id(1)] long Version,
    [property: Id(2)] bool Enabled,
    [property: Id(3)] MerchantAuthScheme AuthScheme,
    [property: Id(4)] string? PublicKeyPem,
    [property: Id(5)] string? SealedHmacSecret,
    [property: Id(6)] string? SealedWebhookSecret,
    [property: Id(7)] ImmutableArray<ChannelRoute> Channels)
{
    public override string ToString() => $"SealedMerchantApp {{ AppId = {AppId}, Version = {Version}, Enabled = {Enabled} }}";
}
