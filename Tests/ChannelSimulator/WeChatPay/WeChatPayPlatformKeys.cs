using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>A platform certificate the simulator signs with (or signed with before a rotation).</summary>
/// <param name="SerialNo">As sent in <c>Wechatpay-Serial</c>: upper-case hex.</param>
/// <param name="CertificatePem">The self-signed certificate, PEM.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="Signing">True for the one the simulator signs with now.</param>
public sealed record WeChatPayPlatformCertificate(string SerialNo, string CertificatePem, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool Signing);

/// <summary>
/// The platform keys: one generated at start; a rotation adds a new one and signs with it from then on, while the
/// download keeps serving the older ones (WeChat rotates with an overlap) until they are retired.
/// </summary>
internal sealed class WeChatPayPlatformKeys : IDisposable
{
    private sealed record Entry(string SerialNo, RSA Key, string CertificatePem, DateTimeOffset NotBefore, DateTimeOffset NotAfter);

    private readonly Lock _lock = new();
    private readonly List<Entry> _served = [];
    private readonly List<RSA> _keys = [];
    private readonly TimeProvider _time;
    private readonly WeChatPaySimulatorOptions _options;
    private Entry _signing;

    public WeChatPayPlatformKeys(TimeProvider time, SimulatorOptions options)
    {
        _time = time;
        _options = options.WeChatPay;
        _signing = Issue();
    }

    /// <summary>Every certificate the download serves, oldest first.</summary>
    public IReadOnlyList<WeChatPayPlatformCertificate> Served
    {
        get
        {
            lock (_lock)
            {
                return [.. _served.Select(View)];
            }
        }
    }

    public WeChatPayPlatformCertificate Current
    {
        get
        {
            lock (_lock)
            {
                return View(_signing);
            }
        }
    }

    /// <summary>Makes a new certificate and key, serves it next to the old ones and signs with it from now on.</summary>
    public WeChatPayPlatformCertificate Rotate()
    {
        var entry = Issue();
        lock (_lock)
        {
            _signing = entry;
            return View(entry);
        }
    }

    /// <summary>Stops serving a certificate (not the one signing). False when it is unknown or still signing.</summary>
    public bool Retire(string serialNo)
    {
        var serial = WeChatPayCrypto.NormalizeSerial(serialNo);
        lock (_lock)
        {
            return serial != _signing.SerialNo && _served.RemoveAll(e => e.SerialNo == serial) > 0;
        }
    }

    /// <summary>Signs with the current key; returns its serial and the base64 signature.</summary>
    public (string SerialNo, string Signature) Sign(byte[] message)
    {
        lock (_lock)
        {
            // One lock around the RSA operation: the simulator never relies on RSA instances being thread-safe.
            return (_signing.SerialNo, WeChatPayCrypto.Sign(_signing.Key, message));
        }
    }

    /// <summary>
    /// Decrypts a sensitive request field with the private key of the served certificate <paramref name="serialNo"/>
    /// (the request's <c>Wechatpay-Serial</c>); null when no served certificate has that serial or it does not decrypt.
    /// </summary>
    public string? Decrypt(string? serialNo, string ciphertextBase64)
    {
        if (string.IsNullOrWhiteSpace(serialNo))
        {
            return null;
        }
        var serial = WeChatPayCrypto.NormalizeSerial(serialNo);
        lock (_lock)
        {
            return _served.FirstOrDefault(e => e.SerialNo == serial) is { } entry ? WeChatPayCrypto.DecryptSensitive(entry.Key, ciphertextBase64) : null;
        }
    }

    /// <summary>A well-formed serial that names no certificate the simulator issued.</summary>
    public string UnknownSerial()
    {
        lock (_lock)
        {
            while (true)
            {
                var serial = NewSerial();
                if (_served.All(e => e.SerialNo != serial))
                {
                    return serial;
                }
            }
        }
    }

    private Entry Issue()
    {
        var key = RSA.Create(2048);
        var serialBytes = Convert.FromHexString(NewSerial());
        var now = _time.GetUtcNow();
        // X.509 keeps whole seconds; so do the dates reported beside the certificate.
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(now.AddDays(-1).ToUnixTimeSeconds());
        var notAfter = DateTimeOffset.FromUnixTimeSeconds(now.Add(_options.PlatformCertificateValidity).ToUnixTimeSeconds());
        var name = new X500DistinguishedName($"CN=WeChat Pay Simulator Platform {Convert.ToHexString(serialBytes)[..8]}, O=PayGateway Channel Simulator");
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.Create(name, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), notBefore, notAfter, serialBytes);
        var entry = new Entry(WeChatPayCrypto.NormalizeSerial(certificate.SerialNumber), key, certificate.ExportCertificatePem(), notBefore, notAfter);
        lock (_lock)
        {
            _keys.Add(key);
            _served.Add(entry);
        }
        return entry;
    }

    // 20 bytes like WeChat's serials; the first byte is 0x10-0x7F so the hex has no leading zero and no DER sign byte.
    private static string NewSerial()
    {
        var bytes = RandomNumberGenerator.GetBytes(20);
        bytes[0] = (byte)(0x10 + (bytes[0] % 0x70));
        return Convert.ToHexString(bytes);
    }

    private WeChatPayPlatformCertificate View(Entry e) => new(e.SerialNo, e.CertificatePem, e.NotBefore, e.NotAfter, ReferenceEquals(e, _signing));

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var key in _keys)
            {
                key.Dispose();
            }
            _keys.Clear();
        }
    }
}
