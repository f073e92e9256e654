using System.Buffers;

namespace PayGateway.Api.Contracts;

/// <summary>
/// The one way the API reads a raw request body (it must read raw bytes: signatures cover them): at most
/// <c>limit</c> bytes are ever buffered, whether or not the client sent a Content-Length.
/// </summary>
public static class RequestBody
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }
        if (request.ContentLength is { } length)
        {
            // The usual case: read straight into an array of the announced size (no copy, no 8 KiB chunk per request).
            // The server ends the body at Content-Length and fails the read if the client sends less.
            var exact = new byte[length];
            var filled = 0;
            int got;
            while (filled < exact.Length && (got = await request.Body.ReadAsync(exact.AsMemory(filled), request.HttpContext.RequestAborted)) > 0)
            {
                filled += got;
            }
            return filled == exact.Length ? exact : exact[..filled];
        }
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk.AsMemory(0, 8192), request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }
}
