using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Encryption of sensitive request/response fields (names, ID numbers, bank accounts). WeChat uses RSA-OAEP with
/// SHA-1 and MGF1-SHA-1: SHA-1 is weak as a signature hash but not as an OAEP mask, and it is what WeChat decrypts.
/// A request carrying such fields must send <c>Wechatpay-Serial</c> naming the platform key used.
/// </summary>
public static class WeChatPaySensitiveData
{
    /// <summary>Encrypts <paramref name="plaintext"/> for WeChat with its platform public key; returns base64.</summary>
    public static string Encrypt(string plaintext, RSA platformPublicKey)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(platformPublicKey);
        return Convert.ToBase64String(platformPublicKey.Encrypt(Encoding.UTF8.GetBytes(plaintext), RSAEncryptionPadding.OaepSHA1));
    }

    /// <summary>Decrypts an OAEP-SHA1 field that WeChat encrypted with the merchant public key.</summary>
    public static string Decrypt(string ciphertextBase64, RSA merchantPrivateKey) =>
        DecryptWith(ciphertextBase64, merchantPrivateKey, RSAEncryptionPadding.OaepSHA1);

    /// <summary>
    /// Decrypts a PKCS#1 v1.5 field. Only some older APIs use this padding; never choose it for new data, it is
    /// open to padding-oracle attacks when failures are observable.
    /// </summary>
    public static string DecryptPkcs1(string ciphertextBase64, RSA merchantPrivateKey) =>
        DecryptWith(ciphertextBase64, merchantPrivateKey, RSAEncryptionPadding.Pkcs1);

    private static string DecryptWith(string ciphertextBase64, RSA privateKey, RSAEncryptionPadding padding)
    {
        ArgumentNullException.ThrowIfNull(ciphertextBase64);
        ArgumentNullException.ThrowIfNull(privateKey);
        byte[] ciphertext;
        try
        {
            ciphertext = Convert.FromBase64String(ciphertextBase64);
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("The ciphertext is not valid base64.", ex);
        }

        return Encoding.UTF8.GetString(privateKey.Decrypt(ciphertext, padding));
    }
}
