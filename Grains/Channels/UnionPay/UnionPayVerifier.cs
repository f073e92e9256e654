using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PayGateway.Channels.UnionPay;

public enum UnionPayVerifyStatus
{
    Verified,

    /// <summary>No <c>signature</c>.</summary>
    MissingSignature,

    /// <summary><c>version</c> is not 5.1.0 or <c>signMethod</c> is not 01: another signing scheme, not checked here.</summary>
    UnsupportedScheme,

    /// <summary>No <c>signPubKeyCert</c>, or it is not a certificate with an RSA key.</summary>
    MissingCertificate,

    /// <summary>The certificate does not chain to the account's root through its middle, at the verification time.</summary>
    UntrustedCertificate,

    /// <summary>The certificate chains, but its CN does not name UnionPay under the account's rule.</summary>
    NotUnionPayCertificate,

    BadSignature,
}

/// <summary>
/// Verifies UnionPay-signed fields (synchronous answers and notifications) the 5.1.0 way: the public key comes from
/// the message's own <c>signPubKeyCert</c>, which is trusted only after the chain and CN checks of
/// <see cref="UnionPayTrust"/>. The verification time comes from the <see cref="TimeProvider"/>, so certificates
/// can be checked at a moment inside their validity.
/// </summary>
/// <remarks>
/// Thread-safe. Certificates that passed the chain and CN checks are remembered by PEM and trust configuration (the
/// SDKs do the same: one chain build per UnionPay key rotation, not per message); a remembered certificate is still
/// refused outside its validity period.
/// </remarks>
public sealed class UnionPayVerifier(TimeProvider timeProvider)
{
    private const int MaxCachedCertificates = 64;

    private readonly ConcurrentDictionary<string, TrustedKey> _trusted = new(StringComparer.Ordinal);

    private sealed record TrustedKey(byte[] SubjectPublicKeyInfo, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

    public UnionPayVerifyStatus Verify(IReadOnlyDictionary<string, string> fields, UnionPayTrust trust)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(trust);

        if (!fields.TryGetValue(UnionPaySignContent.SignatureField, out var signature) || string.IsNullOrEmpty(signature))
        {
            return UnionPayVerifyStatus.MissingSignature;
        }

        if (fields.GetValueOrDefault(UnionPayFields.Version) != UnionPayFields.Version510
            || fields.GetValueOrDefault(UnionPayFields.SignMethod) != UnionPayFields.SignMethodRsa)
        {
            return UnionPayVerifyStatus.UnsupportedScheme;
        }

        if (!fields.TryGetValue(UnionPayFields.SignPubKeyCert, out var pem) || string.IsNullOrEmpty(pem))
        {
            return UnionPayVerifyStatus.MissingCertificate;
        }

        var (status, key) = TrustedKeyOf(pem, trust);
        if (status != UnionPayVerifyStatus.Verified)
        {
            return status;
        }

        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(key!.SubjectPublicKeyInfo, out _);
        string content;
        try
        {
            content = UnionPaySignContent.Build(fields);
        }
        catch (ArgumentException)
        {
            return UnionPayVerifyStatus.BadSignature;
        }

        return UnionPaySignature.Verify(content, signature, rsa) ? UnionPayVerifyStatus.Verified : UnionPayVerifyStatus.BadSignature;
    }

    /// <summary>
    /// Checks only the signature, with a public key the caller already trusts (the vector of pre-assembled content
    /// and UnionPay's published signing certificate).
    /// </summary>
    public static bool VerifyContent(string content, string signature, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var rsa = certificate.GetRSAPublicKey();
        return rsa is not null && UnionPaySignature.Verify(content, signature, rsa);
    }

    private (UnionPayVerifyStatus Status, TrustedKey? Key) TrustedKeyOf(string pem, UnionPayTrust trust)
    {
        var now = timeProvider.GetUtcNow();
        var cacheKey = trust.Identity + "/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pem)));
        if (_trusted.TryGetValue(cacheKey, out var cached))
        {
            return now >= cached.NotBefore && now <= cached.NotAfter
                ? (UnionPayVerifyStatus.Verified, cached)
                : (UnionPayVerifyStatus.UntrustedCertificate, null);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException)
        {
            return (UnionPayVerifyStatus.MissingCertificate, null);
        }

        using (certificate)
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is null)
            {
                return (UnionPayVerifyStatus.MissingCertificate, null);
            }

            if (!trust.Chains(certificate, now))
            {
                return (UnionPayVerifyStatus.UntrustedCertificate, null);
            }

            if (!trust.NamesUnionPay(certificate))
            {
                return (UnionPayVerifyStatus.NotUnionPayCertificate, null);
            }

            var key = new TrustedKey(rsa.ExportSubjectPublicKeyInfo(), new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
            if (_trusted.Count >= MaxCachedCertificates)
            {
                _trusted.Clear();
            }

            _trusted[cacheKey] = key;
            return (UnionPayVerifyStatus.Verified, key);
        }
    }
}
