using Orleans.Concurrency;
using PayGateway.Caching;

namespace PayGateway.Merchants;

/// <inheritdoc cref="IMerchantAuthGrain"/>
[StatelessWorker]
public sealed class MerchantAuthGrain(MerchantAppCache apps) : Grain, IMerchantAuthGrain
{
    public async Task<SignatureCheck> VerifyRequestAsync(string appId, MerchantAuthScheme scheme, byte[] message, string signature) =>
        await apps.GetAsync(appId) is { } keys ? keys.Verify(scheme, message, signature) : SignatureCheck.UnknownApp;

    public async Task<string?> SignResponseAsync(string appId, byte[] message) =>
        (await apps.GetAsync(appId))?.SignResponse(message);
}
