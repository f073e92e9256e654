using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// The WeChat Pay v3 primitives, written for the simulator from the protocol description (not shared with the
/// gateway's adapter, so each checks the other): SHA256withRSA over the v3 messages, AEAD_AES_256_GCM, serials.
/// </summary>
public static class WeChatPayCrypto
{
    public const string AuthorizationScheme = "WECHATPAY2-SHA256-RSA2048";
    public const string AeadAlgorithm = "AEAD_AES_256_GCM";

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    /// <summary>Random letters and digits (request nonces are 32 long, AES-GCM nonces 12).</summary>
    public static string Nonce(int length) => RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>What the merchant signs: <c>METHOD\nURL\ntimestamp\nnonce\nbody\n</c>, body as raw bytes.</summary>
    public static byte[] RequestMessage(string method, string canonicalUrl, string timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Lines($"{method}\n{canonicalUrl}\n{timestamp}\n{nonce}\n", body);

    /// <summary>What WeChat signs on answers and notifications: <c>timestamp\nnonce\nbody\n</c>.</summary>
    public static byte[] ResponseMessage(string timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Lines($"{timestamp}\n{nonce}\n", body);

    public static string Sign(RSA privateKey, byte[] message) =>
        Convert.ToBase64String(privateKey.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(RSA publicKey, byte[] message, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(signatureBase64))
        {
            return false;
        }
        var signature = new byte[signatureBase64.Length];
        return Convert.TryFromBase64String(signatureBase64, signature, out var length)
            && publicKey.VerifyData(message, signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>
    /// AEAD_AES_256_GCM as WeChat uses it: key = the 32 ASCII bytes of the APIv3 key, nonce and associated data as
    /// UTF-8, result base64(ciphertext ‖ 16-byte tag).
    /// </summary>
    public static string Encrypt(string apiV3Key, string nonce, string associatedData, ReadOnlySpan<byte> plaintext)
    {
        var sealedData = new byte[plaintext.Length + 16];
        using var aes = new AesGcm(Encoding.UTF8.GetBytes(apiV3Key), 16);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plaintext, sealedData.AsSpan(0, plaintext.Length), sealedData.AsSpan(plaintext.Length),
            Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(sealedData);
    }

    /// <summary>
    /// Encrypts a sensitive field the way WeChat does towards the merchant: RSA-OAEP (SHA-1, MGF1-SHA-1) with the
    /// merchant's public key (SubjectPublicKeyInfo), base64.
    /// </summary>
    public static string EncryptSensitive(byte[] subjectPublicKeyInfo, string plaintext)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        return Convert.ToBase64String(rsa.Encrypt(Encoding.UTF8.GetBytes(plaintext), RSAEncryptionPadding.OaepSHA1));
    }

    /// <summary>Decrypts a sensitive request field (RSA-OAEP SHA-1, base64); null when it is not one.</summary>
    public static string? DecryptSensitive(RSA privateKey, string ciphertextBase64)
    {
        var buffer = new byte[ciphertextBase64.Length];
        if (!Convert.TryFromBase64String(ciphertextBase64, buffer, out var length))
        {
            return null;
        }
        try
        {
            return Encoding.UTF8.GetString(privateKey.Decrypt(buffer.AsSpan(0, length).ToArray(), RSAEncryptionPadding.OaepSHA1));
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Serial as WeChat writes it: upper-case hex without leading zeros (so <c>00D7…</c> equals <c>D7…</c>); non-hex ids as given.</summary>
    public static string NormalizeSerial(string serial)
    {
        var trimmed = serial.Trim();
        if (trimmed.Length == 0 || !trimmed.All(char.IsAsciiHexDigit))
        {
            return trimmed;
        }
        var value = BigInteger.Parse("0" + trimmed, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return value.IsZero ? "0" : value.ToString("X", CultureInfo.InvariantCulture).TrimStart('0');
    }

    /// <summary>Reads a merchant key: a certificate PEM, or a <c>PUBLIC KEY</c> / <c>RSA PUBLIC KEY</c> PEM. Returns SubjectPublicKeyInfo.</summary>
    public static byte[] ReadPublicKey(string pem)
    {
        if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            using var fromCertificate = certificate.GetRSAPublicKey() ?? throw new ArgumentException("The certificate holds no RSA key.", nameof(pem));
            return fromCertificate.ExportSubjectPublicKeyInfo();
        }
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa.ExportSubjectPublicKeyInfo();
    }

    public static string UnixSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 in China Standard Time, as WeChat writes times: <c>2026-01-31T20:00:03+08:00</c>.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static byte[] Lines(string head, ReadOnlySpan<byte> body)
    {
        var headBytes = Encoding.UTF8.GetBytes(head);
        var message = new byte[headBytes.Length + body.Length + 1];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(headBytes.Length));
        message[^1] = (byte)'\n';
        return message;
    }
}
