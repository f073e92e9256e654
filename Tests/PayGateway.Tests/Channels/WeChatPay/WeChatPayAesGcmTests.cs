using System.Security.Cryptography;
using System.Text;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

public sealed class WeChatPayAesGcmTests
{
    [Fact]
    public void GoVector_Decrypts_ToHelloWorld()
    {
        var v = WeChatPayVectors.Json("go-aes-gcm-decrypt.json");

        var plaintext = WeChatPayAesGcm.DecryptToString(v.Str("apiv3_key"), v.Str("nonce"), v.Str("associated_data"), v.Str("ciphertext_b64"));

        Assert.Equal(v.Str("plaintext"), plaintext);
        Assert.Equal("Hello World", plaintext);
    }

    [Fact]
    public void JavaVector_Decrypts_ToMessage()
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");

        var plaintext = WeChatPayAesGcm.DecryptToString(v.Str("apiv3_key"), v.Str("nonce"), v.Str("associated_data"), v.Str("ciphertext_b64"));

        Assert.Equal("message", plaintext);
    }

    [Fact]
    public void JavaVector_Encrypts_ToExactCiphertext()
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");

        var ciphertext = WeChatPayAesGcm.Encrypt(v.Str("apiv3_key"), v.Str("nonce"), v.Str("associated_data"), v.Str("plaintext"));

        Assert.Equal(v.Str("ciphertext_b64"), ciphertext);
    }

    [Fact]
    public void GoVector_Encrypts_ToExactCiphertext()
    {
        var v = WeChatPayVectors.Json("go-aes-gcm-decrypt.json");

        var ciphertext = WeChatPayAesGcm.Encrypt(v.Str("apiv3_key"), v.Str("nonce"), v.Str("associated_data"), v.Str("plaintext"));

        Assert.Equal(v.Str("ciphertext_b64"), ciphertext);
    }

    [Fact]
    public void TamperedCiphertext_FailsAuthentication()
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");
        var sealedData = Convert.FromBase64String(v.Str("ciphertext_b64"));
        sealedData[0] ^= 0x01;

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayAesGcm.Decrypt(v.Str("apiv3_key"), v.Str("nonce"), v.Str("associated_data"), Convert.ToBase64String(sealedData)));
    }

    [Fact]
    public void TamperedTag_FailsAuthentication()
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");
        var sealedData = Convert.FromBase64String(v.Str("ciphertext_b64"));
        sealedData[^1] ^= 0x80;

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayAesGcm.Decrypt(v.Str("apiv3_key"), v.Str("nonce"), v.Str("associated_data"), Convert.ToBase64String(sealedData)));
    }

    [Fact]
    public void WrongAssociatedData_FailsAuthentication()
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayAesGcm.Decrypt(v.Str("apiv3_key"), v.Str("nonce"), "associatedDatA", v.Str("ciphertext_b64")));
    }

    [Fact]
    public void WrongKey_FailsAuthentication()
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayAesGcm.Decrypt("b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", v.Str("nonce"), v.Str("associated_data"), v.Str("ciphertext_b64")));
    }

    [Fact]
    public void WrongNonce_FailsAuthentication()
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayAesGcm.Decrypt(v.Str("apiv3_key"), "uluk4a9R25RX", v.Str("associated_data"), v.Str("ciphertext_b64")));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("thirteen-char")]
    public void NonceOfWrongLength_IsRejected(string nonce)
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayAesGcm.Decrypt(v.Str("apiv3_key"), nonce, v.Str("associated_data"), v.Str("ciphertext_b64")));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void MalformedCiphertext_IsRejected(string ciphertext)
    {
        var v = WeChatPayVectors.Json("java-aead-aes-gcm.json");

        Assert.ThrowsAny<CryptographicException>(() =>
            WeChatPayAesGcm.Decrypt(v.Str("apiv3_key"), v.Str("nonce"), v.Str("associated_data"), ciphertext));
    }

    [Fact]
    public void KeyOfInvalidAesLength_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => WeChatPayAesGcm.Encrypt("too-short", "uluk4a9R25RW", null, "x"));
    }

    [Theory]
    [InlineData("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb", true)]
    [InlineData("testAPIv3Key0000", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidApiV3Key_AcceptsOnly32Bytes(string? key, bool expected)
    {
        Assert.Equal(expected, WeChatPayAesGcm.IsValidApiV3Key(key));
    }

    [Fact]
    public void EncryptThenDecrypt_WithEmptyAssociatedData_RoundTrips()
    {
        const string key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";
        var nonce = WeChatPayAesGcm.NewNonce();
        var plaintext = "{\"out_trade_no\":\"订单-1\"}";

        var ciphertext = WeChatPayAesGcm.Encrypt(key, nonce, null, plaintext);

        Assert.Equal(12, Encoding.UTF8.GetByteCount(nonce));
        Assert.Equal(plaintext, WeChatPayAesGcm.DecryptToString(key, nonce, "", ciphertext));
    }
}
