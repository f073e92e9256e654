using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Tests.Payments;

/// <summary>
/// The merchant's side of webhook verification, written from the documentation (Stripe's layout):
/// <c>Paygw-Signature: t=TIMESTAMP,v1=hex(HMAC-SHA256(secret, TIMESTAMP + "." + raw_body))</c>.
/// </summary>
public static class WebhookSignature
{
    public static bool Verify(string header, string rawBody, string secret, TimeSpan tolerance)
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
        if (t is null || !long.TryParse(t, out var seconds) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{rawBody}"));
        return candidates.Any(c => c.Length == 64 && CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(c)));
    }
}
