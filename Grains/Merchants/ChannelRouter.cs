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

    /// <summary>
    /// Picks the app's enabled account on <paramref name="channel"/> for a transfer to a payee of that type in that
    /// currency, or says why there is none.
    /// </summary>
    public async Task<RouteResult> ResolveTransferAsync(string appId, string channel, string payeeType, string currency)
    {
        var app = await apps.GetAsync(appId);
        var candidates = (app?.App.Channels ?? []).Where(r => r.Channel == channel).ToList();
        if (candidates.Count == 0)
        {
            return new RouteResult(null, new GatewayError(ErrorCodes.ChannelNotAllowed, $"The app may not use channel '{channel}'."));
        }
        if (channels.Find(channel) is not ITransferChannel transfers)
        {
            return new RouteResult(null, new GatewayError(ErrorCodes.TransferNotSupported, $"The {channel} channel cannot make transfers."));
        }
        if (!transfers.PayeeTypes.Contains(payeeType) || !transfers.TransferCurrencies.Contains(currency))
        {
            return new RouteResult(null, new GatewayError(ErrorCodes.PayeeTypeNotSupported,
                $"The {channel} channel pays out to {string.Join(", ", transfers.PayeeTypes)} in {string.Join(", ", transfers.TransferCurrencies)}."));
        }
        foreach (var route in candidates)
        {
            if ((await accounts.GetAsync(route.Channel, route.AccountId))?.Sealed is { Enabled: true })
            {
                return new RouteResult(route, null);
            }
        }
        return new RouteResult(null, new GatewayError(ErrorCodes.ChannelAccountNotFound, $"The app has no enabled account on channel '{channel}'."));
    }

    /// <summary>
    /// Picks the app's enabled account for signing a recurring-payment contract with this sign method and currency
    /// (on <paramref name="channel"/> when given), or says why there is none.
    /// </summary>
    public async Task<RouteResult> ResolveContractAsync(string appId, string? channel, PayMethod method, string currency)
    {
        var app = await apps.GetAsync(appId);
        var candidates = (app?.App.Channels ?? []).Where(r => channel is null || r.Channel == channel).ToList();
        if (candidates.Count == 0)
        {
            return new RouteResult(null, new GatewayError(ErrorCodes.ChannelNotAllowed,
                channel is null ? "The app has no payment channel configured." : $"The app may not use channel '{channel}'."));
        }
        foreach (var route in candidates)
        {
            if (channels.Find(route.Channel) is IContractChannel contracts && contracts.SignMethods.Contains(method)
                && contracts.ContractCurrencies.Contains(currency)
                && (await accounts.GetAsync(route.Channel, route.AccountId))?.Sealed is { Enabled: true })
            {
                return new RouteResult(route, null);
            }
        }
        return new RouteResult(null, new GatewayError(ErrorCodes.ContractsNotSupported,
            $"No enabled channel account of this app signs contracts by {method} in {currency}{(channel is null ? "" : $" on channel '{channel}'")}."));
    }
}
