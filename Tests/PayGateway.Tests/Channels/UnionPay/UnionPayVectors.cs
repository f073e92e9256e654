using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels.UnionPay;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>Reads the copied public UnionPay vectors (see Vectors/unionpay/README.md for provenance and licences).</summary>
internal static class UnionPayVectors
{
    public const string PfxPassword = "000000";

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Vectors", "unionpay");

    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(Directory, relativePath));

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(Path.Combine(Directory, relativePath));

    public static JsonElement Json(string relativePath)
    {
        using var document = JsonDocument.Parse(Text(relativePath));
        return document.RootElement.Clone();
    }

    public static Dictionary<string, string> Strings(JsonElement obj) =>
        obj.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    public static X509Certificate2 Certificate(string relativePath) => X509CertificateLoader.LoadCertificate(Bytes(relativePath));

    /// <summary>The CFCA TEST chain both vector signing certificates were issued under.</summary>
    public static UnionPayTrust TestTrust(UnionPayCnRule rule = UnionPayCnRule.Production) =>
        new(Certificate("keys/omnipay-acp_test_root.cer"), Certificate("keys/omnipay-acp_test_middle.cer"), rule);

    /// <summary>A verifier whose clock stands at <paramref name="utc"/> (the vector certificates have expired since).</summary>
    public static UnionPayVerifier VerifierAt(DateTimeOffset utc) => new(new FakeTimeProvider(utc));

    /// <summary>Inside the 2020–2025 validity of UnionPay's test signing certificate, when the yansongda vectors were made.</summary>
    public static readonly DateTimeOffset Sept2022 = new(2022, 9, 11, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Inside the 2015–2017 validity of the omnipay notification's signing certificate.</summary>
    public static readonly DateTimeOffset Oct2017 = new(2017, 10, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Flips one character of a base64 signature so it stays decodable but no longer matches.</summary>
    public static string Corrupt(string base64)
    {
        var chars = base64.ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}
