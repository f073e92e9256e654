using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// A throw-away stand-in for UnionPay's CA chain, made in memory at simulator start: a root ("CFCA TEST CS CA"
/// style), a middle ("OCA1" style) issued by it, and UnionPay's signing certificate issued by the middle, whose CN
/// names China UnionPay in its third <c>@</c> field like the real one. No private key is ever written anywhere.
/// </summary>
public sealed class UnionPayCertificateAuthority : IDisposable
{
    /// <summary>The CN layout of UnionPay's real signing certificate (third field: the company name).</summary>
    public const string UnionPaySigningCn = "041@8310000000083040@中国银联股份有限公司@00016495";

    private readonly RSA _rootKey;
    private readonly RSA _middleKey;

    private UnionPayCertificateAuthority(X509Certificate2 root, RSA rootKey, X509Certificate2 middle, RSA middleKey, X509Certificate2 signing)
    {
        Root = root;
        _rootKey = rootKey;
        Middle = middle;
        _middleKey = middleKey;
        Signing = signing;
    }

    /// <summary>Self-signed root; the gateway account's <c>root_cert</c>.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>Issued by <see cref="Root"/>; the gateway account's <c>middle_cert</c>.</summary>
    public X509Certificate2 Middle { get; }

    /// <summary>UnionPay's signing certificate with its private key, issued by <see cref="Middle"/>.</summary>
    public X509Certificate2 Signing { get; }

    public string RootPem => Root.ExportCertificatePem();

    public string MiddlePem => Middle.ExportCertificatePem();

    /// <summary>The signing certificate as UnionPay sends <c>signPubKeyCert</c>: PEM with CRLF line breaks.</summary>
    public string SigningPemCrlf => ToCrlfPem(Signing);

    /// <summary>Creates a chain valid from a day before <paramref name="now"/> for years.</summary>
    public static UnionPayCertificateAuthority Create(DateTimeOffset now, string signingCn = UnionPaySigningCn)
    {
        var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=Simulated CFCA TEST CS CA, O=UnionPay Simulator, C=CN", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        AddCaExtensions(rootRequest);
        var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));

        var middleKey = RSA.Create(2048);
        var middle = Issue("CN=Simulated CFCA TEST OCA1, O=UnionPay Simulator, C=CN", middleKey, root, rootKey, now.AddDays(-1), now.AddYears(15), ca: true);
        var signing = IssueLeaf(signingCn, middle, middleKey, now.AddDays(-1), now.AddYears(5));
        return new UnionPayCertificateAuthority(root, rootKey, middle, middleKey, signing);
    }

    /// <summary>Another leaf issued by this middle (a non-UnionPay holder of a certificate from the same CA).</summary>
    public X509Certificate2 IssueFromMiddle(string cn, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        IssueLeaf(cn, Middle, _middleKey, notBefore, notAfter);

    /// <summary>A leaf issued straight by the root, skipping the middle.</summary>
    public X509Certificate2 IssueFromRoot(string cn, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        IssueLeaf(cn, Root, _rootKey, notBefore, notAfter);

    public static string ToCrlfPem(X509Certificate2 certificate) =>
        certificate.ExportCertificatePem().ReplaceLineEndings("\r\n");

    private static X509Certificate2 IssueLeaf(string cn, X509Certificate2 issuer, RSA issuerKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        // The CN holds '@' and Chinese characters; building the name keeps them as one UTF8String attribute.
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("CN");
        name.AddOrganizationName("UnionPay Simulator");
        name.AddCommonName(cn);
        return Issue(name.Build(), key, issuer, issuerKey, notBefore, notAfter, ca: false);
    }

    private static X509Certificate2 Issue(string subject, RSA key, X509Certificate2 issuer, RSA issuerKey, DateTimeOffset notBefore, DateTimeOffset notAfter, bool ca) =>
        Issue(new X500DistinguishedName(subject), key, issuer, issuerKey, notBefore, notAfter, ca);

    private static X509Certificate2 Issue(X500DistinguishedName subject, RSA key, X509Certificate2 issuer, RSA issuerKey, DateTimeOffset notBefore, DateTimeOffset notAfter, bool ca)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (ca)
        {
            AddCaExtensions(request);
        }
        else
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomSerial();
        var generator = X509SignatureGenerator.CreateForRSA(issuerKey, RSASignaturePadding.Pkcs1);
        // Never outlive the issuer: a chain with a child valid longer than its parent fails validation at the end.
        var end = notAfter < issuer.NotAfter ? notAfter : new DateTimeOffset(issuer.NotAfter.ToUniversalTime());
        using var certificate = request.Create(issuer.SubjectName, generator, notBefore, end, serial);
        return certificate.CopyWithPrivateKey(key);
    }

    private static void AddCaExtensions(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
    }

    // Positive, 5 bytes like UnionPay's (its certId values are 11 decimal digits).
    private static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(5);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x10);
        return serial;
    }

    /// <summary>The decimal serial (UnionPay's <c>certId</c> form) of a certificate, computed independently of the gateway.</summary>
    public static string DecimalSerial(X509Certificate2 certificate) =>
        new BigInteger(certificate.GetSerialNumber(), isUnsigned: true, isBigEndian: false).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Signing.Dispose();
        Middle.Dispose();
        Root.Dispose();
        _middleKey.Dispose();
        _rootKey.Dispose();
    }
}
