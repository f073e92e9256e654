using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// The TRANSACTION.SUCCESS notification of a paid WeChat Pay trade: the transaction encrypted with the merchant's
/// APIv3 key (AEAD_AES_256_GCM, associated data <c>transaction</c>) inside the signed envelope. Delivery, retries,
/// repeats and records are the shared <see cref="CallbackSender"/>'s. Refund notifications are sealed the same way.
/// </summary>
internal sealed class WeChatPayNotifier(WeChatPayOrders orders, WeChatPayMerchants merchants, WeChatPayResponder responder) : ICallbackFormat
{
    public const string EventType = "TRANSACTION.SUCCESS";

    public string Protocol => SimulatorProtocol.WeChatPay;

    public PreparedCallback? Prepare(SimulatorTrade trade, SimulatorBehaviour behaviour)
    {
        // WeChat notifies payments only when they succeed.
        if (trade.Status != TradeStatus.Succeeded || trade.NotifyUrl is not { } notifyUrl
            || !orders.TryGet(trade.TradeNo, out var order) || !merchants.TryGet(trade.MerchantId, out var merchant))
        {
            return null;
        }
        var amount = behaviour.TamperCallbackAmount ? trade.Amount + 1 : trade.Amount;
        var plaintext = WeChatPayResponder.Serialize(WeChatPayViews.Transaction(trade, order, WeChatPayTradeState.Success, amount));
        var envelope = new Envelope(EventId(trade), trade.PaidAt ?? trade.CreatedAt, EventType, "支付成功", "transaction");
        return Seal(notifyUrl, merchant, envelope, plaintext, amount, behaviour);
    }

    /// <summary>The outer, signed part of a notification; <c>ResourceType</c> is both original_type and associated_data.</summary>
    public sealed record Envelope(string Id, DateTimeOffset CreateTime, string EventType, string Summary, string ResourceType);

    /// <summary>
    /// A notification to <paramref name="notifyUrl"/>: <paramref name="plaintext"/> encrypted with the merchant's APIv3
    /// key inside the signed envelope (payments here, refunds in <see cref="WeChatPayRefundNotifier"/>).
    /// </summary>
    public PreparedCallback Seal(Uri notifyUrl, WeChatPayMerchant merchant, Envelope envelope, byte[] plaintext, long amount, SimulatorBehaviour behaviour)
    {
        var nonce = WeChatPayCrypto.Nonce(12);
        var ciphertext = WeChatPayCrypto.Encrypt(merchant.ApiV3Key, nonce, envelope.ResourceType, plaintext);
        if (behaviour.TamperCallbackResource)
        {
            ciphertext = Tamper(ciphertext);
        }
        var body = WeChatPayResponder.Serialize(new JsonObject
        {
            ["id"] = envelope.Id,
            ["create_time"] = WeChatPayCrypto.Rfc3339(envelope.CreateTime),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = envelope.EventType,
            ["summary"] = envelope.Summary,
            ["resource"] = new JsonObject
            {
                ["original_type"] = envelope.ResourceType,
                ["algorithm"] = WeChatPayCrypto.AeadAlgorithm,
                ["ciphertext"] = ciphertext,
                ["associated_data"] = envelope.ResourceType,
                ["nonce"] = nonce,
            },
        });

        HttpRequestMessage NewAttempt()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            foreach (var (name, value) in responder.SignatureHeaders(body, behaviour))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            request.Headers.TryAddWithoutValidation(WeChatPayResponder.SignatureTypeHeader, WeChatPayCrypto.AuthorizationScheme);
            return request;
        }

        return new PreparedCallback(amount, NewAttempt, IsAcknowledged);
    }

    /// <summary>A UUID-shaped id, stable for <paramref name="key"/> (a redelivery carries the same id, like WeChat's).</summary>
    public static string StableId(string key) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16)).ToString();

    /// <summary>Stable per trade, so a redelivery carries the same id (UUID-shaped, like WeChat's).</summary>
    public static string EventId(SimulatorTrade trade) => StableId($"{EventType}/{trade.MerchantId}/{trade.TradeNo}");

    /// <summary>
    /// HTTP 200 or 204 acknowledges; the body may be empty or anything, except a JSON <c>code</c> other than
    /// <c>SUCCESS</c> (the older docs' <c>{"code":"FAIL"}</c>). Any other status is a refusal.
    /// </summary>
    public static bool IsAcknowledged(int status, string body)
    {
        if (status is not (200 or 204))
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("code", out var code)
                || (code.ValueKind == JsonValueKind.String && code.GetString() == "SUCCESS");
        }
        catch (JsonException)
        {
            return true;
        }
    }

    // Flips one bit of the sealed bytes: still valid base64 of the same length, but the GCM tag no longer matches.
    private static string Tamper(string ciphertext)
    {
        var bytes = Convert.FromBase64String(ciphertext);
        bytes[0] ^= 0x01;
        return Convert.ToBase64String(bytes);
    }
}
