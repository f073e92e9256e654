using System.Security.Cryptography;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPaySensitiveDataTests
{
    [Fact]
    public void JavaVector_OaepSha1_DecryptsToPlaintext()
    {
        var v = WeChatPayVectors.Json("java-rsa-decrypt.json");
        using var key = WeChatPayVectors.PrivateKey(v.Str("private_key_file"));
        var oaep = v.GetProperty("oaep_sha1_mgf1");

        Assert.Equal(oaep.Str("plaintext"), WeChatPaySensitiveData.Decrypt(oaep.Str("ciphertext_b64"), key));
    }

    [Fact]
    public void JavaVector_Pkcs1_DecryptsToPlaintext()
    {
        var v = WeChatPayVectors.Json("java-rsa-decrypt.json");
        using var key = WeChatPayVectors.PrivateKey(v.Str("private_key_file"));
        var pkcs1 = v.GetProperty("pkcs1v15");

        Assert.Equal(pkcs1.Str("plaintext"), WeChatPaySensitiveData.DecryptPkcs1(pkcs1.Str("ciphertext_b64"), key));
    }

    [Fact]
    public void JavaVector_OaepCiphertext_DoesNotDecryptAsPkcs1()
    {
        var v = WeChatPayVectors.Json("java-rsa-decrypt.json");
        using var key = WeChatPayVectors.PrivateKey(v.Str("private_key_file"));

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPaySensitiveData.DecryptPkcs1(v.GetProperty("oaep_sha1_mgf1").Str("ciphertext_b64"), key));
    }

    [Fact]
    public void JavaVector_WrongPrivateKey_FailsToDecrypt()
    {
        var v = WeChatPayVectors.Json("java-rsa-decrypt.json");
        using var wrongKey = WeChatPayVectors.PrivateKey("keys/java-wechat-pay-private-key.pem");

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPaySensitiveData.Decrypt(v.GetProperty("oaep_sha1_mgf1").Str("ciphertext_b64"), wrongKey));
    }

    [Fact]
    public void JavaVector_TamperedCiphertext_FailsToDecrypt()
    {
        var v = WeChatPayVectors.Json("java-rsa-decrypt.json");
        using var key = WeChatPayVectors.PrivateKey(v.Str("private_key_file"));
        var bytes = Convert.FromBase64String(v.GetProperty("oaep_sha1_mgf1").Str("ciphertext_b64"));
        bytes[5] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() => WeChatPaySensitiveData.Decrypt(Convert.ToBase64String(bytes), key));
    }

    [Fact]
    public void Encrypt_WithCertificatePublicKey_DecryptsWithMatchingPrivateKey()
    {
        using var publicKey = WeChatPayKeys.ImportPublicKey(WeChatPayVectors.Text("keys/java-wechat-pay-certificate.pem"));
        using var privateKey = WeChatPayVectors.PrivateKey("keys/java-wechat-pay-private-key.pem");

        var ciphertext = WeChatPaySensitiveData.Encrypt("张三 110101199003070000", publicKey);

        Assert.Equal("张三 110101199003070000", WeChatPaySensitiveData.Decrypt(ciphertext, privateKey));
    }

    [Fact]
    public void Encrypt_WithNewestStoreKey_UsesKeyThatExpiresLast()
    {
        var now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        using var older = new WeChatPayTestPlatform([0x01], now.AddYears(-1), now.AddDays(30));
        using var newer = new WeChatPayTestPlatform([0x02], now.AddDays(-1), now.AddYears(5));
        var store = new WeChatPayPlatformCertificateStore();
        store.Add(older.Certificate);
        store.Add(newer.Certificate);

        var chosen = store.Newest(now)!;
        using var publicKey = chosen.CreateRsa();
        var ciphertext = WeChatPaySensitiveData.Encrypt("6222021234567890", publicKey);

        Assert.Equal(newer.Serial, chosen.SerialNo);
        Assert.Equal("6222021234567890", WeChatPaySensitiveData.Decrypt(ciphertext, newer.Key));
        Assert.Null(store.Newest(now.AddYears(6)));
    }

    [Fact]
    public void Decrypt_NotBase64_Throws()
    {
        using var key = WeChatPayVectors.PrivateKey("keys/java-merchant-private-key.pem");

        Assert.ThrowsAny<CryptographicException>(() => WeChatPaySensitiveData.Decrypt("***", key));
    }
}
