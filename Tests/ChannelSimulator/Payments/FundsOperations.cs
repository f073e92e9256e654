using System.Collections.Concurrent;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Payments;

/// <summary>
/// The side effects of money leaving the merchant: the <c>refunded</c> and <c>transferred</c> records (exactly one
/// per refund or transfer whose money moved), asynchronous refund completion and refund callbacks.
/// </summary>
internal sealed class FundsOperations(
    RefundStore refunds,
    TransferStore transfers,
    RecordLog records,
    CallbackSender callbacks,
    MockCallbackFormat callbackFormat) : IAsyncDisposable
{
    private static readonly TimeSpan DefaultAsyncRefundDelay = TimeSpan.FromMilliseconds(200);

    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>
    /// Refunds (part of) a paid trade, or returns the existing refund with that number. Money moves only when the
    /// refund is created: at once, or after the delay with <see cref="SimulatorBehaviour.AsyncRefund"/>.
    /// </summary>
    public (RefundOutcome Outcome, SimulatorRefund? Refund) Refund(NewRefund request, SimulatorTrade? trade, SimulatorBehaviour behaviour)
    {
        var initial = behaviour.AsyncRefund ? RefundStatus.Processing : RefundStatus.Succeeded;
        var result = refunds.CreateOrGet(request, trade, initial);
        if (result.Outcome == RefundOutcome.Created && result.Refund is { } refund)
        {
            if (refund.Status == RefundStatus.Succeeded)
            {
                Refunded(refund);
            }
            else
            {
                var delay = behaviour.AsyncRefundDelayMs > 0 ? TimeSpan.FromMilliseconds(behaviour.AsyncRefundDelayMs) : DefaultAsyncRefundDelay;
                Run(token => CompleteLaterAsync(refund, delay, token));
            }
        }
        return result;
    }

    /// <summary>Transfers to the payee (or finds the transfer with that number); records the money only when it moved.</summary>
    public (TransferOutcome Outcome, SimulatorTransfer Transfer) Transfer(NewTransfer request)
    {
        var result = transfers.CreateOrGet(request);
        if (result.Outcome == TransferOutcome.Created && result.Transfer.Status == RefundStatus.Succeeded)
        {
            var t = result.Transfer;
            records.Add(RecordKind.Transferred, t.MerchantId, t.OutTransferNo, t.TransferNo, t.Amount, t.Currency, 0, t.Status);
        }
        return result;
    }

    /// <summary>(Re)sends the callback of a refund in its current state and waits for the delivery.</summary>
    public Task<CallbackDelivery> SendRefundCallbackAsync(SimulatorRefund refund, CancellationToken cancellationToken) =>
        callbacks.SendAsync(Subject(refund), b => callbackFormat.PrepareRefund(refund, b), [refund.OutRefundNo, refund.OutTradeNo], cancellationToken);

    private async Task CompleteLaterAsync(SimulatorRefund refund, TimeSpan delay, CancellationToken cancellationToken)
    {
        // Real time, like every simulator delay: a test waits for it rather than moving a clock.
        await Task.Delay(delay, cancellationToken);
        if (refunds.Complete(refund.MerchantId, refund.OutRefundNo) is { } done)
        {
            Refunded(done);
            callbacks.Dispatch(Subject(done), b => callbackFormat.PrepareRefund(done, b), done.OutRefundNo, done.OutTradeNo);
        }
    }

    private void Refunded(SimulatorRefund refund) =>
        records.Add(RecordKind.Refunded, refund.MerchantId, refund.OutTradeNo, refund.OutRefundNo, refund.Amount, refund.Currency, 0, refund.Status);

    private static CallbackSubject Subject(SimulatorRefund refund) => new(refund.MerchantId, refund.OutTradeNo, refund.OutRefundNo, refund.Currency);

    private void Run(Func<CancellationToken, Task> work)
    {
        var task = Task.Run(() => work(_stopping.Token));
        _running.TryAdd(task, 0);
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
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
            // Refunds still processing when the simulator stops stay PROCESSING; nothing is left to observe them.
        }
        _stopping.Dispose();
    }
}
