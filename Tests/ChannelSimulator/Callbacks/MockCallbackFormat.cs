using System.Net.Http.Headers;
using System.Text.Json;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Signing;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Callbacks;

/// <summary>Mock callbacks: JSON, HMAC-signed headers, acknowledged by 200 <c>{"ack":"OK"}</c>.</summary>
internal sealed class MockCallbackFormat(MerchantRegistry merchants, SimulatorOptions options) : ICallbackFormat
{
    public string Protocol => SimulatorProtocol.Mock;

    public PreparedCallback? Prepare(SimulatorTrade trade, SimulatorBehaviour behaviour)
    {
        if (trade.NotifyUrl is not { } notifyUrl || !merchants.TryGetKey(trade.MerchantId, out var key))
        {
            return null;
        }
        var signingKey = behaviour.BadSignature ? "wrong-" + key : key;
        var amount = behaviour.TamperCallbackAmount ? trade.Amount + 1 : trade.Amount;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new CallbackBody($"evt_{trade.TradeNo}_{trade.Status}", trade.OutTradeNo, trade.TradeNo, trade.Status, amount, trade.Currency, trade.MerchantId, trade.PaidAt),
            SimulatorJson.Options);

        HttpRequestMessage NewAttempt()
        {
            var timestamp = MockSigner.Timestamp(options.TimeProvider.GetUtcNow());
            var request = new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(MockSigner.MerchantHeader, trade.MerchantId);
            request.Headers.Add(MockSigner.TimestampHeader, timestamp);
            request.Headers.Add(MockSigner.SignatureHeader, MockSigner.SignBody(signingKey, timestamp, body));
            return request;
        }

        return new PreparedCallback(amount, NewAttempt, static (status, text) => status == 200 && IsAck(text));
    }

    private static bool IsAck(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("ack", out var ack)
                && ack.ValueKind == JsonValueKind.String
                && ack.GetString() == "OK";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
