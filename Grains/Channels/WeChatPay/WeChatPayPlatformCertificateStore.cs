using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// In-memory platform keys of one merchant, looked up by the <c>Wechatpay-Serial</c> header.
/// </summary>
/// <remarks>
/// WeChat rotates platform certificates with an overlap: for a while responses may be signed with the old or the new
/// certificate, so several keys are valid at once and each message names the one it used. Thread-safe.
/// </remarks>
public sealed class WeChatPayPlatformCertificateStore
{
    private readonly ConcurrentDictionary<string, WeChatPayPlatformKey> _keys = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces the key for the certificate's serial.</summary>
    public WeChatPayPlatformKey Add(X509Certificate2 certificate)
    {
        var key = WeChatPayPlatformKey.FromCertificate(certificate);
        _keys[key.SerialNo] = key;
        return key;
    }

    /// <summary>Adds or replaces a key.</summary>
    public void Add(WeChatPayPlatformKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _keys[key.SerialNo] = key;
    }

    /// <summary>Adds every downloaded certificate (see <see cref="WeChatPayCertificates"/>).</summary>
    public void AddRange(IEnumerable<WeChatPayDownloadedCertificate> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        foreach (var certificate in certificates)
        {
            Add(certificate.Certificate);
        }
    }

    public bool Remove(string serial) => _keys.TryRemove(WeChatPaySerial.Normalize(serial), out _);

    /// <summary>Drops keys that expired before <paramref name="now"/>; returns how many were dropped.</summary>
    public int RemoveExpired(DateTimeOffset now)
    {
        var removed = 0;
        foreach (var (serial, key) in _keys)
        {
            if (key.NotAfter < now && _keys.TryRemove(new KeyValuePair<string, WeChatPayPlatformKey>(serial, key)))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>All keys, valid or not.</summary>
    public IReadOnlyCollection<WeChatPayPlatformKey> Keys => _keys.Values.ToArray();

    /// <summary>Finds the key named by <paramref name="serial"/> if it is valid at <paramref name="now"/>.</summary>
    public bool TryGet(string? serial, DateTimeOffset now, [NotNullWhen(true)] out WeChatPayPlatformKey? key)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(serial))
        {
            return false;
        }

        if (_keys.TryGetValue(WeChatPaySerial.Normalize(serial), out var found) && found.IsValidAt(now))
        {
            key = found;
            return true;
        }

        return false;
    }

    /// <summary>
    /// The key to encrypt sensitive fields with: the valid one that expires last, because that is the one WeChat
    /// will keep accepting longest during a rotation. Null when no key is valid.
    /// </summary>
    public WeChatPayPlatformKey? Newest(DateTimeOffset now) =>
        _keys.Values.Where(k => k.IsValidAt(now)).OrderByDescending(k => k.NotAfter).FirstOrDefault();
}
