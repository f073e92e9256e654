using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// The merchant's signing key from its PKCS#12 (.pfx) file: the RSA private key and the <c>certId</c> every request
/// names. Dispose it when done; it holds key material.
/// </summary>
public sealed class UnionPaySigningKey : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly RSA _privateKey;

    private UnionPaySigningKey(X509Certificate2 certificate, RSA privateKey)
    {
        _certificate = certificate;
        _privateKey = privateKey;
        CertId = UnionPayCertId.Of(certificate);
    }

    /// <summary>The decimal serial of the signing certificate, sent as <c>certId</c>.</summary>
    public string CertId { get; }

    /// <summary>The signing certificate's validity, for operators (an expired one is refused by UnionPay).</summary>
    public DateTime NotAfter => _certificate.NotAfter;

    /// <summary>Loads the first certificate of the file that has an RSA private key.</summary>
    /// <exception cref="CryptographicException">
    /// Not a PKCS#12 file, wrong password, or no RSA key. The message never includes the input or the password.
    /// </exception>
    public static UnionPaySigningKey FromPkcs12(ReadOnlySpan<byte> pfx, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        X509Certificate2Collection collection;
        try
        {
            // Ephemeral: the key never touches a key store on disk.
            collection = X509CertificateLoader.LoadPkcs12Collection(pfx, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            throw new CryptographicException("The signing certificate is not a readable PKCS#12 file, or the password is wrong.");
        }

        X509Certificate2? chosen = null;
        RSA? key = null;
        foreach (var certificate in collection)
        {
            if (chosen is null && certificate.HasPrivateKey && certificate.GetRSAPrivateKey() is { } rsa)
            {
                chosen = certificate;
                key = rsa;
                continue;
            }

            certificate.Dispose();
        }

        return chosen is null || key is null
            ? throw new CryptographicException("The PKCS#12 file holds no certificate with an RSA private key.")
            : new UnionPaySigningKey(chosen, key);
    }

    /// <summary>Loads the key from the base64 of the .pfx file, the form the account secret holds it in.</summary>
    /// <exception cref="CryptographicException">See <see cref="FromPkcs12(ReadOnlySpan{byte}, string)"/>; also for bad base64.</exception>
    public static UnionPaySigningKey FromBase64Pkcs12(string pfxBase64, string password)
    {
        ArgumentNullException.ThrowIfNull(pfxBase64);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(pfxBase64.Trim());
        }
        catch (FormatException)
        {
            throw new CryptographicException("The signing certificate is not base64.");
        }

        try
        {
            return FromPkcs12(bytes, password);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// Signs a request: sets <c>certId</c> (the signed content must name the key that signed it) and returns every
    /// non-empty field plus <c>signature</c>, exactly what goes on the wire.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> SignRequest(IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var withCertId = fields
            .Where(f => f.Key is not (UnionPayFields.CertId or UnionPaySignContent.SignatureField))
            .Append(new KeyValuePair<string, string?>(UnionPayFields.CertId, CertId))
            .ToList();
        var signature = UnionPaySignature.Sign(UnionPaySignContent.Build(withCertId), _privateKey);

        // Empty fields are left off the wire too, so what is sent is exactly what was signed.
        return withCertId
            .Where(f => !string.IsNullOrEmpty(f.Value))
            .Select(f => new KeyValuePair<string, string>(f.Key, f.Value!))
            .Append(new KeyValuePair<string, string>(UnionPaySignContent.SignatureField, signature))
            .ToList();
    }

    /// <summary>Signs prepared content (the vector tests sign the content they built themselves).</summary>
    public string Sign(string content) => UnionPaySignature.Sign(content, _privateKey);

    public void Dispose()
    {
        _privateKey.Dispose();
        _certificate.Dispose();
    }

    public override string ToString() => $"UnionPaySigningKey {{ CertId = {CertId} }}";
}
