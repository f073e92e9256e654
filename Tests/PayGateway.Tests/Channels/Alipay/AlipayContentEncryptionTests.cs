using System.Security.Cryptography;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

public class AlipayContentEncryptionTests
{
    private static (string Key, string Plaintext, string Ciphertext) Vector()
    {
        var vector = AlipayVectors.Json("aes-content-encryption.json");
        return (
            vector.GetProperty("key_b64").GetString()!,
            vector.GetProperty("plaintext").GetString()!,
            vector.GetProperty("ciphertext_b64").GetString()!);
    }

    [Fact]
    public void Encrypt_SdkVector_ReproducesLiteralCiphertext()
    {
        var (key, plaintext, ciphertext) = Vector();

        Assert.Equal(ciphertext, AlipayContentEncryption.Encrypt(plaintext, key));
    }

    [Fact]
    public void Decrypt_SdkVector_ReproducesPlaintext()
    {
        var (key, plaintext, ciphertext) = Vector();

        Assert.Equal(plaintext, AlipayContentEncryption.Decrypt(ciphertext, key));
    }

    [Fact]
    public void EncryptDecrypt_ChineseBizContentWith256BitKey_RoundTrips()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        const string BizContent = "{\"out_trade_no\":\"20240101\",\"subject\":\"测试 + 商品\",\"total_amount\":\"0.01\"}";

        var ciphertext = AlipayContentEncryption.Encrypt(BizContent, key);

        Assert.NotEqual(BizContent, ciphertext);
        Assert.Equal(BizContent, AlipayContentEncryption.Decrypt(ciphertext, key));
    }

    [Fact]
    public void Decrypt_WithAnotherKey_DoesNotYieldThePlaintext()
    {
        var (_, plaintext, ciphertext) = Vector();
        var otherKey = Convert.ToBase64String(new byte[16]);

        string? decrypted = null;
        try
        {
            decrypted = AlipayContentEncryption.Decrypt(ciphertext, otherKey);
        }
        catch (CryptographicException)
        {
            // Bad padding is the usual outcome of a wrong key.
        }

        Assert.NotEqual(plaintext, decrypted);
    }

    [Fact]
    public void Decrypt_TruncatedCiphertext_Throws()
    {
        var (key, _, ciphertext) = Vector();
        var truncated = Convert.ToBase64String(Convert.FromBase64String(ciphertext).AsSpan(0, 8));

        Assert.Throws<CryptographicException>(() => AlipayContentEncryption.Decrypt(truncated, key));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")] // 3 bytes: not an AES key length
    public void Encrypt_InvalidKey_Throws(string key) =>
        Assert.Throws<CryptographicException>(() => AlipayContentEncryption.Encrypt("x", key));

    [Fact]
    public void Decrypt_CiphertextNotBase64_Throws() =>
        Assert.Throws<CryptographicException>(() => AlipayContentEncryption.Decrypt("@@@", Vector().Key));
}
