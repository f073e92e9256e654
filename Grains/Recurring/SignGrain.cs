using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PayGateway.Callbacks;
using PayGateway.Channels;
using PayGateway.Hosting;
using PayGateway.Notifications;
using PayGateway.Orders;
using PayGateway.Storage;
using PayGateway.Wire;

namespace PayGateway.Recurring;

/// <inheritdoc cref="ISignGrain"/>
/// <remarks>
/// Not reentrant: one call at a time. The same steps as an order: compute the next state, check the move is allowed,
/// write it, then act (call the channel, create a deduction order, notify). The channel knows the contract by our
/// contract id and deduplicates on it, and each deduction order's out_trade_no is fixed by contract, period and
/// attempt, so a repeat after a crash, a doubled sweep or an unknown outcome can never sign or charge twice.
/// Signing and termination are here; renewal (the deductions) is in <c>SignGrain.Deductions.cs</c>.
/// </remarks>
public sealed partial class SignGrain(
    [PersistentState("contract")] IPersistentState<SignState> state,
    ChannelCaller caller,
    NotificationOutbox outbox,
    ReviewLog review,
    IOptions<SupervisionOptions> supervision,
    IOptions<RecurringOptions> recurring,
    TimeProvider clock,
    ILogger<SignGrain> logger) : Grain, ISignGrain
{
    /// <summary>Events sent and not yet answered (event id → when sent); memory only, see <see cref="NotificationOutbox.Dispatch"/>.</summary>
    private readonly Dictionary<string, long> _webhooksInFlight = new(StringComparer.Ordinal);

    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<ContractResult> CreateAsync(CreateContractCommand command, string fingerprint, ChannelRoute route)
    {
        var current = state.State;
        if (current.Exists)
        {
            if (current.Fingerprint != fingerprint)
            {
                return ContractResult.Fail(ErrorCodes.OutContractNoConflict, $"Contract {current.ContractId} was created from a different request.");
            }
            if (current.StatusValue == ContractStatus.Signing && !current.ChannelSignAnswered)
            {
                await StartAtChannelAsync(); // a crash came between recording the contract and hearing from the channel
            }
            return ContractResult.Ok(state.State.ToView());
        }
        var now = NowMs;
        await SaveAsync(new SignState
        {
            ContractId = this.GetPrimaryKeyString(),
            AppId = command.AppId,
            OutContractNo = command.OutContractNo,
            Fingerprint = fingerprint,
            Status = ContractStatus.Signing.ToWire(),
            Channel = route.Channel,
            AccountId = route.AccountId,
            Method = command.Method.ToString(),
            Amount = command.Amount,
            Currency = command.Currency,
            PeriodUnit = command.PeriodUnit,
            PeriodEvery = command.PeriodEvery,
            FirstDeductionDate = command.FirstDeductionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            MaxDeductions = command.MaxDeductions,
            DisplayAccount = command.DisplayAccount,
            Subject = command.Subject,
            NotifyUrl = command.NotifyUrl,
            ReturnUrl = command.ReturnUrl,
            UserIp = command.UserIp,
            Metadata = command.Metadata,
            CreatedAtMs = now,
            SignExpiresAtMs = now + command.SignExpireSeconds * 1000L,
            // If the silo dies before the channel answers, supervision finds the contract and starts it again.
            NextActionAtMs = Math.Min(now + (long)supervision.Value.CheckDelays[0].TotalMilliseconds, now + command.SignExpireSeconds * 1000L),
        });
        await StartAtChannelAsync();
        return ContractResult.Ok(state.State.ToView());
    }

    public Task<ContractView?> GetAsync() => Task.FromResult(state.State.Exists ? state.State.ToView() : null);

    public async Task<ContractResult> TerminateAsync(string? reason)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return ContractResult.Fail(ErrorCodes.ContractNotFound, "No such contract.");
        }
        switch (s.StatusValue)
        {
            case ContractStatus.Terminated:
                return ContractResult.Ok(s.ToView());
            case ContractStatus.Closed:
                return ContractResult.Fail(ErrorCodes.ContractNotTerminable, "The contract was closed unsigned; there is nothing to terminate.");
        }
        var ended = await CallChannelAsync((contracts, account, ct) => contracts.TerminateContractAsync(account, Ref(), reason, ct));
        switch (ended.State)
        {
            case ChannelContractState.Terminated or ChannelContractState.NotFound when s.StatusValue == ContractStatus.Signing:
                // Never in force here: ended (or never known) at the channel before the payer's signature reached the
                // gateway, so it closes unsigned. A signature that still arrives is undone (see HandleCallbackAsync).
                await MoveAsync(ContractStatus.Closed, c => c with { Failure = new StoredError("TERMINATED_BEFORE_SIGNING", "Ended by the merchant before the payer signed.") });
                return ContractResult.Ok(state.State.ToView());
            case ChannelContractState.Terminated:
                await MoveAsync(ContractStatus.Terminated, c => c with
                {
                    TerminatedAtMs = c.TerminatedAtMs ?? (ended.TerminatedAt ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(),
                    ChannelContractNo = c.ChannelContractNo ?? ended.ChannelContractNo,
                });
                return ContractResult.Ok(state.State.ToView());
            case ChannelContractState.Unknown:
                return ContractResult.Fail(ErrorCodes.ChannelUnavailable, "The channel did not answer; the contract is unchanged. Retry later.");
            default:
                return ContractResult.Fail(ErrorCodes.ChannelRejected, $"The channel did not end the contract: {ended.ErrorCode} {ended.ErrorMessage}".TrimEnd());
        }
    }

    public async Task<CallbackOutcome> HandleCallbackAsync(ContractCallbackNotice notice)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return CallbackOutcome.Reject("CONTRACT_NOT_FOUND", "No contract with this id exists.");
        }
        if (notice.Channel != s.Channel || notice.AccountId != s.AccountId)
        {
            return CallbackOutcome.Reject("ACCOUNT_MISMATCH", $"The contract belongs to {s.Channel}/{s.AccountId}, not {notice.Channel}/{notice.AccountId}.");
        }
        if (s.ChannelContractNo is { } known && notice.ChannelContractNo is { } reported && known != reported)
        {
            return CallbackOutcome.Reject("CONTRACT_MISMATCH", $"The notification names channel contract {reported}; this contract is {known}.");
        }
        if (notice.State == ReportedContractState.Terminated)
        {
            if (s.StatusValue == ContractStatus.Closed)
            {
                // The agreement a late signature put in force has ended at the channel: nothing is owed any more.
                await MoveAsync(ContractStatus.Closed, c => c with { PendingChannelTermination = null, NextActionAtMs = null });
                return CallbackOutcome.Ok;
            }
            await MoveAsync(ContractStatus.Terminated, c => c with
            {
                // A repeated notice keeps the first time: a terminated contract stays as it ended.
                TerminatedAtMs = c.TerminatedAtMs ?? (notice.At ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(),
                ChannelContractNo = c.ChannelContractNo ?? notice.ChannelContractNo,
            });
            return CallbackOutcome.Ok;
        }
        if (s.StatusValue == ContractStatus.Closed)
        {
            // Signed after the gateway gave up on it: nobody expects charges under it, so end it at the channel too.
            // Recorded before the call, so a termination the channel does not confirm (no answer) is tried again by
            // WakeAsync until it does, and the payer is not left with an agreement in force.
            await review.RecordAsync(ReviewKinds.Contract, s.Channel, s.AccountId, s.ContractId, "SIGNED_AFTER_CLOSE",
                "The payer signed a contract that was already closed; terminating it at the channel.", null);
            await MoveAsync(ContractStatus.Closed, c => c with
            {
                PendingChannelTermination = c.PendingChannelTermination ?? new StoredChannelTermination { ChannelContractNo = notice.ChannelContractNo },
                NextActionAtMs = c.NextActionAtMs ?? NowMs + (long)supervision.Value.CheckDelays[0].TotalMilliseconds,
            });
            await EndLateSignatureAsync();
            return CallbackOutcome.Ok;
        }
        await ActivateAsync(notice.ChannelContractNo, notice.At);
        return CallbackOutcome.Ok;
    }

    public async Task WakeAsync()
    {
        var s = state.State;
        if (!s.Exists)
        {
            return;
        }
        if (s.NextActionAtMs is { } due && due <= NowMs)
        {
            if (s.StatusValue == ContractStatus.Signing)
            {
                await SuperviseSigningAsync();
            }
            else if (s.PendingChannelTermination is not null)
            {
                await EndLateSignatureAsync();
            }
            else
            {
                await RenewAsync();
            }
        }
        DispatchNotifications();
    }

    private async Task StartAtChannelAsync()
    {
        var s = state.State;
        var request = new ChannelSignRequest(
            s.ContractId!, Enum.Parse<PayMethod>(s.Method), s.Currency, s.Amount, s.MaxDeductions,
            new ChannelContractPeriod(s.PeriodUnit, s.PeriodEvery, s.FirstDate()), s.DisplayAccount, s.ReturnUrl, s.UserIp,
            DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(s.SignExpiresAtMs));
        // Nothing is sent to a channel that cannot sign contracts, so refusing is certain there.
        var result = await CallChannelAsync((contracts, account, ct) => contracts.StartSigningAsync(account, request, ct), ChannelSignResult.Unknown,
            new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: ErrorCodes.ContractsNotSupported, ErrorMessage: "The channel cannot sign contracts."));
        switch (result.Outcome)
        {
            case ChannelOutcome.Accepted or ChannelOutcome.Succeeded:
                await MoveAsync(ContractStatus.Signing, c => c with
                {
                    ChannelSignAnswered = true,
                    SignData = result.SignData is { } d ? new StoredPayData(d.Kind, d.Content) : c.SignData,
                });
                break;
            case ChannelOutcome.Failed:
                await MoveAsync(ContractStatus.Closed, c => c with
                {
                    ChannelSignAnswered = true,
                    Failure = new StoredError(result.ErrorCode ?? ErrorCodes.ChannelRejected, result.ErrorMessage ?? "The channel refused the contract."),
                });
                break;
            default:
                // Nothing to show the payer yet; supervision asks the channel and starts it again if it never arrived.
                logger.LogWarning("Contract {ContractId}: starting the signing had no answer: {Reason}", s.ContractId, result.ErrorMessage);
                break;
        }
    }

    /// <summary>
    /// One supervision step of an unsigned contract: follow the channel's answer; start again what never arrived; after
    /// the sign window close it (never while the channel cannot answer: the payer may have signed).
    /// </summary>
    private async Task SuperviseSigningAsync()
    {
        var truth = await CallChannelAsync((contracts, account, ct) => contracts.QueryContractAsync(account, Ref(), ct));
        var now = NowMs;
        var expired = now >= state.State.SignExpiresAtMs;
        switch (truth.State)
        {
            case ChannelContractState.Signed:
                await ActivateAsync(truth.ChannelContractNo, truth.SignedAt);
                return;
            case ChannelContractState.Terminated:
                await MoveAsync(ContractStatus.Terminated, c => c with
                {
                    TerminatedAtMs = c.TerminatedAtMs ?? (truth.TerminatedAt ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(),
                    ChannelContractNo = c.ChannelContractNo ?? truth.ChannelContractNo,
                });
                return;
            case ChannelContractState.NotFound or ChannelContractState.Pending when expired:
                await MoveAsync(ContractStatus.Closed, c => c with { Failure = new StoredError("SIGN_EXPIRED", "The payer did not sign before the sign window closed.") });
                return;
            case ChannelContractState.NotFound when !state.State.ChannelSignAnswered:
                await StartAtChannelAsync();
                if (state.State.StatusValue.IsFinal())
                {
                    return;
                }
                break;
        }
        var delays = supervision.Value.CheckDelays;
        var next = expired
            ? now + (long)supervision.Value.ExpiryRetryDelay.TotalMilliseconds
            : Math.Min(now + (long)delays[Math.Min(state.State.Checks + 1, delays.Count - 1)].TotalMilliseconds, state.State.SignExpiresAtMs);
        await MoveAsync(ContractStatus.Signing, c => c with { Checks = c.Checks + 1, NextActionAtMs = next });
    }

    /// <summary>
    /// Ends at the channel the agreement a signature that came after the close put in force. Until the channel confirms
    /// (or says it has no such agreement), it is tried again on the order back-off schedule: no answer is never taken
    /// as ended.
    /// </summary>
    private async Task EndLateSignatureAsync()
    {
        var s = state.State;
        if (s.PendingChannelTermination is not { } pending)
        {
            return;
        }
        var ended = await CallChannelAsync((contracts, account, ct) =>
            contracts.TerminateContractAsync(account, new ChannelContractRef(s.ContractId!, pending.ChannelContractNo), "closed before signing", ct));
        if (ended.State is ChannelContractState.Terminated or ChannelContractState.NotFound)
        {
            await MoveAsync(ContractStatus.Closed, c => c with { PendingChannelTermination = null, NextActionAtMs = null });
            return;
        }
        logger.LogWarning("Contract {ContractId} signed after close could not be terminated at the channel yet: {State} {Code}; trying again later",
            s.ContractId, ended.State, ended.ErrorCode);
        var delays = supervision.Value.CheckDelays;
        var next = NowMs + (long)delays[Math.Min(pending.Attempts, delays.Count - 1)].TotalMilliseconds;
        await MoveAsync(ContractStatus.Closed, c => c with
        {
            PendingChannelTermination = pending with { Attempts = pending.Attempts + 1 },
            NextActionAtMs = next,
        });
    }

    /// <summary>Signed: the contract is in force from now, and its first deduction is scheduled.</summary>
    private async Task ActivateAsync(string? channelContractNo, DateTimeOffset? signedAt)
    {
        if (state.State.StatusValue != ContractStatus.Signing)
        {
            return; // a repeat, or news older than what is recorded
        }
        if ((channelContractNo ?? state.State.ChannelContractNo) is null)
        {
            // Without the channel's number no deduction can be made; a query will bring it.
            logger.LogWarning("Contract {ContractId} reported signed without a channel contract number; asking again later", state.State.ContractId);
            return;
        }
        await MoveAsync(ContractStatus.Active, c => c with
        {
            ChannelContractNo = channelContractNo ?? c.ChannelContractNo,
            SignedAtMs = (signedAt ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(),
            NextActionAtMs = ContractSchedule.DueAt(c, c.NextPeriod, recurring.Value).ToUnixTimeMilliseconds(),
        });
    }

    /// <summary>
    /// The one place the status changes: final is final, a status change records its merchant notification in the same
    /// write, and delivery starts only after the write. Returns false when nothing changed.
    /// </summary>
    private async Task<bool> MoveAsync(ContractStatus to, Func<SignState, SignState> change)
    {
        var current = state.State;
        if (!current.StatusValue.CanMove(to))
        {
            return false;
        }
        var next = change(current) with { Status = to.ToWire() };
        var changed = current.StatusValue != to;
        if (changed)
        {
            if (to.IsFinal() && next.OpenDeduction is null)
            {
                next = next with { NextActionAtMs = null };
            }
            next = next with { Notifications = next.Notifications.Add(NewEvent(next, $"contract.{to.ToWire()}")) };
        }
        if (next == current)
        {
            return false;
        }
        await SaveAsync(next);
        if (changed)
        {
            DispatchNotifications();
        }
        return true;
    }

    private StoredNotification NewEvent(SignState contract, string type)
    {
        var now = NowMs;
        var eventId = $"evt_{contract.ContractId}_{contract.Notifications.Count + 1}";
        var view = contract with { UpdatedAtMs = now, Notifications = [] };
        var body = JsonSerializer.Serialize(new ContractWebhookEvent(eventId, type, now / 1000, ContractResponse.From(view.ToView())), WireJson.Options);
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
    private Task SaveAsync(SignState next)
    {
        next = next with { UpdatedAtMs = NowMs, NextCheckAtMs = NotificationOutbox.NextCheckAt(next.NextActionAtMs, next.Notifications) };
        return state.WriteOrRevertAsync(next, this);
    }

    private ChannelContractRef Ref() => new(state.State.ContractId!, state.State.ChannelContractNo);

    private Task<ChannelContractResult> CallChannelAsync(Func<IContractChannel, ChannelAccount, CancellationToken, Task<ChannelContractResult>> call) =>
        CallChannelAsync(call, ChannelContractResult.Unknown, ChannelContractResult.Unknown("The channel cannot sign contracts."));

    /// <summary>Calls the contract's channel through <see cref="ChannelCaller"/>; <paramref name="notSupported"/> when its adapter has no contracts.</summary>
    private Task<T> CallChannelAsync<T>(Func<IContractChannel, ChannelAccount, CancellationToken, Task<T>> call, Func<string, T> unknown, T notSupported) =>
        caller.CallAsync(state.State.Channel, state.State.AccountId, $"contract {state.State.ContractId}",
            (adapter, account, ct) => adapter is IContractChannel contracts ? call(contracts, account, ct) : Task.FromResult(notSupported),
            unknown);
}
