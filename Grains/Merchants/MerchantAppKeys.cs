using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PayGateway.Security;

namespace PayGateway.Merchants;

/// <summary>
/// An app's keys opened for use: request verification, response signing (HMAC apps) and webhook signing. Built
/// from a <see cref="SealedMerchantApp"/>; secrets are opened on first use and kept only in this object's memory.
/// Safe for concurrent use: the app grain and every stateless worker of a silo share one instance per version.
/// </summary>
public sealed class MerchantAppKeys(SealedMerchantApp app, SecretProtector protector)
{
    // RSA objects are not documented as safe for concurrent use, so each concurrent verification rents its own;
    // a silo keeps at most a handful (one per worker thread that ever needed one at the same time).
    private readonly ConcurrentBag<RSA> _publicKeys = [];
    private byte[]? _hmacKey;
    private byte[]? _webhookKey;

    public SealedMerchantApp App => app;

    public static string Purpose(string appId, string name) => $"app:{appId}:{name}";

    public SignatureCheck Verify(MerchantAuthScheme scheme, byte[] message, string signature)
    {
        if (!app.Enabled)
        {
            return SignatureCheck.UnknownApp;
        }
        if (scheme != app.AuthScheme)
        {
            return SignatureCheck.WrongScheme;
        }
        var signatureBytes = new byte[signature.Length];
        if (!Convert.TryFromBase64String(signature, signatureBytes, out var length))
        {
            return SignatureCheck.BadSignature;
        }
        var provided = signatureBytes.AsSpan(0, length);
        var valid = scheme switch
        {
            MerchantAuthScheme.Rsa => VerifyRsa(message, provided),
            MerchantAuthScheme.Hmac => CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(HmacKey(), message), provided),
            _ => false,
        };
        return valid ? SignatureCheck.Valid : SignatureCheck.BadSignature;
    }

    /// <summary>The response signature for HMAC apps; null for RSA apps (the API host signs theirs with the gateway's key).</summary>
    public string? SignResponse(byte[] message) =>
        app.AuthScheme == MerchantAuthScheme.Hmac ? Convert.ToBase64String(HMACSHA256.HashData(HmacKey(), message)) : null;

    /// <summary><c>t=TIMESTAMP,v1=hex(HMAC-SHA256(webhook_secret, TIMESTAMP + "." + body))</c>, or null without a webhook secret.</summary>
    public string? SignWebhook(byte[] body, long timestamp)
    {
        if (app.SealedWebhookSecret is not { } sealedSecret)
        {
            return null;
        }
        var key = _webhookKey ??= Encoding.UTF8.GetBytes(protector.Open(sealedSecret, Purpose(app.AppId, "webhook")));
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return $"t={timestamp},v1={Convert.ToHexStringLower(HMACSHA256.HashData(key, signed))}";
    }

    private byte[] HmacKey() => _hmacKey ??= Encoding.UTF8.GetBytes(protector.Open(app.SealedHmacSecret!, Purpose(app.AppId, "hmac")));

    private bool VerifyRsa(byte[] message, ReadOnlySpan<byte> signature)
    {
        if (!_publicKeys.TryTake(out var rsa))
        {
            rsa = RSA.Create();
            rsa.ImportFromPem(app.PublicKeyPem);
        }
        try
        {
            return rsa.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally
        {
            _publicKeys.Add(rsa);
        }
    }

    public override string ToString() => $"MerchantAppKeys {{ AppId = {app.AppId}, Version = {app.Version} }}";
}
