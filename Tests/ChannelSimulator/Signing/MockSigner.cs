using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PayGateway.ChannelSimulator.Signing;

/// <summary>
/// The mock protocol's HMAC-SHA256 signatures (see docs/channels/mock.md). The key is the UTF-8 bytes of the
/// merchant's <c>hmac_key</c> string; signatures are lowercase hex.
/// </summary>
public static class MockSigner
{
    public const string MerchantHeader = "Mock-Merchant-Id";
    public const string TimestampHeader = "Mock-Timestamp";
    public const string SignatureHeader = "Mock-Signature";

    /// <summary>Largest accepted difference between a message's timestamp and the receiver's clock.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(300);

    /// <summary>Signature of a request: timestamp \n METHOD \n path_and_query \n body.</summary>
    public static string SignRequest(string key, string timestamp, string method, string pathAndQuery, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(Hmac(key, $"{timestamp}\n{method.ToUpperInvariant()}\n{pathAndQuery}\n", body));

    /// <summary>Signature of a response or callback: timestamp \n body.</summary>
    public static string SignBody(string key, string timestamp, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(Hmac(key, timestamp + "\n", body));

    public static bool VerifyRequest(string key, string timestamp, string method, string pathAndQuery, ReadOnlySpan<byte> body, string? signature) =>
        Matches(Hmac(key, $"{timestamp}\n{method.ToUpperInvariant()}\n{pathAndQuery}\n", body), signature);

    public static bool VerifyBody(string key, string timestamp, ReadOnlySpan<byte> body, string? signature) =>
        Matches(Hmac(key, timestamp + "\n", body), signature);

    /// <summary>True when the header is a unix-seconds timestamp within <see cref="MaxClockSkew"/> of <paramref name="now"/>.</summary>
    public static bool IsFresh(string? timestamp, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }
        return Math.Abs(now.ToUnixTimeSeconds() - seconds) <= (long)MaxClockSkew.TotalSeconds;
    }

    public static string Timestamp(DateTimeOffset now) => now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static byte[] Hmac(string key, string prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key));
        hmac.AppendData(Encoding.UTF8.GetBytes(prefix));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool Matches(byte[] expected, string? signature)
    {
        if (signature is null || signature.Length != expected.Length * 2)
        {
            return false;
        }
        Span<byte> given = stackalloc byte[expected.Length];
        if (Convert.FromHexString(signature, given, out _, out var written) != OperationStatus.Done || written != expected.Length)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
