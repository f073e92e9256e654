using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Alipay "content encryption" (<c>encrypt_type=AES</c>) of <c>biz_content</c> and of response payloads:
/// AES-CBC with an all-zero IV and PKCS7 padding, base64 text. The key is the base64 AES key from the console
/// (16 bytes; 24/32-byte keys work the same way).
/// </summary>
/// <remarks>
/// The zero IV is Alipay's protocol, not a choice made here: equal plaintexts give equal ciphertexts. It is not
/// authenticated either; the RSA signature over the ciphertext is what protects integrity.
/// </remarks>
public static class AlipayContentEncryption
{
    public const string EncryptType = "AES";

    public static string Encrypt(string plaintext, string keyBase64)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        using var aes = CreateAes(keyBase64);
        var ciphertext = aes.EncryptCbc(Encoding.UTF8.GetBytes(plaintext), new byte[16], PaddingMode.PKCS7);
        return Convert.ToBase64String(ciphertext);
    }

    /// <exception cref="CryptographicException">Not base64, or the padding is wrong (wrong key or damaged data).</exception>
    public static string Decrypt(string ciphertextBase64, string keyBase64)
    {
        ArgumentNullException.ThrowIfNull(ciphertextBase64);
        byte[] ciphertext;
        try
        {
            ciphertext = Convert.FromBase64String(ciphertextBase64);
        }
        catch (FormatException)
        {
            throw new CryptographicException("The encrypted content is not valid base64.");
        }

        using var aes = CreateAes(keyBase64);
        return Encoding.UTF8.GetString(aes.DecryptCbc(ciphertext, new byte[16], PaddingMode.PKCS7));
    }

    private static Aes CreateAes(string keyBase64)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyBase64);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(keyBase64.Trim());
        }
        catch (FormatException)
        {
            throw new CryptographicException("The AES key is not valid base64.");
        }

        if (key.Length is not (16 or 24 or 32))
        {
            throw new CryptographicException("The AES key must be 16, 24 or 32 bytes.");
        }

        var aes = Aes.Create();
        aes.Key = key;
        return aes;
    }
}
