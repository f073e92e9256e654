using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Builds the <c>Authorization</c> header of an API v3 request:
/// SHA256withRSA (PKCS#1 v1.5) with the merchant key over <c>METHOD\nURL\ntimestamp\nnonce\nbody\n</c>.
/// </summary>
public static class WeChatPayAuthorization
{
    public const string Scheme = "WECHATPAY2-SHA256-RSA2048";

    private const string NonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// The exact bytes to sign. The body is taken as bytes because the signature must cover what goes on the
    /// wire; re-encoding a JSON string could change it.
    /// </summary>
    public static byte[] BuildMessage(string method, string canonicalUrl, long timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(canonicalUrl);
        ArgumentException.ThrowIfNullOrEmpty(nonce);

        var head = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{method.ToUpperInvariant()}\n{canonicalUrl}\n{timestamp}\n{nonce}\n"));
        var message = new byte[head.Length + body.Length + 1];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        message[^1] = (byte)'\n';
        return message;
    }

    /// <summary>The canonical URL is the path plus the query exactly as sent, without scheme and host.</summary>
    public static string CanonicalUrl(Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        return requestUri.IsAbsoluteUri ? requestUri.PathAndQuery : requestUri.OriginalString;
    }

    /// <summary>Signs <paramref name="message"/> with the merchant private key; returns base64.</summary>
    public static string Sign(ReadOnlySpan<byte> message, RSA merchantPrivateKey)
    {
        ArgumentNullException.ThrowIfNull(merchantPrivateKey);
        return Convert.ToBase64String(
            merchantPrivateKey.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>Formats the header value in the parameter order the official SDKs use.</summary>
    public static string FormatHeader(string mchId, string nonce, long timestamp, string serialNo, string signature) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Scheme} mchid=\"{mchId}\",nonce_str=\"{nonce}\",timestamp=\"{timestamp}\",serial_no=\"{serialNo}\",signature=\"{signature}\"");

    /// <summary>Signs a request and returns the complete <c>Authorization</c> header value.</summary>
    public static string CreateHeader(
        string mchId,
        string serialNo,
        RSA merchantPrivateKey,
        string method,
        string canonicalUrl,
        long timestamp,
        string nonce,
        ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(mchId);
        ArgumentException.ThrowIfNullOrEmpty(serialNo);
        var message = BuildMessage(method, canonicalUrl, timestamp, nonce, body);
        return FormatHeader(mchId, nonce, timestamp, serialNo, Sign(message, merchantPrivateKey));
    }

    /// <summary>
    /// A fresh 32-character nonce. The nonce is WeChat's replay guard, so it comes from the cryptographic RNG to
    /// make collisions between concurrent requests practically impossible.
    /// </summary>
    public static string NewNonce() => RandomNumberGenerator.GetString(NonceAlphabet, 32);
}
