using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// signMethod 01 of ACP 5.1.0: SHA256withRSA (PKCS#1 v1.5) over the 64 ASCII characters of the lowercase hex SHA-256
/// of the UTF-8 sign content. The content is hashed twice: once into hex, once by the RSA signature.
/// </summary>
public static class UnionPaySignature
{
    /// <summary>Lowercase hex SHA-256 of the UTF-8 content: the bytes that are actually signed.</summary>
    public static string Digest(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>Signs <paramref name="content"/> and returns the base64 signature.</summary>
    public static string Sign(string content, RSA privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var signature = privateKey.SignData(Encoding.ASCII.GetBytes(Digest(content)), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Convert.ToBase64String(signature);
    }

    /// <summary>
    /// Checks a base64 signature over <paramref name="content"/>. False rather than an exception for a malformed
    /// signature: it arrives from the network and is attacker-controlled.
    /// </summary>
    public static bool Verify(string content, string? signatureBase64, RSA publicKey)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(publicKey);
        if (string.IsNullOrEmpty(signatureBase64))
        {
            return false;
        }

        var signature = new byte[(signatureBase64.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(signatureBase64, signature, out var written))
        {
            return false;
        }

        try
        {
            return publicKey.VerifyData(Encoding.ASCII.GetBytes(Digest(content)), signature.AsSpan(0, written), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
