using System.Security.Cryptography;

namespace PayGateway.Channels.Alipay;

/// <summary>Which parameters an Alipay-originated form message was signed over.</summary>
public enum AlipayNotifyRule
{
    /// <summary>
    /// Everything except <c>sign</c> and <c>sign_type</c>: trade notifies (<c>trade_status_sync</c>) and the sync
    /// <c>return_url</c> redirect. The rule a payment gateway should use.
    /// </summary>
    WithoutSignType,

    /// <summary>
    /// Everything except <c>sign</c>: some open-platform messages (e.g. <c>servicemarket_order_notify</c>) were signed
    /// this way. Never try both rules on one message: that only widens what an attacker may present.
    /// </summary>
    WithSignType,
}

public enum AlipayNotifyStatus
{
    Verified,

    /// <summary>The body is not a decodable form (or repeats a key).</summary>
    Malformed,

    MissingSignature,

    /// <summary><c>sign_type</c> names an algorithm other than the one the account is configured for.</summary>
    SignTypeMismatch,

    BadSignature,
}

/// <param name="Parameters">The decoded parameters; trust them only when <see cref="IsVerified"/>.</param>
public sealed record AlipayNotifyVerification(AlipayNotifyStatus Status, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsVerified => Status == AlipayNotifyStatus.Verified;
}

/// <summary>Verifies asynchronous notifies and sync return parameters signed by Alipay.</summary>
public static class AlipayNotifyVerifier
{
    private static readonly IReadOnlyDictionary<string, string> NoParameters = new Dictionary<string, string>();

    /// <summary>Decodes a raw form body (or return query) and verifies it.</summary>
    public static AlipayNotifyVerification VerifyForm(
        ReadOnlySpan<byte> body,
        RSA alipayPublicKey,
        AlipaySignType signType = AlipaySignType.Rsa2,
        AlipayNotifyRule rule = AlipayNotifyRule.WithoutSignType)
    {
        if (!AlipayForm.TryParse(body, out var fields))
        {
            return new AlipayNotifyVerification(AlipayNotifyStatus.Malformed, NoParameters);
        }

        return new AlipayNotifyVerification(Verify(fields, alipayPublicKey, signType, rule), fields);
    }

    /// <summary>Verifies already-decoded parameters.</summary>
    /// <param name="signType">
    /// The algorithm the account uses. The message's own <c>sign_type</c> must agree: letting the message pick its
    /// algorithm would let a forger choose the weakest one.
    /// </param>
    public static AlipayNotifyStatus Verify(
        IReadOnlyDictionary<string, string> parameters,
        RSA alipayPublicKey,
        AlipaySignType signType = AlipaySignType.Rsa2,
        AlipayNotifyRule rule = AlipayNotifyRule.WithoutSignType)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(alipayPublicKey);

        if (!parameters.TryGetValue(AlipaySigner.SignParameter, out var sign) || string.IsNullOrEmpty(sign))
        {
            return AlipayNotifyStatus.MissingSignature;
        }

        if (parameters.TryGetValue(AlipaySigner.SignTypeParameter, out var declared)
            && !string.IsNullOrEmpty(declared)
            && declared != signType.ToWireValue())
        {
            return AlipayNotifyStatus.SignTypeMismatch;
        }

        var content = AlipaySigner.BuildSignContent(
            parameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)),
            includeSignType: rule == AlipayNotifyRule.WithSignType);
        return AlipaySigner.Verify(content, sign, alipayPublicKey, signType)
            ? AlipayNotifyStatus.Verified
            : AlipayNotifyStatus.BadSignature;
    }
}
