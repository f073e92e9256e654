using System.Text.RegularExpressions;

namespace PayGateway.Api.Merchants;

/// <summary>
/// <c>Authorization: PAYGW-SHA256-RSA2048 app_id="…",nonce="…",timestamp="…",signature="…"</c> (or scheme
/// <c>PAYGW-HMAC-SHA256</c>). Parsing is strict: each parameter exactly once, quoted, nothing else.
/// </summary>
public sealed partial record MerchantAuthorizationHeader(MerchantAuthScheme Scheme, string AppId, string Nonce, long Timestamp, string Signature)
{
    public const string RsaScheme = "PAYGW-SHA256-RSA2048";
    public const string HmacScheme = "PAYGW-HMAC-SHA256";

    [GeneratedRegex("""^\s*([a-z_]+)="([^"]*)"\s*$""")]
    private static partial Regex Parameter();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}$")]
    private static partial Regex NonceFormat();

    public static MerchantAuthorizationHeader? TryParse(string header)
    {
        var space = header.IndexOf(' ');
        if (space <= 0)
        {
            return null;
        }
        MerchantAuthScheme? scheme = header[..space] switch
        {
            RsaScheme => MerchantAuthScheme.Rsa,
            HmacScheme => MerchantAuthScheme.Hmac,
            _ => null,
        };
        if (scheme is null)
        {
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header[(space + 1)..].Split(','))
        {
            var match = Parameter().Match(part);
            if (!match.Success || !values.TryAdd(match.Groups[1].Value, match.Groups[2].Value))
            {
                return null;
            }
        }
        if (values.Count != 4
            || !values.TryGetValue("app_id", out var appId) || !Identifier().IsMatch(appId)
            || !values.TryGetValue("nonce", out var nonce) || !NonceFormat().IsMatch(nonce)
            || !values.TryGetValue("timestamp", out var timestampText) || timestampText.Length is 0 or > 12
            || !timestampText.All(char.IsAsciiDigit) || !long.TryParse(timestampText, out var timestamp)
            || !values.TryGetValue("signature", out var signature) || signature.Length is 0 or > 1024)
        {
            return null;
        }
        return new MerchantAuthorizationHeader(scheme.Value, appId, nonce, timestamp, signature);
    }
}
