using Microsoft.Extensions.Options;
using PayGateway.Hosting;
using PayGateway.Security;

namespace PayGateway.Channels;

/// <summary>Turns a sealed account into what an adapter needs, decrypting its secrets on this silo only.</summary>
public sealed class ChannelAccountOpener(SecretProtector protector, IOptions<GatewayOptions> options)
{
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

    /// <summary>
    /// Where a channel sends callbacks for this account. The path names this datacenter, so whichever
    /// datacenter's API host the callback reaches can forward it home without parsing it.
    /// </summary>
    public Uri CallbackUrl(string channel, string accountId) =>
        new($"{options.Value.PublicBaseUrl.TrimEnd('/')}/v1/callbacks/{options.Value.DatacenterCode}/{Uri.EscapeDataString(channel)}/{Uri.EscapeDataString(accountId)}");
}
