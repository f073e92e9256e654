using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PayGateway.Hosting;

namespace PayGateway.Channels;

/// <summary>
/// How grains call a channel: open the account (secrets decrypted on the silo, never logged), call the adapter with
/// the gateway's timeout, and turn anything that still escapes into the adapter's "unknown" value. For money
/// purposes an exception is an unknown outcome: supervision keeps asking until the channel can answer.
/// </summary>
public sealed class ChannelCaller(ChannelRegistry channels, ChannelAccountOpener accounts, IOptions<GatewayOptions> options, ILogger<ChannelCaller> logger)
{
    /// <summary>The adapter and the opened account; throws <see cref="ChannelConfigurationException"/> when unusable.</summary>
    /// <remarks>
    /// The account comes from this silo's opened copy, current with the account's version (see
    /// <see cref="ChannelAccountOpener"/>): no grain call and no decryption while the account is unchanged.
    /// </remarks>
    public async Task<(IPaymentChannel Adapter, ChannelAccount Account)> OpenAsync(string channel, string accountId) =>
        (channels.Get(channel), await accounts.OpenAsync(channel, accountId));

    /// <summary>Opens the account and calls the channel; an account that cannot be opened is an unknown outcome too.</summary>
    public async Task<T> CallAsync<T>(string channel, string accountId, string subject,
        Func<IPaymentChannel, ChannelAccount, CancellationToken, Task<T>> call, Func<string, T> unknown)
    {
        IPaymentChannel adapter;
        ChannelAccount account;
        try
        {
            (adapter, account) = await OpenAsync(channel, accountId);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "{Subject} cannot reach its channel", subject);
            return unknown(ex.GetType().Name);
        }
        return await CallOpenAsync(subject, ct => call(adapter, account, ct), unknown);
    }

    /// <summary>
    /// Calls an already opened channel with the gateway's timeout, or <paramref name="timeout"/> for calls made of
    /// several requests (a statement: link, then file); each request still has the channel timeout.
    /// </summary>
    public async Task<T> CallOpenAsync<T>(string subject, Func<CancellationToken, Task<T>> call, Func<string, T> unknown, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? options.Value.ChannelTimeout);
        try
        {
            return await call(deadline.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Channel call for {Subject} ended without an answer", subject);
            return unknown(ex.GetType().Name);
        }
    }
}
