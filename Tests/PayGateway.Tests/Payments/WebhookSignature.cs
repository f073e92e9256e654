using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Tests.Payments;

/// <summary>
/// The merchant's side of webhook verification, written from the documentation (Stripe's layout):
/// <c>Paygw-Signature: t=TIMESTAMP,v1=hex(HMAC-SHA256(secret, TIMESTAMP + "." + raw_body))</c>.
/// </summary>
public static class WebhookSignature
{
    public static bool Verify(string header, string rawBody, string secret, TimeSpan tolerance) =>
        Verify(header, rawBody, secret, tolerance, DateTimeOffset.UtcNow);

    /// <summary>
    /// As a merchant verifies at <paramref name="now"/>: any <c>v1</c> may match (secret rotation), <c>v0</c> and
    /// unknown schemes are ignored, a malformed header or one outside the tolerance is refused.
    /// </summary>
    public static bool Verify(string header, string rawBody, string secret, TimeSpan tolerance, DateTimeOffset now)
    {
        string? t = null;
        var candidates = new List<string>();
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2)
            {
                return false;
            }
            if (kv[0] == "t")
            {
                t = kv[1];
            }
            else if (kv[0] == "v1")
            {
                candidates.Add(kv[1]);
            }
        }
        if (t is null || !long.TryParse(t, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{rawBody}"));
        // A candidate that is not 64 hex digits is simply not a match (never an exception: the header is untrusted).
        var provided = new byte[32];
        return candidates.Any(c => c.Length == 64
            && Convert.FromHexString(c, provided, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(expected, provided));
    }
}
