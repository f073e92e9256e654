using PayGateway.Caching;
using PayGateway.Channels;

namespace PayGateway.Merchants;

/// <summary>
/// Picks the channel account that serves an app's payment method, from this silo's cached copies of the app and
/// its accounts (no grain call while they are current).
/// </summary>
public sealed class ChannelRouter(MerchantAppCache apps, ChannelAccountOpener accounts, ChannelRegistry channels)
{
    public async Task<RouteResult> ResolveAsync(string appId, string? channel, PayMethod method)
    {
        var app = await apps.GetAsync(appId);
        return await ResolveAsync(app?.App.Channels ?? [], channel, method);
    }

    public async Task<RouteResult> ResolveAsync(IReadOnlyList<ChannelRoute> routes, string? channel, PayMethod method)
    {
        var candidates = routes.Where(r => channel is null || r.Channel == channel).ToList();
        if (candidates.Count == 0)
        {
            return new RouteResult(null, new GatewayError(ErrorCodes.ChannelNotAllowed,
                channel is null ? "The app has no payment channel configured." : $"The app may not use channel '{channel}'."));
        }
        foreach (var route in candidates)
        {
            var account = await accounts.GetAsync(route.Channel, route.AccountId);
            if (account?.Sealed is { Enabled: true } sealedAccount && sealedAccount.EnabledMethods.Contains(method)
                && channels.Find(route.Channel)?.SupportedMethods.Contains(method) == true)
            {
                return new RouteResult(route, null);
            }
        }
        return new RouteResult(null, new GatewayError(ErrorCodes.MethodNotAvailable,
            $"No enabled channel account of this app offers method {method}{(channel is null ? "" : $" on channel '{channel}'")}."));
    }
}
