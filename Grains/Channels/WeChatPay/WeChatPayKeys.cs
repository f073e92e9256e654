using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.Channels.WeChatPay;

/// <summary>Loads the key material WeChat Pay hands out (PEM files) into BCL objects.</summary>
public static class WeChatPayKeys
{
    /// <summary>
    /// Imports the merchant API private key (<c>apiclient_key.pem</c>). Accepts PKCS#8 or PKCS#1 PEM, and bare
    /// base64 PKCS#8 because operators often paste the key without its armour lines.
    /// </summary>
    public static RSA ImportPrivateKey(string pemOrBase64)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pemOrBase64);
        var rsa = RSA.Create();
        try
        {
            if (pemOrBase64.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                rsa.ImportFromPem(pemOrBase64);
            }
            else
            {
                rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(pemOrBase64.Trim()), out _);
            }

            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Imports a public key from a certificate PEM, a <c>PUBLIC KEY</c> PEM (the newer "WeChat Pay public key"
    /// mode) or an <c>RSA PUBLIC KEY</c> PEM.
    /// </summary>
    public static RSA ImportPublicKey(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using var certificate = ImportCertificate(pem);
            return certificate.GetRSAPublicKey()
                ?? throw new CryptographicException("The certificate does not hold an RSA public key.");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>Imports a certificate from PEM text.</summary>
    public static X509Certificate2 ImportCertificate(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        return X509Certificate2.CreateFromPem(pem);
    }
}
