using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// The simulator's "Alipay platform" key pair: it signs every response, notify and sync return. The gateway account
/// is configured with <see cref="PublicKey"/> as <c>alipay_public_key</c>. A second, unrelated key signs when a
/// behaviour asks for a bad signature.
/// </summary>
internal sealed class AlipayPlatformKey : IDisposable
{
    private readonly Lock _lock = new();
    private readonly RSA _key;
    private readonly Lazy<RSA> _impostor = new(() => RSA.Create(2048));

    public AlipayPlatformKey(AlipaySimulatorOptions options)
    {
        if (options.PlatformPrivateKey is null)
        {
            _key = RSA.Create(2048);
        }
        else if (!AlipayWire.TryLoadPrivateKey(options.PlatformPrivateKey, out _key!))
        {
            throw new InvalidOperationException("Simulator:Alipay:PlatformPrivateKey is not an RSA private key (PEM or bare base64 PKCS#8/PKCS#1).");
        }
        PublicKey = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The platform public key as Alipay's console shows it: bare base64 SPKI (<c>MIIBIjAN…</c>).</summary>
    public string PublicKey { get; }

    /// <summary>Signs <paramref name="content"/>; with <paramref name="wrongKey"/> the signature is well-formed but made with another key.</summary>
    public string Sign(string content, bool wrongKey = false)
    {
        lock (_lock)
        {
            return AlipayWire.Sign(wrongKey ? _impostor.Value : _key, content);
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        if (_impostor.IsValueCreated)
        {
            _impostor.Value.Dispose();
        }
    }
}

/// <summary>Merchant apps: app_id → the app public key that request signatures are verified with.</summary>
internal sealed class AlipayAppRegistry
{
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public AlipayAppRegistry(AlipaySimulatorOptions options)
    {
        foreach (var (appId, publicKey) in options.Apps)
        {
            Set(appId, publicKey);
        }
    }

    /// <summary>Registers or replaces an app.</summary>
    /// <exception cref="ArgumentException">The key is not an RSA public key.</exception>
    public void Set(string appId, string publicKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(appId);
        if (!AlipayWire.TryLoadPublicKey(publicKey, out var rsa))
        {
            throw new ArgumentException($"The public key of app {appId} is not an RSA public key (PEM, or bare base64 SPKI/PKCS#1).", nameof(publicKey));
        }
        using (rsa)
        {
            _keys[appId] = rsa.ExportSubjectPublicKeyInfo();
        }
    }

    public bool IsKnown(string? appId) => appId is not null && _keys.ContainsKey(appId);

    /// <summary>Checks a request signature with the app's key; false for an unknown app.</summary>
    public bool Verify(string appId, string content, string? signature)
    {
        if (!_keys.TryGetValue(appId, out var spki))
        {
            return false;
        }
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(spki, out _);
        return AlipayWire.Verify(rsa, content, signature);
    }
}
