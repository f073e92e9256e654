using System.Collections.Concurrent;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Platform keys per merchant, shared by all calls of the (singleton) channel, with the bookkeeping that keeps
/// certificate downloads rare.
/// </summary>
internal sealed class WeChatPayPlatformKeyCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>
    /// The merchant's keys as its account is configured now. An entry made under another configuration (another
    /// public key, or another base URL whose certificates were downloaded) is replaced, so a changed or withdrawn key
    /// stops verifying at once instead of at the next restart.
    /// </summary>
    public Entry Get(WeChatPayMerchant merchant)
    {
        var configuration = merchant.KeyConfiguration;
        var entry = _entries.GetOrAdd(merchant.CacheKey, _ => Entry.Create(merchant));
        if (entry.Configuration == configuration)
        {
            return entry;
        }
        var fresh = Entry.Create(merchant);
        return _entries.AddOrUpdate(merchant.CacheKey, fresh, (_, current) => current.Configuration == configuration ? current : fresh);
    }

    internal sealed class Entry
    {
        private Entry((string, string?, string?) configuration) => Configuration = configuration;

        /// <summary>The <see cref="WeChatPayMerchant.KeyConfiguration"/> this entry was made for.</summary>
        public (string BaseUrl, string? PublicKeyId, string? PublicKeyPem) Configuration { get; }

        public WeChatPayPlatformCertificateStore Store { get; } = new();

        /// <summary>Serialises downloads so a burst of unknown serials triggers one request, not many.</summary>
        public SemaphoreSlim RefreshLock { get; } = new(1, 1);

        /// <summary>No download before this time unless forced (set after a failed or futile download).</summary>
        public DateTimeOffset? QuietUntil { get; set; }

        public DateTimeOffset? LastSuccess { get; set; }

        public static Entry Create(WeChatPayMerchant merchant)
        {
            var entry = new Entry(merchant.KeyConfiguration);
            if (merchant.PublicKeyId is { } id && merchant.PublicKeyPem is { } pem)
            {
                using var key = WeChatPayKeys.ImportPublicKey(pem);
                entry.Store.Add(WeChatPayPlatformKey.FromPublicKey(id, key));
            }

            return entry;
        }
    }
}
