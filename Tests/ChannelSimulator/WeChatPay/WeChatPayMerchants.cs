using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>A registered merchant: what verifies its requests and what encrypts for it.</summary>
/// <param name="ApiV2Key">Signs papay's v2 XML messages; null when the merchant does no papay.</param>
internal sealed record WeChatPayMerchant(string MchId, string SerialNo, byte[] PublicKey, string ApiV3Key, string? ApiV2Key = null);

/// <summary>WeChat Pay merchants by mchid (a registry of its own: the mock protocol's merchants have HMAC keys).</summary>
internal sealed class WeChatPayMerchants
{
    private readonly ConcurrentDictionary<string, WeChatPayMerchant> _merchants = new(StringComparer.Ordinal);

    public WeChatPayMerchants(SimulatorOptions options)
    {
        foreach (var (mchId, merchant) in options.WeChatPay.Merchants)
        {
            var pem = merchant.PublicKey ?? (merchant.PublicKeyFile is { } file ? File.ReadAllText(file) : null)
                ?? throw new ArgumentException($"WeChat Pay merchant {mchId} has neither PublicKey nor PublicKeyFile.", nameof(options));
            Set(mchId, merchant.SerialNo, pem, merchant.ApiV3Key, merchant.ApiV2Key);
        }
    }

    /// <summary>Registers or replaces a merchant. Throws <see cref="ArgumentException"/> for unusable values.</summary>
    public void Set(string mchId, string serialNo, string publicKeyPem, string apiV3Key, string? apiV2Key = null)
    {
        if (apiV2Key is not null && apiV2Key.Length != 32)
        {
            throw new ArgumentException("The APIv2 key must be 32 characters.", nameof(apiV2Key));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(mchId);
        ArgumentException.ThrowIfNullOrWhiteSpace(serialNo);
        ArgumentException.ThrowIfNullOrWhiteSpace(publicKeyPem);
        if (apiV3Key is null || Encoding.UTF8.GetByteCount(apiV3Key) != 32)
        {
            throw new ArgumentException("The APIv3 key must be 32 bytes.", nameof(apiV3Key));
        }
        byte[] publicKey;
        try
        {
            publicKey = WeChatPayCrypto.ReadPublicKey(publicKeyPem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new ArgumentException("The merchant public key is not a readable PEM certificate or public key.", nameof(publicKeyPem), e);
        }
        _merchants[mchId] = new WeChatPayMerchant(mchId, WeChatPayCrypto.NormalizeSerial(serialNo), publicKey, apiV3Key, apiV2Key);
    }

    public bool TryGet(string? mchId, [NotNullWhen(true)] out WeChatPayMerchant? merchant)
    {
        merchant = null;
        return mchId is not null && _merchants.TryGetValue(mchId, out merchant);
    }
}
