using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// Alipay's wire conventions as the simulator implements them, independently of the gateway's adapter (so the two
/// check each other): yuan amounts, Beijing times, form decoding and the parameter-set signature.
/// </summary>
internal static class AlipayWire
{
    public const string SignParameter = "sign";
    public const string SignTypeParameter = "sign_type";
    public const string SignType = "RSA2";

    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    /// <summary>Fen to yuan with two decimals: 1234 → <c>12.34</c>.</summary>
    public static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A yuan amount as Alipay accepts it (digits, at most two decimals) to fen.</summary>
    public static bool TryParseYuan(string? text, out long fen)
    {
        fen = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 16 || !text.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return false;
        }
        var dot = text.IndexOf('.');
        if (dot == 0 || (dot > 0 && (text.Length - dot - 1 is < 1 or > 2 || text.IndexOf('.', dot + 1) >= 0)))
        {
            return false;
        }
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
        {
            return false;
        }
        fen = (long)(yuan * 100m);
        return true;
    }

    public static string BeijingTime(DateTimeOffset instant) =>
        instant.ToOffset(BeijingOffset).ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseBeijingTime(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (!DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }
        instant = new DateTimeOffset(local, BeijingOffset);
        return true;
    }

    /// <summary>The Beijing calendar date of <paramref name="instant"/>: the day Alipay's schedules count in.</summary>
    public static DateOnly BeijingDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(BeijingOffset).DateTime);

    /// <summary>The end of the Beijing day <paramref name="instant"/> falls in (timeout_express <c>1c</c>).</summary>
    public static DateTimeOffset EndOfBeijingDay(DateTimeOffset instant)
    {
        var local = instant.ToOffset(BeijingOffset);
        return new DateTimeOffset(local.Date.AddDays(1), BeijingOffset);
    }

    /// <summary>
    /// Adds the pairs of an <c>application/x-www-form-urlencoded</c> string (a body or a query without its <c>?</c>)
    /// to <paramref name="fields"/>, decoding <c>+</c> as a space. False when a key repeats: which copy was signed
    /// would be a guess.
    /// </summary>
    public static bool TryAddForm(string encoded, Dictionary<string, string> fields)
    {
        foreach (var pair in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=');
            var name = WebUtility.UrlDecode(separator < 0 ? pair : pair[..separator]);
            var value = separator < 0 ? "" : WebUtility.UrlDecode(pair[(separator + 1)..]);
            if (string.IsNullOrEmpty(name) || !fields.TryAdd(name, value))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary><c>k=v&amp;…</c>, percent-encoded (UTF-8), in the given order.</summary>
    public static string EncodeForm(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    /// <summary>
    /// The signed text: non-empty parameters except <c>sign</c> (and <c>sign_type</c> unless
    /// <paramref name="includeSignType"/>), ordinal-sorted by name, joined as raw <c>k=v&amp;…</c>.
    /// Requests are signed with sign_type; notifies and sync returns without.
    /// </summary>
    public static string SignContent(IEnumerable<KeyValuePair<string, string>> fields, bool includeSignType) =>
        string.Join('&', fields
            .Where(f => f.Key != SignParameter && (includeSignType || f.Key != SignTypeParameter) && !string.IsNullOrEmpty(f.Value))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "=" + f.Value));

    /// <summary>SHA256withRSA (PKCS#1 v1.5) over the UTF-8 text, base64.</summary>
    public static string Sign(RSA privateKey, string content) =>
        Convert.ToBase64String(privateKey.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(RSA publicKey, string content, string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }
        try
        {
            return publicKey.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>An RSA public key: PEM, or bare base64 SPKI (what Alipay's console shows) or PKCS#1.</summary>
    public static bool TryLoadPublicKey(string? text, [NotNullWhen(true)] out RSA? key) =>
        TryLoad(text, out key, static (rsa, der) =>
        {
            try
            {
                rsa.ImportSubjectPublicKeyInfo(der, out var read);
                return read == der.Length;
            }
            catch (CryptographicException)
            {
                rsa.ImportRSAPublicKey(der, out var read);
                return read == der.Length;
            }
        });

    /// <summary>An RSA private key: PEM, or bare base64 PKCS#8 or PKCS#1.</summary>
    public static bool TryLoadPrivateKey(string? text, [NotNullWhen(true)] out RSA? key) =>
        TryLoad(text, out key, static (rsa, der) =>
        {
            try
            {
                rsa.ImportPkcs8PrivateKey(der, out var read);
                return read == der.Length;
            }
            catch (CryptographicException)
            {
                rsa.ImportRSAPrivateKey(der, out var read);
                return read == der.Length;
            }
        });

    private static bool TryLoad(string? text, [NotNullWhen(true)] out RSA? key, Func<RSA, byte[], bool> importDer)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var rsa = RSA.Create();
        try
        {
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                rsa.ImportFromPem(text);
            }
            else if (!importDer(rsa, Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c))))))
            {
                rsa.Dispose();
                return false;
            }
            key = rsa;
            return true;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            return false;
        }
    }
}
