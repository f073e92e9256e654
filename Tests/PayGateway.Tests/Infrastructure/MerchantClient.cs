using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// Signs merchant requests the way the API documentation tells merchants to, independently of the gateway's
/// code: METHOD\nPATH_AND_QUERY\nTIMESTAMP\nNONCE\nBODY\n, HMAC-SHA256 or SHA256withRSA, base64.
/// </summary>
public sealed class MerchantClient(HttpClient http, string appId, byte[]? hmacSecret = null, RSA? privateKey = null)
{
    public string AppId => appId;

    /// <summary>Overrides for negative tests; null means "do it right".</summary>
    public sealed record Tweaks(long? Timestamp = null, string? Nonce = null, string? Signature = null, string? AppId = null, string? Authorization = null, string? ContentType = null);

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, Tweaks? tweaks = null) =>
        SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body), tweaks);

    public Task<HttpResponseMessage> GetAsync(string path, Tweaks? tweaks = null) => SendAsync(HttpMethod.Get, path, null, tweaks);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? body, Tweaks? tweaks = null)
    {
        tweaks ??= new Tweaks();
        var timestamp = tweaks.Timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = tweaks.Nonce ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var signature = tweaks.Signature ?? Sign(Encoding.UTF8.GetBytes($"{method.Method}\n{pathAndQuery}\n{timestamp}\n{nonce}\n").Concat(bodyBytes).Append((byte)'\n').ToArray());
        var scheme = hmacSecret is not null ? "PAYGW-HMAC-SHA256" : "PAYGW-SHA256-RSA2048";
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization",
            tweaks.Authorization ?? $"{scheme} app_id=\"{tweaks.AppId ?? appId}\",nonce=\"{nonce}\",timestamp=\"{timestamp}\",signature=\"{signature}\"");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bodyBytes);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(tweaks.ContentType ?? "application/json");
        }
        return await http.SendAsync(request);
    }

    public string Sign(byte[] message) => hmacSecret is not null
        ? Convert.ToBase64String(HMACSHA256.HashData(hmacSecret, message))
        : Convert.ToBase64String(privateKey!.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
}
