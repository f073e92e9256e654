using System.Security.Cryptography;
using PayGateway.Api.Security;

namespace PayGateway.Api.Merchants;

/// <summary>
/// Signs every response to an authenticated merchant request (<c>Paygw-Timestamp</c>, <c>Paygw-Nonce</c>,
/// <c>Paygw-Signature</c> over <c>TIMESTAMP\nNONCE\nBODY\n</c>) so merchants can tell it came from the gateway:
/// HMAC apps with their own secret, RSA apps with the gateway's key.
/// </summary>
public sealed class ResponseSigningMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, GatewayResponseSigner signer, IMerchantAuthGrain auth, TimeProvider clock)
    {
        var original = context.Response.Body;
        // Sized for a typical order response, so it is not regrown two or three times on the way there.
        using var buffer = new MemoryStream(1024);
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        // The buffered bytes themselves, not a copy.
        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (context.FindMerchant() is { } merchant)
        {
            var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var message = SignedMessage.ForResponse(timestamp, nonce, body.Span);
            var signature = merchant.Scheme == MerchantAuthScheme.Hmac
                ? await auth.SignResponseAsync(merchant.AppId, message)
                : signer.Sign(message);
            context.Response.Headers["Paygw-Timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["Paygw-Nonce"] = nonce;
            context.Response.Headers["Paygw-Signature"] = signature;
        }
        // Nothing written (an unknown path or method): leave the response unstarted, so status-code pages can
        // still give it its problem body.
        if (body.Length > 0)
        {
            await original.WriteAsync(body, context.RequestAborted);
        }
    }
}
