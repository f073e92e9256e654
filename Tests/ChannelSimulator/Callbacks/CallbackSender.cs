using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.Signing;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Callbacks;

/// <summary>Result of sending one trade's callback (all repeats, all retries).</summary>
/// <param name="Deliveries">Callbacks sent (more than one with <c>repeat_callbacks</c>; 0 when suppressed).</param>
/// <param name="Attempts">HTTP attempts including retries.</param>
/// <param name="Acknowledged">Every delivery was acknowledged with 200 <c>{"ack":"OK"}</c>.</param>
public sealed record CallbackDelivery(int Deliveries, int Attempts, bool Acknowledged);

/// <summary>Signs and POSTs callbacks to notify_url, retrying those not acknowledged.</summary>
internal sealed class CallbackSender(
    MerchantRegistry merchants,
    BehaviourRegistry behaviours,
    RecordLog records,
    SimulatorOptions options) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = options.CallbackTimeout };
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Sends the callback in the background (the cashier and pay endpoints do not wait for it).</summary>
    public void Dispatch(SimulatorTrade trade)
    {
        var task = Task.Run(() => SendAsync(trade, _stopping.Token));
        _running.TryAdd(task, 0);
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    public async Task<CallbackDelivery> SendAsync(SimulatorTrade trade, CancellationToken cancellationToken)
    {
        var behaviour = behaviours.Resolve(trade.OutTradeNo, SimulatorOperation.Callback);
        if (behaviour.SuppressCallbacks || !merchants.TryGetKey(trade.MerchantId, out var key))
        {
            return new CallbackDelivery(0, 0, false);
        }
        var signingKey = behaviour.BadSignature ? "wrong-" + key : key;
        var amount = behaviour.TamperCallbackAmount ? trade.Amount + 1 : trade.Amount;
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new CallbackBody($"evt_{trade.TradeNo}_{trade.Status}", trade.OutTradeNo, trade.TradeNo, trade.Status, amount, trade.Currency, trade.MerchantId, trade.PaidAt),
            SimulatorJson.Options);

        var deliveries = Math.Max(1, behaviour.RepeatCallbacks);
        var attempts = 0;
        var allAcknowledged = true;
        for (var i = 0; i < deliveries; i++)
        {
            var (acknowledged, tries) = await DeliverWithRetriesAsync(trade, amount, signingKey, body, cancellationToken);
            attempts += tries;
            allAcknowledged &= acknowledged;
        }
        return new CallbackDelivery(deliveries, attempts, allAcknowledged);
    }

    private async Task<(bool Acknowledged, int Attempts)> DeliverWithRetriesAsync(SimulatorTrade trade, long amount, string key, byte[] body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (status, acknowledged) = await PostAsync(trade, key, body, cancellationToken);
            records.Add(RecordKind.CallbackSent, trade.MerchantId, trade.OutTradeNo, trade.TradeNo, amount, trade.Currency, status,
                acknowledged ? "ACK" : status == 0 ? "ERROR" : "NO_ACK");
            if (acknowledged || attempt >= options.CallbackRetryDelays.Count)
            {
                return (acknowledged, attempt + 1);
            }
            await Task.Delay(options.CallbackRetryDelays[attempt], cancellationToken);
        }
    }

    private async Task<(int Status, bool Acknowledged)> PostAsync(SimulatorTrade trade, string key, byte[] body, CancellationToken cancellationToken)
    {
        var timestamp = MockSigner.Timestamp(options.TimeProvider.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, trade.NotifyUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(MockSigner.MerchantHeader, trade.MerchantId);
        request.Headers.Add(MockSigner.TimestampHeader, timestamp);
        request.Headers.Add(MockSigner.SignatureHeader, MockSigner.SignBody(key, timestamp, body));
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return ((int)response.StatusCode, (int)response.StatusCode == 200 && IsAck(text));
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (0, false);
        }
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

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running.Keys);
        }
        catch (Exception)
        {
            // Deliveries still retrying when the simulator stops are abandoned; their failures no longer matter.
        }
        _http.Dispose();
        _stopping.Dispose();
    }
}
