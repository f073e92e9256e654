using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PayGateway.Channels.WeChatPay;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// A throw-away "WeChat platform" for cases no public vector covers (payment callbacks, rotation, signed but
/// tampered resources): its own RSA key and a self-signed certificate with a chosen serial.
/// </summary>
internal sealed class WeChatPayTestPlatform : IDisposable
{
    public const string ApiV3Key = "0123456789abcdefABCDEF0123456789";

    public WeChatPayTestPlatform(byte[] serial, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        Key = RSA.Create();
        Key.ImportPkcs8PrivateKey(KeysBySerial.GetOrAdd(Convert.ToHexString(serial), _ => NewKey()), out _);
        var request = new CertificateRequest("CN=Test WeChat Pay Platform", Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Certificate = request.Create(
            new X500DistinguishedName("CN=Test WeChat Pay CA"),
            X509SignatureGenerator.CreateForRSA(Key, RSASignaturePadding.Pkcs1),
            notBefore,
            notAfter,
            serial);
    }

    // RSA key generation dominates test time on a small machine; one key per serial keeps "different serial,
    // different key" true while generating each key once per run.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> KeysBySerial = new();

    public RSA Key { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>The serial as WeChat would send it in Wechatpay-Serial.</summary>
    public string Serial => WeChatPaySerial.Normalize(Certificate.SerialNumber);

    /// <summary>Headers WeChat would send with <paramref name="body"/>, signed at <paramref name="signedAt"/>.</summary>
    public Dictionary<string, string> Sign(byte[] body, DateTimeOffset signedAt, string nonce = "test-nonce-0001")
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = WeChatPaySignatureVerifier.BuildMessage(timestamp, nonce, body);
        return new Dictionary<string, string>
        {
            [WeChatPaySignedMessage.TimestampHeader] = timestamp,
            [WeChatPaySignedMessage.NonceHeader] = nonce,
            [WeChatPaySignedMessage.SerialHeader] = Serial,
            [WeChatPaySignedMessage.SignatureHeader] = Convert.ToBase64String(Key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
        };
    }

    /// <summary>A callback body whose resource is <paramref name="plaintext"/> encrypted like WeChat does it.</summary>
    public static byte[] NotificationBody(string plaintext, string associatedData = "transaction", string apiV3Key = ApiV3Key, string algorithm = WeChatPayAesGcm.Algorithm)
    {
        const string nonce = "fixedNonce12";
        var ciphertext = WeChatPayAesGcm.Encrypt(apiV3Key, nonce, associatedData, plaintext);
        return Encoding.UTF8.GetBytes(
            "{\"id\":\"EV-2018022511223320873\",\"create_time\":\"2015-05-20T13:29:35+08:00\",\"resource_type\":\"encrypt-resource\","
            + "\"event_type\":\"TRANSACTION.SUCCESS\",\"summary\":\"支付成功\",\"resource\":{\"original_type\":\"transaction\","
            + $"\"algorithm\":\"{algorithm}\",\"ciphertext\":\"{ciphertext}\",\"associated_data\":\"{associatedData}\",\"nonce\":\"{nonce}\"}}}}");
    }

    private static byte[] NewKey()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKey();
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}
