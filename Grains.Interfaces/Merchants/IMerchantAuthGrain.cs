namespace PayGateway;

/// <summary>
/// Checks merchant request signatures and signs responses on the silo the API host is connected to, with that
/// silo's cached copy of the app's keys (versioned and invalidated when the app changes; see
/// docs/performance.md). Keyed 0: one pool of stateless workers per silo serves every app, so requests of one app
/// do not queue behind each other on the app's single <see cref="IMerchantAppGrain"/> activation. Messages are
/// <c>[Immutable]</c>: callers never change them after the call, so Orleans need not copy them.
/// </summary>
public interface IMerchantAuthGrain : IGrainWithIntegerKey
{
    /// <summary>Same answer as <see cref="IMerchantAppGrain.VerifyRequestAsync"/>.</summary>
    Task<SignatureCheck> VerifyRequestAsync(string appId, MerchantAuthScheme scheme, [Immutable] byte[] message, string signature);

    /// <summary>Same answer as <see cref="IMerchantAppGrain.SignResponseAsync"/>.</summary>
    Task<string?> SignResponseAsync(string appId, [Immutable] byte[] message);
}
