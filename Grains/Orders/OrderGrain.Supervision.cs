using PayGateway.Channels;

namespace PayGateway.Orders;

public sealed partial class OrderGrain
{
    public async Task WakeAsync()
    {
        var s = state.State;
        if (!s.Exists)
        {
            return;
        }
        if (!s.StatusValue.IsFinal() && s.NextSupervisionAtMs is { } due && due <= NowMs)
        {
            await SuperviseAsync();
        }
        var now = NowMs;
        foreach (var refundId in state.State.Refunds.Where(r => !r.StatusValue.IsFinal() && r.NextCheckAtMs <= now).Select(r => r.RefundId).ToList())
        {
            await SuperviseRefundAsync(refundId);
        }
        DispatchNotifications();
    }

    /// <summary>
    /// One supervision step: past expiry, close at the channel (unless it was paid); otherwise query and follow
    /// the channel, and schedule the next query on the back-off schedule. An order held for review (paid at the
    /// channel with another amount) is never closed: it is only queried, at the schedule's slowest step, so it
    /// follows the channel if the channel's answer changes.
    /// </summary>
    private async Task SuperviseAsync()
    {
        var now = NowMs;
        if (now >= state.State.ExpiresAtMs && state.State.ReviewHold is null)
        {
            await ExpireAsync();
            return;
        }
        var truth = await QueryChannelAsync();
        if (truth.State == ChannelTradeState.NotFound && !state.State.ChannelCreateAnswered && state.State.Method != nameof(PayMethod.SERVER))
        {
            // The create never reached the channel (or its answer was lost before anything was made): send it
            // again, or the payer could never pay. Channels deduplicate on our order id, so this cannot make a
            // second payment. (A barcode's auth code is single-use and not kept: such an order just expires.)
            await ResendCreateAsync(authCode: null);
            if (state.State.StatusValue.IsFinal())
            {
                return;
            }
        }
        else if (truth.State is ChannelTradeState.Succeeded or ChannelTradeState.Closed or ChannelTradeState.Failed)
        {
            await ApplyChannelTruthAsync(truth);
            if (state.State.StatusValue.IsFinal())
            {
                return;
            }
        }
        var s = state.State;
        var delays = supervision.Value.CheckDelays;
        var delay = delays[Math.Min(s.SupervisionChecks + 1, delays.Count - 1)];
        var status = truth.State == ChannelTradeState.Pending ? OrderStatus.Pending : s.StatusValue;
        await MoveAsync(status, o => o with
        {
            SupervisionChecks = o.SupervisionChecks + 1,
            // Wake at expiry at the latest, so the order is closed on time (a held order is not closed: no hurry).
            NextSupervisionAtMs = o.ReviewHold is null ? Math.Min(now + (long)delay.TotalMilliseconds, o.ExpiresAtMs) : HeldRecheckAtMs,
        });
    }

    private async Task ExpireAsync()
    {
        var closed = await CloseAtChannelAsync();
        switch (closed.State)
        {
            case ChannelTradeState.Closed or ChannelTradeState.NotFound:
                await MoveAsync(OrderStatus.Closed, o => o with { ClosedAtMs = NowMs });
                break;
            case ChannelTradeState.Succeeded:
                await ApplyChannelTruthAsync(await QueryChannelAsync());
                break;
        }
        if (!state.State.StatusValue.IsFinal())
        {
            // No answer (or a refusal): try again shortly; the order must not stay open past expiry unseen. Paid with
            // another amount (now held for review): nothing to close, so no more close calls; only slow queries.
            var retryAt = state.State.ReviewHold is null ? NowMs + (long)supervision.Value.ExpiryRetryDelay.TotalMilliseconds : HeldRecheckAtMs;
            await MoveAsync(state.State.StatusValue, o => o with { NextSupervisionAtMs = retryAt });
        }
    }
}
