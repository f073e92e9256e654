using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Checks the signature WeChat Pay puts on every response and callback: SHA256withRSA (PKCS#1 v1.5) over
/// <c>timestamp\nnonce\nbody\n</c>, with the platform key named by <c>Wechatpay-Serial</c>.
/// </summary>
public sealed class WeChatPaySignatureVerifier
{
    /// <summary>wechatpay-java rejects responses older than five minutes; we follow it.</summary>
    public static readonly TimeSpan DefaultMaxClockSkew = TimeSpan.FromMinutes(5);

    private readonly WeChatPayPlatformCertificateStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _maxClockSkew;

    public WeChatPaySignatureVerifier(WeChatPayPlatformCertificateStore store, TimeProvider timeProvider, TimeSpan? maxClockSkew = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (maxClockSkew is { } skew && skew <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(maxClockSkew), "The allowed clock skew must be positive.");
        }

        _store = store;
        _timeProvider = timeProvider;
        _maxClockSkew = maxClockSkew ?? DefaultMaxClockSkew;
    }

    public WeChatPayVerificationResult Verify(WeChatPaySignedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.Timestamp) || string.IsNullOrEmpty(message.Nonce)
            || string.IsNullOrEmpty(message.Serial) || string.IsNullOrEmpty(message.Signature))
        {
            return WeChatPayVerificationResult.Fail(WeChatPayVerificationStatus.MissingHeader, "A Wechatpay-* signature header is missing.");
        }

        if (message.SignatureType is { Length: > 0 } type && !string.Equals(type, WeChatPayAuthorization.Scheme, StringComparison.Ordinal))
        {
            return WeChatPayVerificationResult.Fail(WeChatPayVerificationStatus.UnsupportedSignatureType, $"Unsupported signature type '{type}'.");
        }

        if (!long.TryParse(message.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return WeChatPayVerificationResult.Fail(WeChatPayVerificationStatus.MalformedTimestamp, "Wechatpay-Timestamp is not a Unix time in seconds.");
        }

        // A signature stays valid forever, so the timestamp is what stops an old response or callback from being
        // replayed; the window is symmetric to tolerate clocks running ahead of ours.
        var now = _timeProvider.GetUtcNow();
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - signedAt).Duration() >= _maxClockSkew)
        {
            return WeChatPayVerificationResult.Fail(
                WeChatPayVerificationStatus.StaleTimestamp,
                string.Create(CultureInfo.InvariantCulture, $"Wechatpay-Timestamp {seconds} is outside the {_maxClockSkew.TotalSeconds:0} s window."));
        }

        if (!_store.TryGet(message.Serial, now, out var key))
        {
            return WeChatPayVerificationResult.Fail(
                WeChatPayVerificationStatus.UnknownSerial,
                $"No valid platform key for Wechatpay-Serial '{message.Serial}'.");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(message.Signature);
        }
        catch (FormatException)
        {
            return WeChatPayVerificationResult.Fail(WeChatPayVerificationStatus.BadSignature, "Wechatpay-Signature is not valid base64.");
        }

        var signedBytes = BuildMessage(message.Timestamp, message.Nonce, message.Body.Span);
        using var rsa = key.CreateRsa();
        return rsa.VerifyData(signedBytes, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ? WeChatPayVerificationResult.Valid
            : WeChatPayVerificationResult.Fail(WeChatPayVerificationStatus.BadSignature, "Wechatpay-Signature does not match the message.");
    }

    /// <summary>The bytes WeChat signs: <c>timestamp\nnonce\nbody\n</c> with the body exactly as received.</summary>
    public static byte[] BuildMessage(string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n");
        var message = new byte[head.Length + body.Length + 1];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        message[^1] = (byte)'\n';
        return message;
    }
}
