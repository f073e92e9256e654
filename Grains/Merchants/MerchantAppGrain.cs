using System.Security.Cryptography;
using PayGateway.Caching;
using PayGateway.Channels;
using PayGateway.Security;
using PayGateway.Storage;

namespace PayGateway.Merchants;

/// <inheritdoc cref="IMerchantAppGrain"/>
public sealed class MerchantAppGrain(
    [PersistentState("merchant_app")] IPersistentState<MerchantAppState> state,
    ChannelRouter router,
    SecretProtector protector,
    SiloCacheInvalidator caches,
    TimeProvider clock) : Grain, IMerchantAppGrain
{
    private const int MinimumRsaBits = 2048;
    private const int MinimumSecretLength = 32;

    // Opened key material, rebuilt when the configuration changes; never written anywhere.
    private MerchantAppKeys? _keys;

    private readonly NotFoundLetGo _letGo = new();

    private string AppId => this.GetPrimaryKeyString();

    public async Task<MerchantAppResult> ConfigureAsync(MerchantAppConfig config)
    {
        if (await ValidateAsync(config) is { } error)
        {
            return new MerchantAppResult(null, error);
        }
        var current = state.State;
        var next = current with
        {
            Exists = true,
            Name = config.Name,
            AuthScheme = config.AuthScheme,
            PublicKeyPem = config.AuthScheme == MerchantAuthScheme.Rsa ? config.PublicKeyPem ?? current.PublicKeyPem : null,
            SealedHmacSecret = config.AuthScheme == MerchantAuthScheme.Hmac
                ? config.HmacSecret is { } secret ? protector.Seal(secret, Purpose("hmac")) : current.SealedHmacSecret
                : null,
            SealedWebhookSecret = config.WebhookSecret is { } webhook ? protector.Seal(webhook, Purpose("webhook")) : current.SealedWebhookSecret,
            Channels = [.. config.Channels.Select(r => new StoredRoute(r.Channel, r.AccountId))],
            Enabled = config.Enabled,
            UpdatedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Version = current.Version + 1,
        };
        await state.WriteOrRevertAsync(next, this);
        _keys = null;
        // Every silo's cached copy of the old keys stops being used now (or, if a silo misses this, by age).
        await caches.BroadcastAsync(SiloCacheKind.MerchantApp, AppId, next.Version);
        return new MerchantAppResult(ToView(), null);
    }

    public Task<MerchantAppView?> GetAsync() => Task.FromResult(Exists() ? ToView() : null);

    public Task<SealedMerchantApp?> GetSealedAsync() => Task.FromResult(Exists() ? Sealed() : null);

    public Task<SignatureCheck> VerifyRequestAsync(MerchantAuthScheme scheme, byte[] message, string signature) =>
        Task.FromResult(Exists() ? Keys().Verify(scheme, message, signature) : SignatureCheck.UnknownApp);

    public Task<string?> SignResponseAsync(byte[] message) => Task.FromResult(Exists() ? Keys().SignResponse(message) : null);

    public Task<string?> SignWebhookAsync(byte[] body, long timestamp) => Task.FromResult(Exists() ? Keys().SignWebhook(body, timestamp) : null);

    public async Task<RouteResult> ResolveRouteAsync(string? channel, PayMethod method) =>
        await router.ResolveAsync([.. (Exists() ? state.State.Channels : []).Select(r => new ChannelRoute(r.Channel, r.AccountId))], channel, method);

    /// <summary>
    /// Whether the app is configured. When it is not, this activation goes soon (<see cref="NotFoundLetGo"/>): any
    /// unauthenticated request names an app_id, and activations for made-up ones would otherwise fill the silo's
    /// memory until idle collection (15 minutes).
    /// </summary>
    private bool Exists() => _letGo.Exists(this, () => state.State.Exists);

    private async Task<GatewayError?> ValidateAsync(MerchantAppConfig config)
    {
        static GatewayError Invalid(string message) => new(ErrorCodes.ValidationFailed, message);
        if (string.IsNullOrWhiteSpace(config.Name) || config.Name.Length > 128)
        {
            return Invalid("name is required (at most 128 characters).");
        }
        switch (config.AuthScheme)
        {
            case MerchantAuthScheme.Rsa when config.PublicKeyPem is null && state.State.PublicKeyPem is null:
                return Invalid("public_key_pem is required for the RSA scheme.");
            case MerchantAuthScheme.Rsa when config.PublicKeyPem is { } pem && !IsAcceptableRsaPublicKey(pem):
                return Invalid($"public_key_pem must be a PEM RSA public key of at least {MinimumRsaBits} bits.");
            case MerchantAuthScheme.Hmac when config.HmacSecret is null && state.State.SealedHmacSecret is null:
                return Invalid("hmac_secret is required for the HMAC scheme.");
            case MerchantAuthScheme.Hmac when config.HmacSecret is { Length: < MinimumSecretLength }:
                return Invalid($"hmac_secret must be at least {MinimumSecretLength} characters.");
        }
        if (config.WebhookSecret is null && state.State.SealedWebhookSecret is null)
        {
            return Invalid("webhook_secret is required.");
        }
        if (config.WebhookSecret is { Length: < MinimumSecretLength })
        {
            return Invalid($"webhook_secret must be at least {MinimumSecretLength} characters.");
        }
        foreach (var route in config.Channels)
        {
            if (await GrainFactory.GetGrain<IChannelAccountGrain>(ChannelAccountKey.For(route.Channel, route.AccountId)).GetAsync() is null)
            {
                return new GatewayError(ErrorCodes.ChannelAccountNotFound, $"Channel account {route.Channel}/{route.AccountId} does not exist.");
            }
        }
        return null;
    }

    private static bool IsAcceptableRsaPublicKey(string pem)
    {
        // ImportFromPem also takes a private key. A merchant's private key pasted here by mistake must be refused, not
        // kept: this field is stored unsealed and shown back to operators.
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not ("PUBLIC KEY" or "RSA PUBLIC KEY")
            || pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa.KeySize >= MinimumRsaBits;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    private MerchantAppKeys Keys() => _keys ??= new MerchantAppKeys(Sealed(), protector);

    private SealedMerchantApp Sealed() => new(
        AppId,
        state.State.Version,
        state.State.Enabled,
        state.State.AuthScheme,
        state.State.PublicKeyPem,
        state.State.SealedHmacSecret,
        state.State.SealedWebhookSecret,
        [.. state.State.Channels.Select(r => new ChannelRoute(r.Channel, r.AccountId))]);

    private string Purpose(string name) => MerchantAppKeys.Purpose(AppId, name);

    private MerchantAppView ToView() => new(
        AppId,
        state.State.Name,
        state.State.AuthScheme,
        state.State.PublicKeyPem,
        state.State.SealedHmacSecret is not null,
        state.State.SealedWebhookSecret is not null,
        [.. state.State.Channels.Select(r => new ChannelRoute(r.Channel, r.AccountId))],
        state.State.Enabled,
        DateTimeOffset.FromUnixTimeMilliseconds(state.State.UpdatedAtMs));
}
