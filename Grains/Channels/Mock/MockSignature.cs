using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Channels.Mock;

/// <summary>
/// HMAC-SHA256 signatures of the mock protocol (docs/channels/mock.md). Key: UTF-8 bytes of the account's
/// <c>hmac_key</c> secret. Signatures: lowercase hex.
/// </summary>
internal static class MockSignature
{
    public const string MerchantHeader = "Mock-Merchant-Id";
    public const string TimestampHeader = "Mock-Timestamp";
    public const string SignatureHeader = "Mock-Signature";

    /// <summary>Messages whose timestamp is further than this from our clock are refused.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(300);

    /// <summary>Request: timestamp \n METHOD \n path_and_query \n body.</summary>
    public static string SignRequest(string key, string timestamp, string method, string pathAndQuery, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(Hmac(key, $"{timestamp}\n{method}\n{pathAndQuery}\n", body));

    /// <summary>Response or callback: timestamp \n body, checked in constant time.</summary>
    public static bool VerifyBody(string key, string? timestamp, ReadOnlySpan<byte> body, string? signature)
    {
        if (timestamp is null || signature is null)
        {
            return false;
        }
        var expected = Hmac(key, timestamp + "\n", body);
        if (signature.Length != expected.Length * 2)
        {
            return false;
        }
        Span<byte> given = stackalloc byte[expected.Length];
        return Convert.FromHexString(signature, given, out _, out var written) == OperationStatus.Done
            && written == expected.Length
            && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public static string Timestamp(DateTimeOffset now) => now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>True when the value is unix seconds within <see cref="MaxClockSkew"/> of <paramref name="now"/>.</summary>
    public static bool IsFresh(string? timestamp, DateTimeOffset now) =>
        long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(now.ToUnixTimeSeconds() - seconds) <= (long)MaxClockSkew.TotalSeconds;

    private static byte[] Hmac(string key, string prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key));
        hmac.AppendData(Encoding.UTF8.GetBytes(prefix));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
