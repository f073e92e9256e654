using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// One key WeChat Pay signs with: a platform certificate (identified by its serial) or a "WeChat Pay public key"
/// (identified by <c>PUB_KEY_ID_…</c>).
/// </summary>
/// <remarks>
/// Only the encoded SubjectPublicKeyInfo is kept and a fresh <see cref="RSA"/> is made per use. That way the store
/// never shares one RSA instance between threads and never depends on the lifetime of a certificate object the
/// caller may dispose.
/// </remarks>
public sealed class WeChatPayPlatformKey
{
    private readonly byte[] _subjectPublicKeyInfo;

    private WeChatPayPlatformKey(string serialNo, byte[] subjectPublicKeyInfo, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        SerialNo = serialNo;
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        NotBefore = notBefore;
        NotAfter = notAfter;
    }

    /// <summary>The serial as WeChat writes it (uppercase hex, no sign padding) or the public-key id.</summary>
    public string SerialNo { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>True when the key may be used at <paramref name="now"/>.</summary>
    public bool IsValidAt(DateTimeOffset now) => now >= NotBefore && now <= NotAfter;

    /// <summary>A new RSA instance holding the public key; the caller disposes it.</summary>
    public RSA CreateRsa()
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>Takes serial and validity from the certificate itself.</summary>
    public static WeChatPayPlatformKey FromCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var rsa = certificate.GetRSAPublicKey()
            ?? throw new CryptographicException("The certificate does not hold an RSA public key.");
        return new WeChatPayPlatformKey(
            WeChatPaySerial.Normalize(certificate.SerialNumber),
            rsa.ExportSubjectPublicKeyInfo(),
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
    }

    /// <summary>
    /// A bare public key under an id chosen by WeChat (public-key mode, or a test mapping). Without dates it never
    /// expires; rotation then happens by adding the new id and removing the old one.
    /// </summary>
    public static WeChatPayPlatformKey FromPublicKey(string keyId, RSA publicKey, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentNullException.ThrowIfNull(publicKey);
        return new WeChatPayPlatformKey(
            WeChatPaySerial.Normalize(keyId),
            publicKey.ExportSubjectPublicKeyInfo(),
            notBefore ?? DateTimeOffset.MinValue,
            notAfter ?? DateTimeOffset.MaxValue);
    }
}
