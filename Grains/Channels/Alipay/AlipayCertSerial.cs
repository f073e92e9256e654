using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// The certificate serial numbers of Alipay's "public key certificate" mode: <c>app_cert_sn</c>,
/// <c>alipay_root_cert_sn</c> and the <c>alipay_cert_sn</c> that cert-mode responses carry.
/// </summary>
/// <remarks>
/// Alipay defined the value as what its Java SDK computes: md5 hex of the issuer name as Java's
/// <c>X500Principal.getName()</c> prints it (RFC 2253: most specific RDN first, <c>,</c> without spaces) followed by
/// the serial number in decimal.
/// </remarks>
public static class AlipayCertSerial
{
    private const string Sha1WithRsaOid = "1.2.840.113549.1.1.5";
    private const string Sha256WithRsaOid = "1.2.840.113549.1.1.11";

    /// <summary>The serial of one certificate, e.g. <c>app_cert_sn</c> from <c>appCertPublicKey_*.crt</c>.</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var source = FormatIssuer(certificate.IssuerName) + DecimalSerial(certificate);
        return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>The serial of the first certificate in a PEM file (the leaf when the file holds a chain).</summary>
    public static string OfPem(string pemText)
    {
        using var certificate = AlipayKeys.LoadCertificate(pemText);
        return Of(certificate);
    }

    /// <summary>
    /// <c>alipay_root_cert_sn</c>: the serials of the RSA-signed roots in <c>alipayRootCert.crt</c>, joined with
    /// <c>_</c>. The bundle also holds SM2 and ECDSA roots, which Alipay leaves out of the value.
    /// </summary>
    public static string RootOfPem(string rootBundlePem)
    {
        var certificates = AlipayKeys.LoadCertificates(rootBundlePem);
        try
        {
            var serials = certificates
                .Where(c => c.SignatureAlgorithm.Value is Sha1WithRsaOid or Sha256WithRsaOid)
                .Select(Of)
                .ToList();
            if (serials.Count == 0)
            {
                throw new CryptographicException("The root certificate bundle contains no sha1/sha256WithRSA certificate.");
            }

            return string.Join('_', serials);
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
    }

    /// <summary>The issuer (or any) name written as Java's RFC 2253 <c>X500Principal.getName()</c> writes it.</summary>
    public static string FormatIssuer(X500DistinguishedName name)
    {
        ArgumentNullException.ThrowIfNull(name);

        // The encoding lists the least specific RDN (C) first; RFC 2253 text starts with the most specific one, which is
        // what reversed enumeration yields. Spelled out because the parameter's default is easy to misread.
        var rdns = name.EnumerateRelativeDistinguishedNames(reversed: true);
        return string.Join(',', rdns.Select(FormatRdn));
    }

    private static string FormatRdn(X500RelativeDistinguishedName rdn)
    {
        if (rdn.HasMultipleElements)
        {
            // Alipay's CAs never issue multi-valued RDNs; guessing Java's ordering of them would risk a silent mismatch.
            throw new CryptographicException("Multi-valued RDNs in a certificate name are not supported.");
        }

        var oid = rdn.GetSingleElementType().Value
            ?? throw new CryptographicException("A certificate name element has no type.");
        var value = rdn.GetSingleElementValue()
            ?? throw new CryptographicException("A certificate name element has a value that is not a string.");
        return AttributeKeyword(oid) + "=" + EscapeValue(value);
    }

    // The keywords Java's RFC 2253 output uses. Java writes any other attribute as OID=#<hex DER>; Alipay's CAs do not
    // use such attributes, so refuse rather than produce a serial that would silently differ from Alipay's.
    private static string AttributeKeyword(string oid) => oid switch
    {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        _ => throw new CryptographicException($"Certificate name attribute {oid} is not supported for Alipay serial numbers."),
    };

    private static string EscapeValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var special = c is ',' or '+' or '"' or '\\' or '<' or '>' or ';'
                || (i == 0 && (c == '#' || c == ' '))
                || (i == value.Length - 1 && c == ' ');
            if (special)
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static string DecimalSerial(X509Certificate2 certificate)
    {
        // SerialNumberBytes is the DER INTEGER content (big-endian, two's complement), which is exactly what Java's
        // getSerialNumber() turns into a BigInteger. The hex SerialNumber string would lose that sign information.
        var bytes = certificate.SerialNumberBytes.Span;
        if (bytes.IsEmpty)
        {
            throw new CryptographicException("The certificate has an empty serial number.");
        }

        return new BigInteger(bytes, isUnsigned: false, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
