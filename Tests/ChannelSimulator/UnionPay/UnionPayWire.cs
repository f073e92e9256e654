using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// The simulator's own implementation of the ACP 5.1.0 wire format (it does not use the gateway's): sorted
/// <c>k=v&amp;…</c> content without <c>signature</c> and empty values, SHA256withRSA over the hex SHA-256 of it.
/// </summary>
internal static class UnionPayWire
{
    public const string Currency = "CNY";
    public const string CurrencyCode = "156";

    public static string SignContent(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields
            .Where(f => f.Key != "signature" && f.Value.Length > 0)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "=" + f.Value));

    public static string Sign(string content, RSA key)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        return Convert.ToBase64String(key.SignData(Encoding.ASCII.GetBytes(hex), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public static bool Verify(string content, string signature, RSA key)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
        try
        {
            return key.VerifyData(Encoding.ASCII.GetBytes(hex), Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Decimal serial number: what a request's certId must say.</summary>
    public static string CertId(X509Certificate2 certificate) =>
        new BigInteger(certificate.GetSerialNumber(), isUnsigned: true, isBigEndian: false).ToString(CultureInfo.InvariantCulture);

    /// <summary>Decodes a form body; null when a key repeats.</summary>
    public static Dictionary<string, string>? ParseForm(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=');
            var key = WebUtility.UrlDecode(at < 0 ? pair : pair[..at]);
            if (!fields.TryAdd(key, at < 0 ? "" : WebUtility.UrlDecode(pair[(at + 1)..])))
            {
                return null;
            }
        }
        return fields;
    }

    public static string EncodeForm(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    /// <summary>A synchronous answer: raw <c>k=v&amp;…</c>, values not URL-encoded (as UnionPay sends them).</summary>
    public static string RawAnswer(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => f.Key + "=" + f.Value));

    public static string BeijingTime(DateTimeOffset instant) =>
        instant.ToOffset(TimeSpan.FromHours(8)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>
    /// UnionPay's clearing day runs from 23:00 Beijing time the evening before to 23:00: the calendar day at +09:00.
    /// </summary>
    public static readonly TimeSpan SettleDayOffset = TimeSpan.FromHours(9);

    /// <summary>The clearing day (settleDate) a moment belongs to.</summary>
    public static DateOnly SettleDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(SettleDayOffset).DateTime);

    /// <summary>The day a file-transfer settleDate (MMDD, no year) names: the one nearest to the current clearing day.</summary>
    public static DateOnly? SettleDayOf(string mmdd, DateTimeOffset now)
    {
        var today = SettleDay(now);
        DateOnly? nearest = null;
        foreach (var year in new[] { today.Year - 1, today.Year, today.Year + 1 })
        {
            if (DateOnly.TryParseExact(year.ToString("D4", CultureInfo.InvariantCulture) + mmdd, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                && (nearest is null || Math.Abs(day.DayNumber - today.DayNumber) < Math.Abs(nearest.Value.DayNumber - today.DayNumber)))
            {
                nearest = day;
            }
        }
        return nearest;
    }

    public static bool TryParseBeijingTime(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (!DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }
        instant = new DateTimeOffset(local, TimeSpan.FromHours(8));
        return true;
    }
}
