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
        var amount = behaviour.TamperCallbackAmount ? trade.Amount + 1 : trade.Amount;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new CallbackBody($"evt_{trade.TradeNo}_{trade.Status}", trade.OutTradeNo, trade.TradeNo, trade.Status, amount, trade.Currency, trade.MerchantId, trade.PaidAt),
            SimulatorJson.Options);
        return Signed(notifyUrl, trade.MerchantId, behaviour.BadSignature ? "wrong-" + key : key, body, amount);
    }

    /// <summary>
    /// The callback of a refund that became final: <c>type</c> "refund" plus the refund object, signed and acknowledged
    /// like a payment callback. Null without a notify_url or a key.
    /// </summary>
    public PreparedCallback? PrepareRefund(SimulatorRefund refund, SimulatorBehaviour behaviour)
    {
        if (refund.NotifyUrl is not { } notifyUrl || !merchants.TryGetKey(refund.MerchantId, out var key))
        {
            return null;
        }
        var amount = behaviour.TamperCallbackAmount ? refund.Amount + 1 : refund.Amount;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new RefundCallbackBody("refund", $"evt_{refund.RefundNo}_{refund.Status}", refund.OutRefundNo, refund.RefundNo, refund.OutTradeNo,
                refund.MerchantId, amount, refund.Currency, refund.Status, refund.SucceededAt),
            SimulatorJson.Options);
        return Signed(notifyUrl, refund.MerchantId, behaviour.BadSignature ? "wrong-" + key : key, body, amount);
    }

    /// <summary>
    /// The notification of a contract that was signed or ended: <c>type</c> "contract", <c>event_type</c>
    /// <c>contract.signed</c> or <c>contract.terminated</c>, signed and acknowledged like a payment callback. Null without
    /// a key, or while the contract is neither signed nor terminated.
    /// </summary>
    public PreparedCallback? PrepareContract(SimulatorContract contract, SimulatorBehaviour behaviour)
    {
        var (eventType, time) = contract switch
        {
            { Status: MockContractStatus.Signed, SignedAt: { } at } => ("contract.signed", at),
            { Status: MockContractStatus.Terminated, TerminatedAt: { } at } => ("contract.terminated", at),
            _ => (null, default(DateTimeOffset)),
        };
        if (eventType is null || !merchants.TryGetKey(contract.MerchantId, out var key))
        {
            return null;
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new ContractCallbackBody("contract", $"evt_{contract.ContractId}_{contract.Status}", eventType, contract.ContractCode,
                contract.SignedAt is null ? null : contract.ContractId, contract.MerchantId, contract.Status, time),
            SimulatorJson.Options);
        return Signed(contract.NotifyUrl, contract.MerchantId, behaviour.BadSignature ? "wrong-" + key : key, body, contract.AmountPerDeduction);
    }

    // Each attempt is freshly timestamped and signed over the same body.
    private PreparedCallback Signed(Uri notifyUrl, string merchantId, string signingKey, byte[] body, long amount)
    {
        HttpRequestMessage NewAttempt()
        {
            var timestamp = MockSigner.Timestamp(options.TimeProvider.GetUtcNow());
            var request = new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(MockSigner.MerchantHeader, merchantId);
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
