using System.Security.Cryptography;

namespace PayGateway.Channels.WeChatPay;

/// <summary>Why a callback was accepted or rejected.</summary>
public enum WeChatPayNotificationStatus
{
    Verified,
    SignatureInvalid,
    Malformed,
    UnsupportedAlgorithm,
    DecryptionFailed,
}

/// <summary>
/// A callback after verification and decryption. <see cref="Plaintext"/> is the decrypted resource (JSON for
/// payments and refunds). The reason is safe to log; the plaintext is payment data and should not be logged whole.
/// </summary>
public sealed record WeChatPayNotificationResult(
    WeChatPayNotificationStatus Status,
    string? Reason,
    WeChatPayVerificationResult? Verification = null,
    WeChatPayNotificationEnvelope? Envelope = null,
    string? Plaintext = null)
{
    public bool IsVerified => Status == WeChatPayNotificationStatus.Verified;
}

/// <summary>Opens a WeChat Pay callback: signature first, then the envelope, then the AEAD resource.</summary>
public static class WeChatPayNotification
{
    public const string TransactionSuccessEvent = "TRANSACTION.SUCCESS";

    /// <summary>
    /// Verifies and decrypts. The signature is checked before the body is parsed so an unauthenticated sender
    /// cannot make us do anything but one RSA verification.
    /// </summary>
    public static WeChatPayNotificationResult Open(WeChatPaySignedMessage message, WeChatPaySignatureVerifier verifier, string apiV3Key)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(verifier);

        var verification = verifier.Verify(message);
        if (!verification.IsValid)
        {
            return new(WeChatPayNotificationStatus.SignatureInvalid, verification.Reason, verification);
        }

        if (!WeChatPayNotificationEnvelope.TryParse(message.Body.Span, out var envelope))
        {
            return new(WeChatPayNotificationStatus.Malformed, "The callback body is not a WeChat Pay notification.", verification);
        }

        if (!string.Equals(envelope.Resource.Algorithm, WeChatPayAesGcm.Algorithm, StringComparison.Ordinal))
        {
            return new(WeChatPayNotificationStatus.UnsupportedAlgorithm, $"Unsupported resource algorithm '{envelope.Resource.Algorithm}'.", verification, envelope);
        }

        try
        {
            var plaintext = envelope.Resource.Decrypt(apiV3Key);
            return new(WeChatPayNotificationStatus.Verified, null, verification, envelope, plaintext);
        }
        catch (CryptographicException)
        {
            // The exception text adds nothing useful and is deliberately not passed on: it must never carry key data.
            return new(WeChatPayNotificationStatus.DecryptionFailed, "The resource did not decrypt with the APIv3 key.", verification, envelope);
        }
    }

    /// <summary>
    /// Opens a payment callback and reads the transaction from it. Fails as <see cref="WeChatPayNotificationStatus.Malformed"/>
    /// when the plaintext is not a transaction.
    /// </summary>
    public static WeChatPayNotificationResult OpenTransaction(
        WeChatPaySignedMessage message,
        WeChatPaySignatureVerifier verifier,
        string apiV3Key,
        out WeChatPayTransaction? transaction)
    {
        transaction = null;
        var result = Open(message, verifier, apiV3Key);
        if (!result.IsVerified)
        {
            return result;
        }

        if (!WeChatPayTransaction.TryParse(result.Plaintext!, out transaction))
        {
            return result with { Status = WeChatPayNotificationStatus.Malformed, Reason = "The decrypted resource is not a transaction." };
        }

        return result;
    }
}
