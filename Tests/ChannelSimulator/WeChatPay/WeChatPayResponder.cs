using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Protocol;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// Signs what WeChat Pay sends (API answers, errors included, and notifications) with the current platform key:
/// <c>Wechatpay-Timestamp</c>, <c>-Nonce</c>, <c>-Signature</c> over <c>timestamp\nnonce\nbody\n</c>, and <c>-Serial</c>.
/// The behaviour's <c>bad_signature</c>, <c>wrong_serial</c> and <c>stale_timestamp</c> spoil exactly that part.
/// </summary>
internal sealed class WeChatPayResponder(WeChatPayPlatformKeys platform, TimeProvider time, SimulatorOptions options)
{
    public const string TimestampHeader = "Wechatpay-Timestamp";
    public const string NonceHeader = "Wechatpay-Nonce";
    public const string SignatureHeader = "Wechatpay-Signature";
    public const string SerialHeader = "Wechatpay-Serial";
    public const string SignatureTypeHeader = "Wechatpay-Signature-Type";

    /// <summary>Body object meaning "no body" (204 answers).</summary>
    public static readonly object NoContent = new();

    // WeChat writes Chinese text unescaped; the signature covers whatever bytes are sent either way.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Json);

    /// <summary>Writes an answer with its signature headers (used by <see cref="WeChatPayApiCall"/> and for refusals).</summary>
    public Task WriteAsync(HttpContext context, int status, object body, SimulatorBehaviour behaviour)
    {
        var bytes = body switch
        {
            _ when ReferenceEquals(body, NoContent) => [],
            JsonNode node => Serialize(node),
            _ => JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), SimulatorJson.Options),
        };
        var response = context.Response;
        response.StatusCode = status;
        foreach (var (name, value) in SignatureHeaders(bytes, behaviour))
        {
            response.Headers[name] = value;
        }
        response.Headers["Request-ID"] = "sim-" + Guid.NewGuid().ToString("N");
        if (bytes.Length == 0)
        {
            return Task.CompletedTask;
        }
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes.AsMemory(), CancellationToken.None).AsTask();
    }

    /// <summary>The four signature headers for <paramref name="body"/>, freshly timestamped.</summary>
    public IEnumerable<KeyValuePair<string, string>> SignatureHeaders(byte[] body, SimulatorBehaviour behaviour)
    {
        var signedAt = time.GetUtcNow();
        if (behaviour.StaleTimestamp)
        {
            signedAt -= options.WeChatPay.StaleTimestampAge;
        }
        var timestamp = WeChatPayCrypto.UnixSeconds(signedAt);
        var nonce = WeChatPayCrypto.Nonce(32);
        // A bad signature is a real signature by the real key, over something other than what is sent.
        var signedBody = behaviour.BadSignature ? [.. body, (byte)' '] : body;
        var (serial, signature) = platform.Sign(WeChatPayCrypto.ResponseMessage(timestamp, nonce, signedBody));
        return
        [
            new(TimestampHeader, timestamp),
            new(NonceHeader, nonce),
            new(SignatureHeader, signature),
            new(SerialHeader, behaviour.WrongSerial ? platform.UnknownSerial() : serial),
        ];
    }
}
