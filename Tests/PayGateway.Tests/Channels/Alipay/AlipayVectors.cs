using System.Security.Cryptography;
using System.Text.Json;
using PayGateway.Channels.Alipay;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>Reads the copied public Alipay vectors (see Vectors/alipay/README.md for provenance and licences).</summary>
internal static class AlipayVectors
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Vectors", "alipay");

    public static string Text(string relativePath) => File.ReadAllText(Path.Combine(Directory, relativePath));

    public static JsonElement Json(string relativePath)
    {
        using var document = JsonDocument.Parse(Text(relativePath));
        return document.RootElement.Clone();
    }

    public static Dictionary<string, string> Strings(JsonElement obj) =>
        obj.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    public static IEnumerable<KeyValuePair<string, string?>> Nullable(IReadOnlyDictionary<string, string> parameters) =>
        parameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value));

    public static RSA PublicKey(string relativePath) => AlipayKeys.LoadPublicKey(Text(relativePath));

    public static RSA PrivateKey(string relativePath) => AlipayKeys.LoadPrivateKey(Text(relativePath));

    public static JsonElement Case(string file, int index) => Json(file).GetProperty("cases")[index];

    public static AlipaySignType SignTypeOf(string algorithm) => algorithm switch
    {
        "SHA256withRSA" => AlipaySignType.Rsa2,
        "SHA1withRSA" => AlipaySignType.Rsa,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    /// <summary>Flips one character of a base64 signature so it stays decodable but no longer matches.</summary>
    public static string Corrupt(string base64)
    {
        var chars = base64.ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}
