using Orleans.Concurrency;

namespace PayGateway;

/// <summary>
/// A merchant app, keyed by app_id: its keys (encrypted at rest), webhook secret and channel routes. Secret
/// material never leaves this grain in plain form except to sign and verify inside it.
/// </summary>
public interface IMerchantAppGrain : IGrainWithStringKey
{
    /// <summary>Operator create-or-update.</summary>
    Task<MerchantAppResult> ConfigureAsync(MerchantAppConfig config);

    /// <summary>The app without secrets, or null if it does not exist.</summary>
    [ReadOnly]
    Task<MerchantAppView?> GetAsync();

    /// <summary>The app with sealed secrets, for the silos' caches (<c>MerchantAppCache</c>); null if it does not exist.</summary>
    [ReadOnly]
    Task<SealedMerchantApp?> GetSealedAsync();

    /// <summary>Checks a request signature (base64) over <paramref name="message"/> in constant time.</summary>
    [ReadOnly]
    Task<SignatureCheck> VerifyRequestAsync(MerchantAuthScheme scheme, byte[] message, string signature);

    /// <summary>
    /// Signs a response for this app with its HMAC secret (HMAC apps only). RSA apps' responses are signed with
    /// the gateway's own key by the API host; returns null for them.
    /// </summary>
    [ReadOnly]
    Task<string?> SignResponseAsync(byte[] message);

    /// <summary>
    /// The <c>Paygw-Signature</c> header value for a webhook body: <c>t=TIMESTAMP,v1=hex(HMAC-SHA256(webhook_secret,
    /// TIMESTAMP + "." + body))</c>, Stripe's layout. Null if the app has no webhook secret.
    /// </summary>
    [ReadOnly]
    Task<string?> SignWebhookAsync(byte[] body, long timestamp);

    /// <summary>Picks the channel account for a payment method, optionally on a requested channel.</summary>
    [ReadOnly]
    Task<RouteResult> ResolveRouteAsync(string? channel, PayMethod method);
}
