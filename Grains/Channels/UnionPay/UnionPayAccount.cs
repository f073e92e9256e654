using System.Globalization;
using System.Security.Cryptography;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// A UnionPay account's settings and secrets, read and checked. Settings: <c>mer_id</c>, <c>root_cert</c> and
/// <c>middle_cert</c> (UnionPay's CA certificates, PEM or base64 DER), optional <c>environment</c>
/// (<c>production</c>, the default, or <c>test</c>: the CN rule, see <see cref="UnionPayCnRule"/>) and optional
/// <c>pay_window_minutes</c> (see <see cref="UnionPayChannel"/>) and optional <c>file_transfer_url</c> (see
/// <see cref="FileTransferUrl"/>). Secrets: <c>sign_cert_pfx</c> (base64 of the
/// merchant's .pfx signing certificate) and <c>sign_cert_password</c>.
/// </summary>
/// <remarks>Errors name the setting or secret, never its value.</remarks>
internal static class UnionPayAccount
{
    public const string MerIdSetting = "mer_id";
    public const string RootCertSetting = "root_cert";
    public const string MiddleCertSetting = "middle_cert";
    public const string EnvironmentSetting = "environment";
    public const string PayWindowSetting = "pay_window_minutes";
    public const string FileTransferUrlSetting = "file_transfer_url";
    public const string SignCertPfxSecret = "sign_cert_pfx";
    public const string SignCertPasswordSecret = "sign_cert_password";

    public const string ProductionEnvironment = "production";
    public const string TestEnvironment = "test";

    public static readonly TimeSpan DefaultPayWindow = TimeSpan.FromHours(2);
    public static readonly TimeSpan MinPayWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxPayWindow = TimeSpan.FromDays(7);

    public static string MerId(ChannelAccount account) => account.RequiredSetting(MerIdSetting);

    public static UnionPayCnRule CnRule(ChannelAccount account) =>
        account.Settings.GetValueOrDefault(EnvironmentSetting) switch
        {
            null or "" or ProductionEnvironment => UnionPayCnRule.Production,
            TestEnvironment => UnionPayCnRule.TestEnvironment,
            _ => throw Error(account, $"'{EnvironmentSetting}' must be '{ProductionEnvironment}' or '{TestEnvironment}'."),
        };

    public static TimeSpan PayWindow(ChannelAccount account)
    {
        if (account.Settings.GetValueOrDefault(PayWindowSetting) is not { Length: > 0 } text)
        {
            return DefaultPayWindow;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            && TimeSpan.FromMinutes(minutes) is var window && window >= MinPayWindow && window <= MaxPayWindow
            ? window
            : throw Error(account, $"'{PayWindowSetting}' must be whole minutes from {MinPayWindow.TotalMinutes} to {MaxPayWindow.TotalMinutes}.");
    }

    /// <summary>
    /// Where file transfer (txnType 76) is posted: UnionPay serves it from its own host, not the gateway's. The
    /// <c>file_transfer_url</c> setting when given; otherwise derived from the production or test gateway root.
    /// </summary>
    public static Uri FileTransferUrl(ChannelAccount account)
    {
        if (account.Settings.GetValueOrDefault(FileTransferUrlSetting) is { Length: > 0 } text)
        {
            return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
                ? url
                : throw Error(account, $"'{FileTransferUrlSetting}' must be an absolute http(s) URL.");
        }

        return account.BaseUrl.Host switch
        {
            "gateway.95516.com" => new Uri("https://filedownload.95516.com/"),
            "gateway.test.95516.com" => new Uri("https://filedownload.test.95516.com/"),
            _ => throw Error(account, $"'{FileTransferUrlSetting}' is needed: the base URL is not UnionPay's production or test gateway."),
        };
    }

    public static UnionPayTrust Trust(ChannelAccount account)
    {
        var rule = CnRule(account);
        var root = account.RequiredSetting(RootCertSetting);
        var middle = account.RequiredSetting(MiddleCertSetting);
        try
        {
            return UnionPayTrust.FromText(root, middle, rule);
        }
        catch (CryptographicException ex)
        {
            throw Error(account, $"'{RootCertSetting}' / '{MiddleCertSetting}': {ex.Message}");
        }
    }

    public static UnionPaySigningKey SigningKey(ChannelAccount account)
    {
        var pfx = account.RequiredSecret(SignCertPfxSecret);
        var password = account.RequiredSecret(SignCertPasswordSecret);
        try
        {
            return UnionPaySigningKey.FromBase64Pkcs12(pfx, password);
        }
        catch (CryptographicException)
        {
            // The loader's message never quotes the input, but a fixed text keeps that true whatever the platform says.
            throw Error(account, $"'{SignCertPfxSecret}' is not a base64 PKCS#12 file with an RSA key that opens with '{SignCertPasswordSecret}'.");
        }
    }

    private static ChannelConfigurationException Error(ChannelAccount account, string problem) =>
        new($"Channel account {account.Channel}/{account.AccountId}: {problem}");
}
