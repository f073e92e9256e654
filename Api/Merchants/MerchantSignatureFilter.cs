using PayGateway.Api.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PayGateway.Api.Hosting;
using PayGateway.Api.Problems;
using PayGateway.Api.Storage;

namespace PayGateway.Api.Merchants;

/// <summary>
/// Authenticates every merchant endpoint of a group: header shape, timestamp window, signature (checked on a
/// silo, where the key lives, by <see cref="IMerchantAuthGrain"/>), then the nonce (consumed only once the signature holds, so forged
/// requests cannot burn a merchant's nonces). Any refusal is a 401 problem and nothing else runs.
/// </summary>
public sealed class MerchantSignatureFilter(
    IMerchantAuthGrain signatures,
    NonceStore nonces,
    IOptions<ApiOptions> options,
    TimeProvider clock) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return ProblemCatalog.Result(ErrorCodes.AuthMissing, "Sign the request with the PAYGW-SHA256-RSA2048 or PAYGW-HMAC-SHA256 scheme.");
        }
        if (MerchantAuthorizationHeader.TryParse(header) is not { } auth)
        {
            return ProblemCatalog.Result(ErrorCodes.AuthMalformed, "Expected: SCHEME app_id=\"…\",nonce=\"…\",timestamp=\"…\",signature=\"…\" with an 8-64 character nonce.");
        }
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var window = (long)options.Value.SignatureWindow.TotalSeconds;
        if (Math.Abs(now - auth.Timestamp) > window)
        {
            return ProblemCatalog.Result(ErrorCodes.AuthStaleTimestamp, $"The timestamp must be within {window} seconds of the gateway's clock (now {now}).");
        }
        var body = await RequestBody.ReadLimitedAsync(http.Request, options.Value.MaxBodyBytes);
        if (body is null)
        {
            return ProblemCatalog.Result(ErrorCodes.PayloadTooLarge, $"At most {options.Value.MaxBodyBytes} bytes.");
        }

        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
        var message = SignedMessage.ForRequest(http.Request.Method, target, auth.AppId, auth.Timestamp, auth.Nonce, body);
        // Checked on the silo this host is connected to, with that silo's cached keys of the app.
        switch (await signatures.VerifyRequestAsync(auth.AppId, auth.Scheme, message, auth.Signature))
        {
            case SignatureCheck.UnknownApp:
                return ProblemCatalog.Result(ErrorCodes.AuthUnknownApp, "No enabled app has that app_id.");
            case SignatureCheck.WrongScheme or SignatureCheck.BadSignature:
                return ProblemCatalog.Result(ErrorCodes.AuthBadSignature, "The signature does not match the request. Sign METHOD\\nPATH_AND_QUERY\\nAPP_ID\\nTIMESTAMP\\nNONCE\\nBODY\\n.");
        }
        // The nonce must outlive every timestamp the window still accepts.
        var expires = DateTimeOffset.FromUnixTimeSeconds(auth.Timestamp) + options.Value.SignatureWindow + TimeSpan.FromSeconds(1);
        if (!await nonces.TryUseAsync(auth.AppId, auth.Nonce, expires, http.RequestAborted))
        {
            return ProblemCatalog.Result(ErrorCodes.AuthNonceReused, "Use a fresh nonce for every request.");
        }

        http.SetMerchant(new MerchantRequest(auth.AppId, auth.Scheme, body));
        return await next(context);
    }
}
