using System.Globalization;
using System.Numerics;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Canonical form of a certificate serial or public-key id as used in <c>Wechatpay-Serial</c> and <c>serial_no</c>.
/// </summary>
/// <remarks>
/// WeChat sends certificate serials as uppercase hex without DER sign padding, while
/// <see cref="System.Security.Cryptography.X509Certificates.X509Certificate2.SerialNumber"/> keeps a leading
/// <c>00</c> when the top bit is set (<c>00D7CE59D1F522D701</c> for <c>D7CE59D1F522D701</c>). Comparing the hex as a
/// number makes both spellings equal. Ids that are not hex (the newer <c>PUB_KEY_ID_…</c> public-key mode) are
/// compared as exact strings.
/// </remarks>
public static class WeChatPaySerial
{
    /// <summary>Returns the key under which <paramref name="serial"/> is stored and looked up.</summary>
    public static string Normalize(string serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        var trimmed = serial.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("A serial must not be empty.", nameof(serial));
        }

        if (!IsHex(trimmed))
        {
            return trimmed;
        }

        // The leading "0" keeps BigInteger from reading a high first nibble as a negative number.
        var value = BigInteger.Parse("0" + trimmed, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (value.IsZero)
        {
            return "0";
        }

        return value.ToString("X", CultureInfo.InvariantCulture).TrimStart('0');
    }

    /// <summary>True when both strings name the same certificate or key.</summary>
    public static bool AreEqual(string? left, string? right)
    {
        if (string.IsNullOrWhiteSpace(left) || string.IsNullOrWhiteSpace(right))
        {
            return false;
        }

        return string.Equals(Normalize(left), Normalize(right), StringComparison.Ordinal);
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
