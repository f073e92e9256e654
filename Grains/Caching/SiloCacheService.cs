using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;
using Orleans.Services;
using PayGateway.Channels;

namespace PayGateway.Caching;

/// <summary>Which per-silo cache an invalidation is for.</summary>
public enum SiloCacheKind
{
    MerchantApp = 0,
    ChannelAccount = 1,
}

/// <summary>One per silo: receives "this configuration changed" from whichever silo wrote the change.</summary>
public interface ISiloCacheService : IGrainService
{
    /// <summary>Entries of <paramref name="key"/> older than <paramref name="version"/> must not be used again.</summary>
    Task InvalidateAsync(SiloCacheKind kind, string key, long version);
}

/// <inheritdoc cref="ISiloCacheService"/>
public sealed class SiloCacheService(
    GrainId grainId,
    Silo silo,
    ILoggerFactory loggerFactory,
    MerchantAppCache apps,
    ChannelAccountOpener accounts) : GrainService(grainId, silo, loggerFactory), ISiloCacheService
{
    public Task InvalidateAsync(SiloCacheKind kind, string key, long version)
    {
        switch (kind)
        {
            case SiloCacheKind.MerchantApp:
                apps.Invalidate(key, version);
                break;
            case SiloCacheKind.ChannelAccount:
                accounts.Invalidate(key, version);
                break;
        }
        return Task.CompletedTask;
    }
}

/// <summary>Tells every active silo's <see cref="ISiloCacheService"/> that a configuration changed.</summary>
public sealed class SiloCacheInvalidator(IServiceProvider services, IClusterMembershipService membership, ILogger<SiloCacheInvalidator> logger)
    : GrainServiceClient<ISiloCacheService>(services)
{
    /// <summary>
    /// Best effort to every silo that is active now. A silo that misses the message (it is unreachable, or joins
    /// a moment later with an empty cache anyway) stops using the old entry when the entry's age runs out.
    /// </summary>
    public async Task BroadcastAsync(SiloCacheKind kind, string key, long version)
    {
        var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                await GetGrainService(silo).InvalidateAsync(kind, key, version);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Silo {Silo} did not take the invalidation of {Kind} {Key} v{Version}; its entry expires by age", silo, kind, key, version);
            }
        }));
    }
}
