using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PayGateway.Channels.Alipay;

/// <summary>Alipay's wire formats for money and time.</summary>
public static class AlipayFormats
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    // Alipay amounts are yuan strings; the conversion is the gateway's one exact decimal conversion (Currencies).
    private const string Cny = "CNY";

    // Alipay timestamps are Beijing time without an offset; China has no daylight saving, so a fixed offset is exact.

    /// <summary>Minor units (fen) to Alipay's yuan string with two decimals: 1 → <c>0.01</c>.</summary>
    public static string ToYuan(long fen) =>
        fen >= 0
            ? Currencies.ToDecimalString(fen, Cny)
            : throw new ArgumentOutOfRangeException(nameof(fen), fen, "Amounts are never negative.");

    /// <summary>Alipay's yuan string to minor units; fails for anything that is not a whole number of fen.</summary>
    public static bool TryParseYuan(string? yuan, out long fen)
    {
        fen = 0;
        return yuan is not null && Currencies.TryParseDecimalString(yuan, Cny, out fen);
    }

    public static string ToBeijingTime(DateTimeOffset instant) =>
        instant.ToOffset(ChinaStandardTime.Offset).ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseBeijingTime(string? text, [NotNullWhen(true)] out DateTimeOffset? instant)
    {
        instant = null;
        if (!DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        instant = new DateTimeOffset(local, ChinaStandardTime.Offset);
        return true;
    }
}
