namespace PayGateway.Channels;

/// <summary>
/// A channel account as a channel adapter sees it: decrypted, in memory only, never persisted in this form.
/// </summary>
/// <param name="Channel">Channel code, e.g. <c>alipay</c>.</param>
/// <param name="AccountId">The gateway's id for this account (also the callback route segment).</param>
/// <param name="BaseUrl">The channel's API base address (the simulator's address in tests).</param>
/// <param name="Settings">Non-secret settings by name (merchant id at the channel, app id, certificate serial …).</param>
/// <param name="Secrets">Decrypted secrets by name (private keys, API keys). Never log or return these.</param>
/// <param name="NotifyUrl">The gateway's public callback address for this account.</param>
public sealed record ChannelAccount(
    string Channel,
    string AccountId,
    Uri BaseUrl,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, string> Secrets,
    Uri NotifyUrl)
{
    // Blank counts as missing: a value of spaces is an operator's slip, and the key loaders would refuse it with an
    // exception that is not a configuration error (a 500 on the admin API instead of a 400).
    public string RequiredSetting(string name) =>
        Settings.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ChannelConfigurationException($"Channel account {Channel}/{AccountId} has no setting '{name}'.");

    public string RequiredSecret(string name) =>
        Secrets.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new ChannelConfigurationException($"Channel account {Channel}/{AccountId} has no secret '{name}'.");

    // Records print their members; a secret must never reach a log through ToString().
    public override string ToString() => $"ChannelAccount {{ Channel = {Channel}, AccountId = {AccountId}, BaseUrl = {BaseUrl} }}";
}

/// <summary>An account's configuration is incomplete or malformed (an operator error, not a channel outcome).</summary>
public sealed class ChannelConfigurationException(string message) : Exception(message);
