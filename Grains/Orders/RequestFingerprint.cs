using System.Security.Cryptography;
using System.Text.Json;

namespace PayGateway.Orders;

/// <summary>
/// Identifies "the same request" for idempotency (orders, refunds, transfers): SHA-256 over the validated command in
/// a canonical JSON form (record members in declaration order, metadata sorted by key).
/// </summary>
public static class RequestFingerprint
{
    public static string Of<TCommand>(TCommand command) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(command)));
}
