using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PayGateway.Channels.UnionPay;

/// <summary>UnionPay's wire formats for money, currency and time.</summary>
public static class UnionPayFormats
{
    private const string TimeFormat = "yyyyMMddHHmmss";

    /// <summary>txnAmt has at most 12 digits.</summary>
    public const long MaxAmount = 999_999_999_999;

    /// <summary>Minor units (fen) as txnAmt: already an integer number of fen, no decimal point.</summary>
    public static string ToTxnAmt(long fen) =>
        fen is > 0 and <= MaxAmount
            ? fen.ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(fen), fen, "A UnionPay amount is 1 to 12 digits of fen.");

    /// <summary>
    /// Reads txnAmt (or settleAmt): digits only, at most 12, no sign, no decimal point, no spaces. Anything else is
    /// not an amount: the caller must not guess what the channel meant.
    /// </summary>
    public static bool TryParseTxnAmt(string? text, out long fen)
    {
        fen = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 12 || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        fen = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>currencyCode to the gateway's ISO 4217 code: only 156 (CNY) is understood.</summary>
    public static bool TryParseCurrency(string? code, [NotNullWhen(true)] out string? currency)
    {
        currency = code == UnionPayFields.CurrencyCny ? "CNY" : null;
        return currency is not null;
    }

    /// <summary>txnTime / payTimeout: <c>yyyyMMddHHmmss</c> in Beijing time.</summary>
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

    /// <summary>
    /// A Beijing time without a year, <c>MMddHHmmss</c> (a notification's or query answer's <c>traceTime</c>, a ZM
    /// record's 交易传输时间): the one of the year before, of or after <paramref name="near"/>'s that puts it nearest to
    /// <paramref name="near"/>. UnionPay writes these within days of the moment the caller knows (the transaction's
    /// txnTime, the statement's settle date), so the nearest year is the right one, also across New Year.
    /// </summary>
    public static bool TryParseYearlessBeijingTime(string? text, DateTimeOffset near, [NotNullWhen(true)] out DateTimeOffset? instant)
    {
        instant = null;
        if (text is not { Length: 10 } || !text.All(char.IsAsciiDigit))
        {
            return false;
        }

        var year = near.ToOffset(ChinaStandardTime.Offset).Year;
        foreach (var candidateYear in new[] { year, year - 1, year + 1 })
        {
            if (DateTime.TryParseExact(candidateYear.ToString("D4", CultureInfo.InvariantCulture) + text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
                && new DateTimeOffset(local, ChinaStandardTime.Offset) is var candidate
                && (instant is null || (candidate - near).Duration() < (instant.Value - near).Duration()))
            {
                instant = candidate;
            }
        }

        return instant is not null;
    }
}
