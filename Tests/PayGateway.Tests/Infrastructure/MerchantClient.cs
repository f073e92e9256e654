using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// Signs merchant requests the way the API documentation tells merchants to, independently of the gateway's
/// code: METHOD\nPATH_AND_QUERY\nAPP_ID\nTIMESTAMP\nNONCE\nBODY\n, HMAC-SHA256 or SHA256withRSA, base64.
/// </summary>
public sealed class MerchantClient(HttpClient http, string appId, byte[]? hmacSecret = null, RSA? privateKey = null)
{
    public string AppId => appId;

    /// <summary>Overrides for negative tests; null means "do it right".</summary>
    public sealed record Tweaks(long? Timestamp = null, string? Nonce = null, string? Signature = null, string? AppId = null, string? Authorization = null, string? ContentType = null);

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, Tweaks? tweaks = null) =>
        SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body), tweaks);

    /// <summary>
    /// Posts as merchants are told to behave under load: a 503 (OVERLOADED, or DEADLINE_EXCEEDED when the request did
    /// not finish within the host's deadline) is repeated with the same body after Retry-After. Only for requests that
    /// are idempotent by their merchant number (out_trade_no, out_refund_no, out_transfer_no): the repeat gets the
    /// outcome of what the first one started.
    /// </summary>
    public Task<HttpResponseMessage> PostJsonRepeatingUnavailableAsync(string path, object body) => RepeatingUnavailableAsync(() => PostJsonAsync(path, body));

    /// <summary>A read, repeated after Retry-After while the answer is 503 (an order grain busy with a burst of work).</summary>
    public Task<HttpResponseMessage> GetRepeatingUnavailableAsync(string path) => RepeatingUnavailableAsync(() => GetAsync(path));

    /// <summary>
    /// Sends until the answer is neither 503 nor 429 (what a merchant is told to repeat), for at most a minute, so the
    /// outcome does not depend on how loaded the machine is; the last answer is returned.
    /// </summary>
    private static async Task<HttpResponseMessage> RepeatingUnavailableAsync(Func<Task<HttpResponseMessage>> send)
    {
        var giveUpAt = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var response = await send();
            if (response.StatusCode is not (System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests) || DateTime.UtcNow > giveUpAt)
            {
                return response;
            }
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    public Task<HttpResponseMessage> GetAsync(string path, Tweaks? tweaks = null) => SendAsync(HttpMethod.Get, path, null, tweaks);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? body, Tweaks? tweaks = null)
    {
        tweaks ??= new Tweaks();
        var timestamp = tweaks.Timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = tweaks.Nonce ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        // Signed over the app id it sends, as a merchant would.
        var sentAppId = tweaks.AppId ?? appId;
        var signature = tweaks.Signature ?? Sign(Encoding.UTF8.GetBytes($"{method.Method}\n{pathAndQuery}\n{sentAppId}\n{timestamp}\n{nonce}\n").Concat(bodyBytes).Append((byte)'\n').ToArray());
        var scheme = hmacSecret is not null ? "PAYGW-HMAC-SHA256" : "PAYGW-SHA256-RSA2048";
        var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization",
            tweaks.Authorization ?? $"{scheme} app_id=\"{sentAppId}\",nonce=\"{nonce}\",timestamp=\"{timestamp}\",signature=\"{signature}\"");
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
