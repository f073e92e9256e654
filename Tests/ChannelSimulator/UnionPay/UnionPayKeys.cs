using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// UnionPay's side of the keys: the generated CA chain and signing certificate (answers and notifications), and the
/// merchants' signing certificates (requests).
/// </summary>
internal sealed class UnionPayKeys : IDisposable
{
    private readonly ConcurrentDictionary<string, X509Certificate2> _merchants = new(StringComparer.Ordinal);
    private readonly RSA _wrongKey = RSA.Create(2048);

    public UnionPayKeys(UnionPaySimulatorOptions options, TimeProvider time)
    {
        Authority = UnionPayCertificateAuthority.Create(time.GetUtcNow(), options.SigningCertificateCn);
        SignPubKeyCert = Authority.SigningPemCrlf;
        foreach (var (merId, certificate) in options.Merchants)
        {
            AddMerchant(merId, certificate);
        }
    }

    public UnionPayCertificateAuthority Authority { get; }

    /// <summary>The signing certificate as sent in every signed message: PEM with CRLF line breaks.</summary>
    public string SignPubKeyCert { get; }

    /// <summary>Registers (or replaces) a merchant's signing certificate (PEM or base64 DER).</summary>
    /// <exception cref="ArgumentException">Not a certificate.</exception>
    public void AddMerchant(string merId, string certificate)
    {
        try
        {
            _merchants[merId] = certificate.Contains("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(certificate)
                : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificate));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new ArgumentException($"The certificate of merchant {merId} is not a PEM or base64 DER certificate.", nameof(certificate));
        }
    }

    public X509Certificate2? Merchant(string merId) => _merchants.GetValueOrDefault(merId);

    /// <summary>Adds signPubKeyCert and signature (with an unrelated key when <paramref name="wrongKey"/>).</summary>
    public List<KeyValuePair<string, string>> Signed(IEnumerable<KeyValuePair<string, string>> fields, bool wrongKey)
    {
        var list = fields.Where(f => f.Value.Length > 0).ToList();
        list.Add(new("signPubKeyCert", SignPubKeyCert));
        using var key = Authority.Signing.GetRSAPrivateKey()!;
        list.Add(new("signature", UnionPayWire.Sign(UnionPayWire.SignContent(list), wrongKey ? _wrongKey : key)));
        return list;
    }

    public void Dispose()
    {
        Authority.Dispose();
        _wrongKey.Dispose();
        foreach (var certificate in _merchants.Values)
        {
            certificate.Dispose();
        }
    }
}
