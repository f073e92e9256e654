using System.Globalization;

namespace PayGateway;

/// <summary>
/// Gateway order ids: 24 characters of [0-9A-Z], <c>yyyyMMddHHmmssfff</c> (UTC) + datacenter (2) + node (2,
/// base 36) + sequence (3, base 36). Sorting the strings sorts by creation time; the datacenter code sits at a
/// fixed position so any API host can tell an order's home without a lookup.
/// </summary>
public static class OrderId
{
    public const int Length = 24;
    public const int MaxSequence = 36 * 36 * 36; // 46,656 ids per node per millisecond
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static string Format(long unixMs, string datacenter, int nodeCode, int sequence)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        return string.Create(Length, (time, datacenter, nodeCode, sequence), static (span, s) =>
        {
            s.time.AsSpan().CopyTo(span);
            s.datacenter.AsSpan().CopyTo(span[17..]);
            span[19] = Digits[s.nodeCode / 36];
            span[20] = Digits[s.nodeCode % 36];
            span[21] = Digits[s.sequence / (36 * 36)];
            span[22] = Digits[s.sequence / 36 % 36];
            span[23] = Digits[s.sequence % 36];
        });
    }

    /// <summary>True for a well-formed id. Anything else cannot name an order, so lookups can refuse it early.</summary>
    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != Length)
        {
            return false;
        }
        for (var i = 0; i < Length; i++)
        {
            var c = id[i];
            var ok = i < 17 ? char.IsAsciiDigit(c) : char.IsAsciiDigit(c) || c is >= 'A' and <= 'Z';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The home datacenter of a well-formed id.</summary>
    public static string DatacenterOf(string id) => id.Substring(17, 2);
}
