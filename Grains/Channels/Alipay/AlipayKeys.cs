using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Loads RSA keys in the shapes Alipay's console and SDK fixtures hand them out: bare base64 (PKCS#1 or PKCS#8
/// private keys, SPKI public keys), PEM, or PEM/DER certificates.
/// </summary>
/// <remarks>
/// Error messages never include the input: it is key material, and exception text ends up in logs.
/// </remarks>
public static class AlipayKeys
{
    private const string PemMarker = "-----BEGIN";

    /// <summary>Loads an application private key. The caller owns (and should dispose) the returned key.</summary>
    /// <exception cref="CryptographicException">The text is not an RSA private key in a supported form.</exception>
    public static RSA LoadPrivateKey(string keyText)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyText);
        var rsa = RSA.Create();
        try
        {
            if (keyText.Contains(PemMarker, StringComparison.Ordinal))
            {
                // Handles both "RSA PRIVATE KEY" (PKCS#1) and "PRIVATE KEY" (PKCS#8) armour.
                rsa.ImportFromPem(keyText);
                return rsa;
            }

            var der = DecodeBareBase64(keyText, "private key");
            if (!TryImport(der, static (r, d) => { r.ImportPkcs8PrivateKey(d, out var n); return n; }, rsa)
                && !TryImport(der, static (r, d) => { r.ImportRSAPrivateKey(d, out var n); return n; }, rsa))
            {
                throw new CryptographicException("The private key is neither a PKCS#8 nor a PKCS#1 RSA private key.");
            }

            return rsa;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw new CryptographicException("Could not load the RSA private key (expected bare base64 PKCS#1/PKCS#8 or PEM).");
        }
    }

    /// <summary>
    /// Loads an Alipay public key from a bare base64 SPKI (or PKCS#1) key, a PEM public key, or a certificate (PEM or
    /// base64 DER; for a PEM chain the first certificate, which is how Alipay ships <c>alipayCertPublicKey_RSA2.crt</c>).
    /// The caller owns the returned key.
    /// </summary>
    /// <exception cref="CryptographicException">The text holds no RSA public key in a supported form.</exception>
    public static RSA LoadPublicKey(string keyText)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyText);
        if (keyText.Contains("-----BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            using var certificate = LoadCertificate(keyText);
            return PublicKeyOf(certificate);
        }

        var rsa = RSA.Create();
        try
        {
            if (keyText.Contains(PemMarker, StringComparison.Ordinal))
            {
                rsa.ImportFromPem(keyText);
                return rsa;
            }

            var der = DecodeBareBase64(keyText, "public key");
            if (TryImport(der, static (r, d) => { r.ImportSubjectPublicKeyInfo(d, out var n); return n; }, rsa)
                || TryImport(der, static (r, d) => { r.ImportRSAPublicKey(d, out var n); return n; }, rsa))
            {
                return rsa;
            }

            rsa.Dispose();

            // Some consoles export the certificate body without armour; accept it rather than make operators re-wrap it.
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return PublicKeyOf(certificate);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw new CryptographicException("Could not load the RSA public key (expected bare base64 SPKI, PEM, or a certificate).");
        }
    }

    /// <summary>Loads the first certificate of a PEM file (a leaf followed by its chain is common).</summary>
    public static X509Certificate2 LoadCertificate(string pemText)
    {
        var all = LoadCertificates(pemText);
        for (var i = 1; i < all.Count; i++)
        {
            all[i].Dispose();
        }

        return all[0];
    }

    /// <summary>Loads every certificate of a PEM bundle, in file order (Alipay's root bundle holds four).</summary>
    /// <exception cref="CryptographicException">No certificate could be read.</exception>
    public static IReadOnlyList<X509Certificate2> LoadCertificates(string pemText)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pemText);
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pemText);
        if (collection.Count == 0)
        {
            throw new CryptographicException("The text contains no PEM certificate.");
        }

        return [.. collection];
    }

    private static RSA PublicKeyOf(X509Certificate2 certificate) =>
        certificate.GetRSAPublicKey() ?? throw new CryptographicException("The certificate does not hold an RSA public key.");

    private static byte[] DecodeBareBase64(string text, string what)
    {
        // Keys pasted from consoles or JSON often carry line breaks or stray spaces; they are not part of the key.
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        try
        {
            return Convert.FromBase64String(compact);
        }
        catch (FormatException)
        {
            throw new CryptographicException($"The {what} is neither PEM nor valid base64.");
        }
    }

    private static bool TryImport(byte[] der, Func<RSA, byte[], int> import, RSA rsa)
    {
        try
        {
            // A trailing remainder means the bytes were some other structure that merely started like this one.
            return import(rsa, der) == der.Length;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
