using System.Collections.Concurrent;

namespace PayGateway.ChannelSimulator.State;

/// <summary>Merchant ids and their HMAC keys (raw strings, used as UTF-8 bytes).</summary>
internal sealed class MerchantRegistry
{
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);

    public void Set(string merchantId, string hmacKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(merchantId);
        ArgumentException.ThrowIfNullOrEmpty(hmacKey);
        _keys[merchantId] = hmacKey;
    }

    public bool TryGetKey(string? merchantId, out string key)
    {
        key = "";
        return merchantId is not null && _keys.TryGetValue(merchantId, out key!);
    }
}
