using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>A platform certificate from <c>GET /v3/certificates</c>, decrypted.</summary>
public sealed record WeChatPayDownloadedCertificate(
    string SerialNo,
    X509Certificate2 Certificate,
    DateTimeOffset? EffectiveTime,
    DateTimeOffset? ExpireTime);

/// <summary>Decrypts the platform-certificate download.</summary>
/// <remarks>
/// The download's own response signature can only be checked with the certificates it contains, so on first
/// download the trust comes from the AEAD layer: only WeChat and the merchant know the APIv3 key. Callers should
/// still verify the response signature with the result (add the certificates to a store, then verify) to catch a
/// response that was decrypted correctly but altered in its unencrypted parts.
/// </remarks>
public static class WeChatPayCertificates
{
    public const string Path = "/v3/certificates";

    /// <summary>
    /// Decrypts every <c>encrypt_certificate</c> in the response body. Throws <see cref="CryptographicException"/>
    /// when an entry does not decrypt, is not a certificate, or its serial differs from <c>serial_no</c>.
    /// </summary>
    public static IReadOnlyList<WeChatPayDownloadedCertificate> DecryptDownload(ReadOnlySpan<byte> responseBody, string apiV3Key)
    {
        var reader = new Utf8JsonReader(responseBody);
        JsonDocument document;
        try
        {
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new CryptographicException("The certificate download is not JSON.", ex);
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new CryptographicException("The certificate download has no data array.");
            }

            var result = new List<WeChatPayDownloadedCertificate>();
            foreach (var entry in data.EnumerateArray())
            {
                result.Add(DecryptEntry(entry, apiV3Key));
            }

            return result;
        }
    }

    private static WeChatPayDownloadedCertificate DecryptEntry(JsonElement entry, string apiV3Key)
    {
        if (!WeChatPayJson.TryGetString(entry, "serial_no", out var serialNo)
            || !entry.TryGetProperty("encrypt_certificate", out var encrypted)
            || !WeChatPayEncryptedResource.TryRead(encrypted, out var resource))
        {
            throw new CryptographicException("A certificate entry lacks serial_no or encrypt_certificate.");
        }

        string pem;
        try
        {
            pem = resource.Decrypt(apiV3Key);
        }
        catch (NotSupportedException ex)
        {
            throw new CryptographicException(ex.Message, ex);
        }

        var certificate = WeChatPayKeys.ImportCertificate(pem);
        // serial_no is outside the ciphertext, so it is only trusted once the authenticated certificate agrees.
        if (!WeChatPaySerial.AreEqual(certificate.SerialNumber, serialNo))
        {
            certificate.Dispose();
            throw new CryptographicException($"Downloaded certificate serial does not match serial_no '{serialNo}'.");
        }

        return new WeChatPayDownloadedCertificate(
            WeChatPaySerial.Normalize(serialNo),
            certificate,
            WeChatPayJson.GetTimeOrNull(entry, "effective_time"),
            WeChatPayJson.GetTimeOrNull(entry, "expire_time"));
    }
}
