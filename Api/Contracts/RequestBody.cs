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
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
