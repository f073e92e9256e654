using Microsoft.Extensions.Options;
using PayGateway.Caching;
using PayGateway.Hosting;
using PayGateway.Security;

namespace PayGateway.Channels;

/// <summary>A channel account as this silo holds it: as stored (sealed), and opened for the adapter on first use.</summary>
public sealed class CachedChannelAccount(SealedChannelAccount sealedAccount, Func<SealedChannelAccount, ChannelAccount> open)
{
    private readonly Lazy<ChannelAccount> _opened = new(() => open(sealedAccount), LazyThreadSafetyMode.ExecutionAndPublication);

    public SealedChannelAccount Sealed => sealedAccount;

    /// <summary>The decrypted account; throws what opening threw (every time, for this version).</summary>
    public ChannelAccount Opened => _opened.Value;

    public override string ToString() => sealedAccount.ToString();
}

/// <summary>
/// Turns a sealed account into what an adapter needs, decrypting its secrets on this silo only, and keeps the
/// result per account version so channel calls and callbacks neither ask the account's grain nor decrypt again
/// while it is current. <see cref="ChannelAccountGrain"/> invalidates every silo's copy when the account changes.
/// </summary>
public sealed class ChannelAccountOpener(SecretProtector protector, IOptions<GatewayOptions> options, IGrainFactory grains, TimeProvider clock)
{
    /// <summary>How long a silo that missed an invalidation can still use an old version.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    /// <summary>How long a silo answers "not found" for a key without asking its grain (creating it ends this at once).</summary>
    public static readonly TimeSpan NotFoundMaxAge = TimeSpan.FromSeconds(1);

    private readonly VersionedCache<CachedChannelAccount> _cache = new(clock, MaxAge, NotFoundMaxAge);

    public static string SecretPurpose(string channel, string accountId, string name) => $"channel:{channel}:{accountId}:{name}";

    public ChannelAccount Open(SealedChannelAccount sealedAccount)
    {
        var secrets = sealedAccount.SealedSecrets.ToDictionary(
            kv => kv.Key,
            kv => protector.Open(kv.Value, SecretPurpose(sealedAccount.Channel, sealedAccount.AccountId, kv.Key)),
            StringComparer.Ordinal);
        return new ChannelAccount(
            sealedAccount.Channel,
            sealedAccount.AccountId,
            new Uri(sealedAccount.BaseUrl),
            sealedAccount.Settings,
            secrets,
            CallbackUrl(sealedAccount.Channel, sealedAccount.AccountId));
    }

    /// <summary>The account as this silo holds it, or null when it does not exist.</summary>
    public ValueTask<CachedChannelAccount?> GetAsync(string channel, string accountId)
    {
        var key = ChannelAccountKey.For(channel, accountId);
        return _cache.GetOrLoadAsync(key, async () =>
            await grains.GetGrain<IChannelAccountGrain>(key).GetSealedAsync() is { } sealedAccount
                ? (sealedAccount.Version, new CachedChannelAccount(sealedAccount, Open))
                : null);
    }

    /// <summary>The opened account for a channel call.</summary>
    /// <exception cref="ChannelConfigurationException">It no longer exists, or cannot be opened.</exception>
    public async Task<ChannelAccount> OpenAsync(string channel, string accountId) =>
        (await GetAsync(channel, accountId) ?? throw new ChannelConfigurationException($"Channel account {channel}/{accountId} no longer exists.")).Opened;

    public void Invalidate(string key, long version) => _cache.Invalidate(key, version);

    /// <summary>
    /// Where a channel sends callbacks for this account. The path names this datacenter, so whichever
    /// datacenter's API host the callback reaches can forward it home without parsing it.
    /// </summary>
    public Uri CallbackUrl(string channel, string accountId) =>
        new($"{options.Value.PublicBaseUrl.TrimEnd('/')}/v1/callbacks/{options.Value.DatacenterCode}/{Uri.EscapeDataString(channel)}/{Uri.EscapeDataString(accountId)}");
}
