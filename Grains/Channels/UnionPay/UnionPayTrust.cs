using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.Channels.UnionPay;

/// <summary>Which subject names a UnionPay signing certificate may carry.</summary>
public enum UnionPayCnRule
{
    /// <summary>
    /// The third <c>@</c> field of the subject CN must be <c>中国银联股份有限公司</c> (China UnionPay Co., Ltd.): any
    /// other holder of a certificate from the same CA could otherwise sign "UnionPay" answers. The default.
    /// </summary>
    Production,

    /// <summary>
    /// UnionPay's test environment: as in UnionPay's own SDK with CN validation switched off, <c>00040000:SIGN</c> is
    /// accepted as well as the production name. Only for accounts that point at the test environment.
    /// </summary>
    TestEnvironment,
}

/// <summary>
/// What an account trusts: UnionPay's root and middle (intermediate) certificates and the CN rule. A signing
/// certificate found in a message is trusted only if it chains to exactly this root through exactly this middle.
/// </summary>
public sealed class UnionPayTrust : IDisposable
{
    public const string UnionPayCompanyName = "中国银联股份有限公司";
    public const string TestEnvironmentName = "00040000:SIGN";

    public UnionPayTrust(X509Certificate2 root, X509Certificate2 middle, UnionPayCnRule cnRule = UnionPayCnRule.Production)
    {
        Root = root ?? throw new ArgumentNullException(nameof(root));
        Middle = middle ?? throw new ArgumentNullException(nameof(middle));
        CnRule = cnRule;
        // Identifies the trust configuration in the verified-certificate cache.
        Identity = $"{root.GetCertHashString(HashAlgorithmName.SHA256)}/{middle.GetCertHashString(HashAlgorithmName.SHA256)}/{cnRule}";
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Middle { get; }

    public UnionPayCnRule CnRule { get; }

    internal string Identity { get; }

    /// <summary>Loads root and middle from PEM or base64 DER (the forms UnionPay ships <c>acp_*_root.cer</c> in).</summary>
    /// <exception cref="CryptographicException">Either is not a certificate; the message says which.</exception>
    public static UnionPayTrust FromText(string rootCertificate, string middleCertificate, UnionPayCnRule cnRule = UnionPayCnRule.Production)
    {
        var root = LoadCertificate(rootCertificate, "root");
        try
        {
            return new UnionPayTrust(root, LoadCertificate(middleCertificate, "middle"), cnRule);
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>A certificate from PEM, or from bare base64 DER.</summary>
    /// <exception cref="CryptographicException">Not a certificate; <paramref name="what"/> names it in the message.</exception>
    public static X509Certificate2 LoadCertificate(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            if (text.Contains("-----BEGIN CERTIFICATE", StringComparison.Ordinal))
            {
                return X509Certificate2.CreateFromPem(text);
            }

            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text.Trim()));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            throw new CryptographicException($"The {what} certificate is not a PEM or base64 DER X.509 certificate.");
        }
    }

    /// <summary>Whether the subject CN names UnionPay under this rule (third field of <c>041@…@NAME@…</c>).</summary>
    public bool NamesUnionPay(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var parts = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false).Split('@');
        if (parts.Length < 3)
        {
            return false;
        }

        return parts[2] == UnionPayCompanyName || (CnRule == UnionPayCnRule.TestEnvironment && parts[2] == TestEnvironmentName);
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to <see cref="Root"/> through <see cref="Middle"/>, every element
    /// valid at <paramref name="at"/>. No revocation check and no downloads: UnionPay publishes no usable CRL for
    /// these, and a network fetch inside a callback would make verification depend on a third party.
    /// </summary>
    public bool Chains(X509Certificate2 certificate, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Root);
        chain.ChainPolicy.ExtraStore.Add(Middle);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        try
        {
            if (!chain.Build(certificate))
            {
                return false;
            }

            // Exactly leaf → middle → root: a leaf issued straight by the root, or by another intermediate the
            // platform happened to find, is not what the account configured.
            return chain.ChainElements.Count == 3
                && chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(Middle.RawDataMemory.Span)
                && chain.ChainElements[2].Certificate.RawDataMemory.Span.SequenceEqual(Root.RawDataMemory.Span);
        }
        finally
        {
            foreach (var element in chain.ChainElements)
            {
                // Elements are the chain's own copies; never dispose an instance the caller or this object owns.
                if (!ReferenceEquals(element.Certificate, certificate) && !ReferenceEquals(element.Certificate, Root) && !ReferenceEquals(element.Certificate, Middle))
                {
                    element.Certificate.Dispose();
                }
            }
        }
    }

    public void Dispose()
    {
        Root.Dispose();
        Middle.Dispose();
    }

    public override string ToString() => $"UnionPayTrust {{ Root = {Root.Subject}, Middle = {Middle.Subject}, CnRule = {CnRule} }}";
}
