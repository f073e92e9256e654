using System.Globalization;

namespace PayGateway.Api.Merchants;

/// <summary>
/// <c>Authorization: PAYGW-SHA256-RSA2048 app_id="…",nonce="…",timestamp="…",signature="…"</c> (or scheme
/// <c>PAYGW-HMAC-SHA256</c>). Parsing is strict: each parameter exactly once, quoted, nothing else.
/// </summary>
/// <remarks>
/// Every merchant request passes through here, so it reads the header in place and allocates only the three strings
/// it returns (a regex per parameter cost about 6 KB per request; docs/performance.md, perf7).
/// </remarks>
public sealed record MerchantAuthorizationHeader(MerchantAuthScheme Scheme, string AppId, string Nonce, long Timestamp, string Signature)
{
    public const string RsaScheme = "PAYGW-SHA256-RSA2048";
    public const string HmacScheme = "PAYGW-HMAC-SHA256";

    public static MerchantAuthorizationHeader? TryParse(string header)
    {
        var space = header.IndexOf(' ');
        if (space <= 0)
        {
            return null;
        }
        MerchantAuthScheme? scheme = header.AsSpan(0, space) switch
        {
            RsaScheme => MerchantAuthScheme.Rsa,
            HmacScheme => MerchantAuthScheme.Hmac,
            _ => null,
        };
        if (scheme is null)
        {
            return null;
        }

        ReadOnlySpan<char> appId = default, nonce = default, timestamp = default, signature = default;
        bool hasAppId = false, hasNonce = false, hasTimestamp = false, hasSignature = false;
        var rest = header.AsSpan(space + 1);
        while (true)
        {
            var comma = rest.IndexOf(',');
            var part = comma < 0 ? rest : rest[..comma];
            if (!TryReadParameter(part, out var name, out var value))
            {
                return null;
            }
            // A repeated parameter is refused, not overwritten: which copy was signed would be ambiguous.
            ref bool seen = ref hasAppId;
            switch (name)
            {
                case "app_id": appId = value; break;
                case "nonce": seen = ref hasNonce; nonce = value; break;
                case "timestamp": seen = ref hasTimestamp; timestamp = value; break;
                case "signature": seen = ref hasSignature; signature = value; break;
                default: return null;
            }
            if (seen)
            {
                return null;
            }
            seen = true;
            if (comma < 0)
            {
                break;
            }
            rest = rest[(comma + 1)..];
        }

        if (!hasAppId || !hasNonce || !hasTimestamp || !hasSignature
            || !IsToken(appId, 1, 64)
            || !IsToken(nonce, 8, 64)
            || timestamp.Length is 0 or > 12 || timestamp.ContainsAnyExceptInRange('0', '9')
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || signature.Length is 0 or > 1024)
        {
            return null;
        }
        return new MerchantAuthorizationHeader(scheme.Value, appId.ToString(), nonce.ToString(), seconds, signature.ToString());
    }

    /// <summary><c>name="value"</c> with optional white space around it; name in <c>[a-z_]+</c>, value without quotes.</summary>
    private static bool TryReadParameter(ReadOnlySpan<char> part, out ReadOnlySpan<char> name, out ReadOnlySpan<char> value)
    {
        name = value = default;
        part = part.Trim();
        var equals = part.IndexOf('=');
        if (equals <= 0 || part.Length < equals + 3 || part[equals + 1] != '"' || part[^1] != '"')
        {
            return false;
        }
        name = part[..equals];
        value = part[(equals + 2)..^1];
        return !name.ContainsAnyExcept(NameChars) && !value.Contains('"');
    }

    private static bool IsToken(ReadOnlySpan<char> value, int min, int max) =>
        value.Length >= min && value.Length <= max && !value.ContainsAnyExcept(TokenChars);

    private static readonly System.Buffers.SearchValues<char> NameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz_");

    private static readonly System.Buffers.SearchValues<char> TokenChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
}
