using Microsoft.AspNetCore.Http.Features;
using PayGateway.ChannelSimulator.Signing;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>A request whose merchant, timestamp and signature checked out.</summary>
internal sealed record ApiRequest(string MerchantId, string Key, byte[] Body);

/// <summary>Why a request was refused before it was looked at.</summary>
internal sealed record ApiRefusal(string? MerchantId, string? Key, string Code, string Message);

/// <summary>Reads the raw body and authenticates it (Mock-Merchant-Id, Mock-Timestamp, Mock-Signature).</summary>
internal static class ApiRequestReader
{
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task<(ApiRequest? Request, ApiRefusal? Refusal)> ReadAsync(HttpContext context, MerchantRegistry merchants, TimeProvider time)
    {
        var request = context.Request;
        var merchantId = request.Headers[MockSigner.MerchantHeader].ToString();
        var body = await ReadBodyAsync(request, context.RequestAborted);
        if (body is null)
        {
            return (null, new ApiRefusal(null, null, "INVALID_REQUEST", "Body larger than 64 KiB."));
        }
        if (!merchants.TryGetKey(merchantId, out var key))
        {
            // No key to sign with: this answer is unsigned, which a client must treat as unknown.
            return (null, new ApiRefusal(merchantId, null, "UNKNOWN_MERCHANT", "Unknown Mock-Merchant-Id."));
        }
        var timestamp = request.Headers[MockSigner.TimestampHeader].ToString();
        if (!MockSigner.IsFresh(timestamp, time.GetUtcNow()))
        {
            return (null, new ApiRefusal(merchantId, key, "INVALID_TIMESTAMP", "Mock-Timestamp missing or more than 300 s off."));
        }
        // The exact request target the client sent, not a decoded and re-encoded path.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var signature = request.Headers[MockSigner.SignatureHeader].ToString();
        if (!MockSigner.VerifyRequest(key, timestamp, request.Method, target, body, signature))
        {
            return (null, new ApiRefusal(merchantId, key, "INVALID_SIGNATURE", "Mock-Signature does not match."));
        }
        return (new ApiRequest(merchantId, key, body), null);
    }

    /// <summary>The raw body, or null when it exceeds 64 KiB. The one way the simulator reads a raw body.</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        if (request.ContentLength is { } length)
        {
            // Straight into an array of the announced size: the benchmark runs the simulator in the gateway's process,
            // so a chunk buffer and a copy per request would be charged to the gateway's allocation and GC figures.
            var exact = new byte[length];
            var filled = 0;
            int got;
            while (filled < exact.Length && (got = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += got;
            }
            return filled == exact.Length ? exact : exact[..filled];
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
