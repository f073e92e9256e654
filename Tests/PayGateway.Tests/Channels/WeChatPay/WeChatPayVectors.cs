using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PayGateway.Channels.WeChatPay;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>Reads the public WeChat Pay test vectors copied to the test output (Vectors/wechatpay).</summary>
internal static class WeChatPayVectors
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Vectors", "wechatpay");

    public static string FullPath(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Text(string relative) => File.ReadAllText(FullPath(relative));

    /// <summary>Exact bytes: signed bodies must not pass through any text decoding.</summary>
    public static byte[] Bytes(string relative) => File.ReadAllBytes(FullPath(relative));

    public static JsonElement Json(string relative)
    {
        using var document = JsonDocument.Parse(Bytes(relative));
        return document.RootElement.Clone();
    }

    public static string Str(this JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new InvalidOperationException($"Vector field {name} is null.");

    public static RSA PrivateKey(string relative) => WeChatPayKeys.ImportPrivateKey(Text(relative));

    public static X509Certificate2 Certificate(string relative) => WeChatPayKeys.ImportCertificate(Text(relative));

    public static DateTimeOffset Unix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    /// <summary>The headers of a vector as the gateway would receive them.</summary>
    public static Dictionary<string, string> Headers(JsonElement vector)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in vector.GetProperty("headers").EnumerateObject())
        {
            headers[header.Name] = header.Value.GetString()!;
        }

        return headers;
    }
}
