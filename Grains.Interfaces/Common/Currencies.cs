using System.Collections.Frozen;
using System.Globalization;

namespace PayGateway;

/// <summary>
/// ISO 4217 active currency codes and their minor-unit exponents. Amounts everywhere are integer minor units;
/// channels that speak decimal strings (e.g. "0.01") convert here, exactly, with no floating point.
/// </summary>
public static class Currencies
{
    private const string ZeroDecimal = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    private const string ThreeDecimal = "BHD IQD JOD KWD LYD OMR TND";
    private const string FourDecimal = "CLF UYW";
    private const string TwoDecimal =
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE " +
        "CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL " +
        "HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR " +
        "MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK " +
        "SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD " +
        "XCG YER ZAR ZMW ZWG";

    private static readonly FrozenDictionary<string, int> Exponents =
        new[] { (ZeroDecimal, 0), (TwoDecimal, 2), (ThreeDecimal, 3), (FourDecimal, 4) }
            .SelectMany(g => g.Item1.Split(' ').Select(code => (code, g.Item2)))
            .ToFrozenDictionary(x => x.code, x => x.Item2, StringComparer.Ordinal);

    private static readonly decimal[] Pow10 = [1m, 10m, 100m, 1000m, 10000m];

    /// <summary>Every known code, for channels that accept any ISO 4217 currency.</summary>
    public static IReadOnlyCollection<string> Codes => Exponents.Keys;

    public static bool IsKnown(string? code) => code is not null && Exponents.ContainsKey(code);

    public static int ExponentOf(string code) =>
        Exponents.TryGetValue(code, out var exponent) ? exponent : throw new ArgumentException($"Unknown currency '{code}'.", nameof(code));

    /// <summary>Minor units → decimal string, e.g. (1, "CNY") → "0.01", (100, "JPY") → "100".</summary>
    public static string ToDecimalString(long minorUnits, string code)
    {
        var exponent = ExponentOf(code);
        return exponent == 0
            ? minorUnits.ToString(CultureInfo.InvariantCulture)
            : decimal.Divide(minorUnits, Pow10[exponent]).ToString("F" + exponent, CultureInfo.InvariantCulture);
    }

    /// <summary>Decimal string → minor units; false if it has more decimals than the currency allows or is not a number.</summary>
    public static bool TryParseDecimalString(string text, string code, out long minorUnits)
    {
        minorUnits = 0;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }
        var scaled = value * Pow10[ExponentOf(code)];
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue)
        {
            return false;
        }
        minorUnits = (long)scaled;
        return true;
    }
}
