using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PayGateway.Hosting;

namespace PayGateway.Security;

/// <summary>
/// Encrypts secrets at rest with AES-256-GCM under the master key. The purpose string (e.g. <c>app:a1:hmac</c>)
/// is bound as associated data, so a ciphertext copied to another field or another app fails to open.
/// Format: <c>v1.</c> + base64(nonce ‖ ciphertext ‖ tag).
/// </summary>
public sealed class SecretProtector
{
    private const string Prefix = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretProtector(IOptions<GatewayOptions> options)
        : this(ParseKey(options.Value.MasterKey))
    {
    }

    public SecretProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The master key must be 32 bytes.", nameof(key));
        }
        _key = key;
    }

    public static byte[] ParseKey(string base64)
    {
        try
        {
            var key = Convert.FromBase64String(base64);
            return key.Length == 32 ? key : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Gateway:MasterKey must be base64 of exactly 32 bytes.");
        }
    }

    public string Seal(string plaintext, string purpose)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + plain.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(purpose));
        return Prefix + Convert.ToBase64String(output);
    }

    public string Open(string sealedText, string purpose)
    {
        if (!sealedText.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("Unknown secret format.");
        }
        var data = Convert.FromBase64String(sealedText[Prefix.Length..]);
        if (data.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Sealed secret is truncated.");
        }
        var cipherLength = data.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize, cipherLength), data.AsSpan(NonceSize + cipherLength), plain, Encoding.UTF8.GetBytes(purpose));
        return Encoding.UTF8.GetString(plain);
    }
}
