using System.Collections.Concurrent;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Platform keys per merchant, shared by all calls of the (singleton) channel, with the bookkeeping that keeps
/// certificate downloads rare.
/// </summary>
internal sealed class WeChatPayPlatformKeyCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public Entry Get(WeChatPayMerchant merchant) => _entries.GetOrAdd(merchant.CacheKey, _ => Entry.Create(merchant));

    internal sealed class Entry
    {
        private Entry()
        {
        }

        public WeChatPayPlatformCertificateStore Store { get; } = new();

        /// <summary>Serialises downloads so a burst of unknown serials triggers one request, not many.</summary>
        public SemaphoreSlim RefreshLock { get; } = new(1, 1);

        /// <summary>No download before this time unless forced (set after a failed or futile download).</summary>
        public DateTimeOffset? QuietUntil { get; set; }

        public DateTimeOffset? LastSuccess { get; set; }

        public static Entry Create(WeChatPayMerchant merchant)
        {
            var entry = new Entry();
            if (merchant.PublicKeyId is { } id && merchant.PublicKeyPem is { } pem)
            {
                using var key = WeChatPayKeys.ImportPublicKey(pem);
                entry.Store.Add(WeChatPayPlatformKey.FromPublicKey(id, key));
            }

            return entry;
        }
    }
}
