using PayGateway.Merchants;
using PayGateway.Security;

namespace PayGateway.Caching;

/// <summary>
/// This silo's copy of merchant apps' opened keys, so verifying, signing and routing need no call to the app's
/// grain. Invalidated by <see cref="MerchantAppGrain"/> on every change (<see cref="SiloCacheInvalidator"/>).
/// </summary>
public sealed class MerchantAppCache(IGrainFactory grains, SecretProtector protector, TimeProvider clock)
{
    /// <summary>How long a silo that missed an invalidation can still use an old version.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    /// <summary>How long a silo answers "not found" for a key without asking its grain (creating it ends this at once).</summary>
    public static readonly TimeSpan NotFoundMaxAge = TimeSpan.FromSeconds(1);

    private readonly VersionedCache<MerchantAppKeys> _cache = new(clock, MaxAge, NotFoundMaxAge);

    /// <summary>The app's keys, or null when no such app exists.</summary>
    public ValueTask<MerchantAppKeys?> GetAsync(string appId) => _cache.GetOrLoadAsync(appId, async () =>
        await grains.GetGrain<IMerchantAppGrain>(appId).GetSealedAsync() is { } app
            ? (app.Version, new MerchantAppKeys(app, protector))
            : null);

    public void Invalidate(string appId, long version) => _cache.Invalidate(appId, version);
}
