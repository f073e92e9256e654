namespace PayGateway.Api.Merchants;

/// <summary>The authenticated merchant behind a request, and the exact body bytes its signature covered.</summary>
public sealed record MerchantRequest(string AppId, MerchantAuthScheme Scheme, byte[] Body);

public static class MerchantRequestExtensions
{
    private static readonly object Key = new();

    public static void SetMerchant(this HttpContext context, MerchantRequest request) => context.Items[Key] = request;

    public static MerchantRequest? FindMerchant(this HttpContext context) => context.Items.TryGetValue(Key, out var value) ? value as MerchantRequest : null;

    /// <summary>For handlers behind <see cref="MerchantSignatureFilter"/>, which always sets it.</summary>
    public static MerchantRequest Merchant(this HttpContext context) =>
        context.FindMerchant() ?? throw new InvalidOperationException("The merchant signature filter did not run for this endpoint.");
}
