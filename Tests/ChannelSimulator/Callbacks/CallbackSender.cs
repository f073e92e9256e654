using System.Collections.Concurrent;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Callbacks;

/// <summary>Result of sending one trade's callback (all repeats, all retries).</summary>
/// <param name="Deliveries">Callbacks sent (more than one with <c>repeat_callbacks</c>; 0 when suppressed).</param>
/// <param name="Attempts">HTTP attempts including retries.</param>
/// <param name="Acknowledged">Every delivery was acknowledged (mock: 200 <c>{"ack":"OK"}</c>; Alipay: 200 <c>success</c>).</param>
public sealed record CallbackDelivery(int Deliveries, int Attempts, bool Acknowledged);

/// <summary>What a callback is about, as its <c>callback_sent</c> records name it.</summary>
/// <param name="TradeNo">Payments: the trade number; refunds: the out_refund_no (as in the <c>refunded</c> record).</param>
internal sealed record CallbackSubject(string MerchantId, string? OutTradeNo, string? TradeNo, string? Currency);

/// <summary>
/// Delivers callbacks to notify_url in the trade's protocol (<see cref="ICallbackFormat"/>): repeats, retries those
/// not acknowledged, and records every attempt.
/// </summary>
internal sealed class CallbackSender(
    IEnumerable<ICallbackFormat> formats,
    BehaviourRegistry behaviours,
    RecordLog records,
    SimulatorOptions options) : IAsyncDisposable
{
    private readonly Dictionary<string, ICallbackFormat> _formats = formats.ToDictionary(f => f.Protocol, StringComparer.Ordinal);
    private readonly HttpClient _http = new() { Timeout = options.CallbackTimeout };
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Sends the callback in the background (the cashier and pay endpoints do not wait for it).</summary>
    public void Dispatch(SimulatorTrade trade) => Run(token => SendAsync(trade, token));

    /// <summary>
    /// Sends another kind of callback (a refund's) in the background. <paramref name="prepare"/> builds it under the
    /// behaviour resolved for the first of <paramref name="behaviourKeys"/> that has one.
    /// </summary>
    public void Dispatch(CallbackSubject subject, Func<SimulatorBehaviour, PreparedCallback?> prepare, params string?[] behaviourKeys) =>
        Run(token => SendAsync(subject, prepare, behaviourKeys, token));

    public Task<CallbackDelivery> SendAsync(SimulatorTrade trade, CancellationToken cancellationToken) =>
        _formats.TryGetValue(trade.Protocol, out var format)
            ? SendAsync(new CallbackSubject(trade.MerchantId, trade.OutTradeNo, trade.TradeNo, trade.Currency), b => format.Prepare(trade, b), [trade.OutTradeNo], cancellationToken)
            : Task.FromResult(new CallbackDelivery(0, 0, false));

    public async Task<CallbackDelivery> SendAsync(CallbackSubject subject, Func<SimulatorBehaviour, PreparedCallback?> prepare, string?[] behaviourKeys, CancellationToken cancellationToken)
    {
        var behaviour = behaviours.ResolveFirst(SimulatorOperation.Callback, behaviourKeys);
        if (behaviour.SuppressCallbacks || prepare(behaviour) is not { } callback)
        {
            return new CallbackDelivery(0, 0, false);
        }

        var deliveries = Math.Max(1, behaviour.RepeatCallbacks);
        var attempts = 0;
        var allAcknowledged = true;
        for (var i = 0; i < deliveries; i++)
        {
            var (acknowledged, tries) = await DeliverWithRetriesAsync(subject, callback, cancellationToken);
            attempts += tries;
            allAcknowledged &= acknowledged;
        }
        return new CallbackDelivery(deliveries, attempts, allAcknowledged);
    }

    private void Run(Func<CancellationToken, Task> send)
    {
        var task = Task.Run(() => send(_stopping.Token));
        _running.TryAdd(task, 0);
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task<(bool Acknowledged, int Attempts)> DeliverWithRetriesAsync(CallbackSubject subject, PreparedCallback callback, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (status, acknowledged) = await PostAsync(callback, cancellationToken);
            records.Add(RecordKind.CallbackSent, subject.MerchantId, subject.OutTradeNo, subject.TradeNo, callback.Amount, subject.Currency, status,
                acknowledged ? "ACK" : status == 0 ? "ERROR" : "NO_ACK");
            if (acknowledged || attempt >= options.CallbackRetryDelays.Count)
            {
                return (acknowledged, attempt + 1);
            }
            await Task.Delay(options.CallbackRetryDelays[attempt], cancellationToken);
        }
    }

    private async Task<(int Status, bool Acknowledged)> PostAsync(PreparedCallback callback, CancellationToken cancellationToken)
    {
        using var request = callback.NewAttempt();
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return ((int)response.StatusCode, callback.IsAcknowledged((int)response.StatusCode, text));
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (0, false);
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
