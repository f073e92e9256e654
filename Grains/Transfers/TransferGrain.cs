using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PayGateway.Channels;
using PayGateway.Hosting;
using PayGateway.Notifications;
using PayGateway.Orders;
using PayGateway.Storage;
using PayGateway.Wire;

namespace PayGateway.Transfers;

/// <inheritdoc cref="ITransferGrain"/>
/// <remarks>
/// Not reentrant, and the same steps as an order: record the transfer, then call the channel; compute the next
/// state, write it, then notify. The channel knows the transfer by our transfer id and deduplicates on it, so a
/// re-send after a crash or an unknown outcome can never pay twice. An unknown outcome is never called failed:
/// supervision asks the channel until it answers.
/// </remarks>
public sealed class TransferGrain(
    [PersistentState("transfer")] IPersistentState<TransferState> state,
    ChannelCaller caller,
    NotificationOutbox outbox,
    IOptions<SupervisionOptions> supervision,
    TimeProvider clock,
    ILogger<TransferGrain> logger) : Grain, ITransferGrain
{
    /// <summary>Events sent and not yet answered (event id → when sent); memory only, see <see cref="NotificationOutbox.Dispatch"/>.</summary>
    private readonly Dictionary<string, long> _webhooksInFlight = new(StringComparer.Ordinal);

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<TransferResult> CreateAsync(CreateTransferCommand command, string fingerprint, ChannelRoute route)
    {
        var current = state.State;
        if (current.Exists)
        {
            if (current.Fingerprint != fingerprint)
            {
                return TransferResult.Fail(ErrorCodes.OutTransferNoConflict, $"Transfer {current.TransferId} was created from a different request.");
            }
            if (current.StatusValue == FundsStatus.Pending && !current.ChannelAnswered)
            {
                // A crash or a failed write came between recording the transfer and recording the channel's answer,
                // so the channel may hold it already. Ask before sending again: a re-send it refuses as a duplicate
                // with a final code would fail a transfer whose money moved.
                await AskThenSendAsync();
            }
            return TransferResult.Ok(state.State.ToView());
        }
        var now = NowMs;
        await SaveAsync(new TransferState
        {
            TransferId = this.GetPrimaryKeyString(),
            AppId = command.AppId,
            OutTransferNo = command.OutTransferNo,
            Fingerprint = fingerprint,
            Status = FundsStatus.Pending.ToWire(),
            Amount = command.Amount,
            Currency = command.Currency,
            Channel = route.Channel,
            AccountId = route.AccountId,
            PayeeType = command.PayeeType,
            PayeeAccount = command.PayeeAccount,
            PayeeName = command.PayeeName,
            Remark = command.Remark,
            NotifyUrl = command.NotifyUrl,
            CreatedAtMs = now,
            // If the silo dies before the channel answers, supervision finds the transfer and sends it again.
            NextSupervisionAtMs = now + (long)supervision.Value.CheckDelays[0].TotalMilliseconds,
        });
        await SendAsync();
        return TransferResult.Ok(state.State.ToView());
    }

    public Task<TransferView?> GetAsync() => Task.FromResult(state.State.Exists ? state.State.ToView() : null);

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
        DispatchNotifications();
    }

    private async Task SendAsync()
    {
        var result = await CallChannelAsync((transfers, account, ct) => transfers.TransferAsync(account, Request(), ct));
        await ApplyAsync(result, fromRequest: true);
    }

    /// <summary>One supervision step: ask the channel, follow it, re-send what never arrived, schedule the next ask.</summary>
    private async Task SuperviseAsync()
    {
        await AskThenSendAsync();
        if (!state.State.StatusValue.IsFinal())
        {
            var delays = supervision.Value.CheckDelays;
            var next = NowMs + (long)delays[Math.Min(state.State.Checks + 1, delays.Count - 1)].TotalMilliseconds;
            await MoveAsync(state.State.StatusValue, t => t with { Checks = t.Checks + 1, NextSupervisionAtMs = next });
        }
    }

    /// <summary>
    /// Asks the channel about a transfer whose outcome is not recorded and follows its answer; sends the transfer
    /// again only when the channel holds no such transfer. Supervision and a merchant's retry both take this step.
    /// </summary>
    private async Task AskThenSendAsync()
    {
        var truth = await CallChannelAsync((transfers, account, ct) => transfers.QueryTransferAsync(account, Request(), ct));
        if (truth.State == ChannelFundsState.NotFound)
        {
            // Never arrived: sending the same transfer id again is safe (the channel deduplicates on it). The decision
            // is written first: a stale activation (one whose row another activation has moved on, say to failed
            // after the channel refused) then fails on the version check here instead of paying a transfer the
            // gateway calls failed.
            await MoveAsync(state.State.StatusValue, t => t with { Resends = t.Resends + 1 });
            await SendAsync();
        }
        else
        {
            await ApplyAsync(truth, fromRequest: false);
        }
    }

    private async Task ApplyAsync(ChannelTransferResult truth, bool fromRequest)
    {
        Func<TransferState, TransferState> answered = t => t with
        {
            ChannelAnswered = t.ChannelAnswered || truth.State is ChannelFundsState.Pending or ChannelFundsState.Succeeded or ChannelFundsState.Failed,
            ChannelTransferNo = truth.ChannelTransferNo ?? t.ChannelTransferNo,
        };
        switch (truth.State)
        {
            case ChannelFundsState.Succeeded:
                await MoveAsync(FundsStatus.Succeeded, t => answered(t) with { SucceededAtMs = (truth.SucceededAt ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(), Failure = null });
                break;
            case ChannelFundsState.Failed:
                await MoveAsync(FundsStatus.Failed, t => answered(t) with
                {
                    Failure = new StoredError(truth.ErrorCode ?? ErrorCodes.ChannelRejected, truth.ErrorMessage ?? "The channel refused the transfer."),
                });
                break;
            case ChannelFundsState.Pending:
                await MoveAsync(FundsStatus.Pending, answered);
                break;
            case ChannelFundsState.Unknown when fromRequest:
                logger.LogWarning("Transfer {TransferId} outcome unknown: {Reason}", state.State.TransferId, truth.ErrorMessage);
                await MoveAsync(FundsStatus.Unknown, answered);
                break;
        }
    }

    /// <summary>
    /// The one place the status changes: final is final, the merchant notification is recorded in the same write when
    /// the transfer becomes final, and delivery starts only after the write.
    /// </summary>
    private async Task MoveAsync(FundsStatus to, Func<TransferState, TransferState> change)
    {
        var current = state.State;
        // Final is final: not written again at all, not even with the same status (a repeat changes nothing).
        if (current.StatusValue.IsFinal())
        {
            return;
        }
        var next = change(current) with { Status = to.ToWire() };
        var becameFinal = to.IsFinal(); // from an open state: final ones stopped above
        if (becameFinal)
        {
            next = next with { NextSupervisionAtMs = null };
            next = next with { Notifications = next.Notifications.Add(NewEvent(next, to)) };
        }
        if (next == current)
        {
            return;
        }
        await SaveAsync(next);
        if (becameFinal)
        {
            DispatchNotifications();
        }
    }

    private StoredNotification NewEvent(TransferState transfer, FundsStatus status)
    {
        var now = NowMs;
        var eventId = $"evt_{transfer.TransferId}_{transfer.Notifications.Count + 1}";
        var type = $"transfer.{status.ToWire()}";
        var view = transfer with { UpdatedAtMs = now, Notifications = [] };
        var body = JsonSerializer.Serialize(new TransferWebhookEvent(eventId, type, now / 1000, TransferResponse.From(view.ToView())), WireJson.Options);
        return NotificationOutbox.NewEvent(eventId, type, body, now);
    }

    /// <summary>Starts delivery of what is due, after the write that recorded it (the sending happens in the delivery workers).</summary>
    private void DispatchNotifications() =>
        outbox.Dispatch(GrainFactory, this.GetGrainId(), state.State.AppId, state.State.NotifyUrl, state.State.Notifications, _webhooksInFlight);

    public async Task RecordWebhookAttemptAsync(WebhookAttemptResult result)
    {
        if (outbox.Record(state.State.Notifications, result, _webhooksInFlight) is not { } notifications)
        {
            return;
        }
        await SaveAsync(state.State with { Notifications = notifications });
        DispatchNotifications();
    }

    /// <summary>Every write goes through here: stamps the time and the next-check time the sweep reads, then writes.</summary>
    private Task SaveAsync(TransferState next)
    {
        var supervise = next.StatusValue.IsFinal() ? null : next.NextSupervisionAtMs;
        next = next with { UpdatedAtMs = NowMs, NextCheckAtMs = NotificationOutbox.NextCheckAt(supervise, next.Notifications) };
        return state.WriteOrRevertAsync(next, this);
    }

    private ChannelTransferRequest Request()
    {
        var s = state.State;
        return new ChannelTransferRequest(s.TransferId!, s.Amount, s.Currency, s.PayeeType, s.PayeeAccount, s.PayeeName, s.Remark);
    }

    private Task<ChannelTransferResult> CallChannelAsync(Func<ITransferChannel, ChannelAccount, CancellationToken, Task<ChannelTransferResult>> call) =>
        caller.CallAsync(state.State.Channel, state.State.AccountId, $"transfer {state.State.TransferId}",
            (adapter, account, ct) => adapter is ITransferChannel transfers ? call(transfers, account, ct) : Task.FromResult(ChannelTransferResult.Unknown("The channel cannot make transfers.")),
            ChannelTransferResult.Unknown);
}
