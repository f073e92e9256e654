using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PayGateway.Callbacks;
using PayGateway.Channels;
using PayGateway.Hosting;
using PayGateway.Notifications;
using PayGateway.Storage;

namespace PayGateway.Orders;

/// <inheritdoc cref="IOrderGrain"/>
/// <remarks>
/// Not reentrant: one call at a time, so a state computed from the current state is never raced.
/// Every change follows the same steps: compute the next state, check the move is allowed, write it, then act
/// (deliver notifications). The parts: creation and closing here; callbacks, supervision and notifications in
/// the other <c>OrderGrain.*.cs</c> files.
/// </remarks>
public sealed partial class OrderGrain(
    [PersistentState("order")] IPersistentState<OrderState> state,
    ChannelRegistry channels,
    ChannelCaller caller,
    NotificationOutbox outbox,
    ReviewLog review,
    IOptions<SupervisionOptions> supervision,
    TimeProvider clock,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain
{
    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<OrderResult> CreateAsync(CreateOrderCommand command, string fingerprint, ChannelRoute route)
    {
        var current = state.State;
        if (current.Exists)
        {
            if (current.Fingerprint != fingerprint)
            {
                return OrderResult.Fail(ErrorCodes.OutTradeNoConflict, $"Order {current.OrderId} was created from a different request.");
            }
            if (current.ChannelCreateAnswered || current.StatusValue.IsFinal())
            {
                return OrderResult.Ok(current.ToView());
            }
            // A crash came between recording the order and hearing from the channel. Channels deduplicate on
            // our order id, so asking again cannot create a second payment.
            return await ResendCreateAsync(command.AuthCode);
        }

        var now = NowMs;
        var created = new OrderState
        {
            OrderId = this.GetPrimaryKeyString(),
            AppId = command.AppId,
            OutTradeNo = command.OutTradeNo,
            Fingerprint = fingerprint,
            Status = OrderStatus.Pending.ToWire(),
            Amount = command.Amount,
            Currency = command.Currency,
            Subject = command.Subject,
            Description = command.Description,
            Method = command.Method.ToString(),
            Channel = route.Channel,
            AccountId = route.AccountId,
            NotifyUrl = command.NotifyUrl,
            ReturnUrl = command.ReturnUrl,
            UserIp = command.UserIp,
            UserId = command.UserId,
            ProductId = command.ProductId,
            Metadata = command.Metadata,
            ContractId = command.Deduction?.ContractId,
            ChannelContractNo = command.Deduction?.ChannelContractNo,
            CreatedAtMs = now,
            ExpiresAtMs = now + command.ExpireSeconds * 1000L,
            // Checked at expiry at the latest, so an unpaid order is closed on time.
            NextSupervisionAtMs = Math.Min(now + (long)supervision.Value.CheckDelays[0].TotalMilliseconds, now + command.ExpireSeconds * 1000L),
        };
        await SaveAsync(created);
        return await CreateAtChannelAsync(command.AuthCode);
    }

    public Task<OrderView?> GetAsync() => Task.FromResult(state.State.Exists ? state.State.ToView() : null);

    public async Task<OrderResult> CloseAsync()
    {
        var current = state.State;
        if (!current.Exists)
        {
            return OrderResult.Fail(ErrorCodes.OrderNotFound, "No such order.");
        }
        switch (current.StatusValue)
        {
            case OrderStatus.Closed:
                return OrderResult.Ok(current.ToView());
            case OrderStatus.Succeeded:
                return OrderResult.Fail(ErrorCodes.OrderAlreadyPaid, "The order is paid and cannot be closed.");
            case OrderStatus.Failed:
                return OrderResult.Fail(ErrorCodes.OrderNotClosable, "The order failed; there is nothing to close.");
        }
        if (current.IsDeduction)
        {
            // A deduction has no close call, and "no such trade" does not mean none will come: a deduction whose answer
            // was lost may still be on its way and charge. Closed now, that charge would land on an order the contract
            // counts as failed, and it would charge the period again. Only the channel's answer ends it: supervision
            // asks until then, and takes "never arrived" as closed only at expiry (ExpireAsync).
            return OrderResult.Fail(ErrorCodes.OrderNotClosable,
                $"A deduction cannot be closed: the channel has no way to stop one, so the gateway follows it until the channel reports it paid or failed; one the channel never received is closed at {DateTimeOffset.FromUnixTimeMilliseconds(current.ExpiresAtMs):O}.");
        }

        var closed = await CloseAtChannelAsync();
        switch (closed.State)
        {
            case ChannelTradeState.NotFound when NowMs < current.ExpiresAtMs:
                // No trade yet is not the same as no trade ever: Alipay opens a page or QR trade only when the payer
                // arrives, and a create whose answer was lost may still land. Either stays payable until expiry, so
                // calling the order closed now could charge a payer for a closed order. Supervision closes it then.
                return OrderResult.Fail(ErrorCodes.OrderNotClosable,
                    $"The channel holds no trade for this order yet, so it cannot be closed there; it stays payable until {DateTimeOffset.FromUnixTimeMilliseconds(current.ExpiresAtMs):O}, when the gateway closes it.");
            case ChannelTradeState.Closed or ChannelTradeState.NotFound:
                await MoveAsync(OrderStatus.Closed, s => s with { ClosedAtMs = NowMs });
                return OrderResult.Ok(state.State.ToView());
            case ChannelTradeState.Succeeded:
                // The payer got there first: record the channel's truth (amount checked) before refusing.
                await ApplyChannelTruthAsync(await QueryChannelAsync());
                return OrderResult.Fail(ErrorCodes.OrderAlreadyPaid, "The order was paid at the channel and cannot be closed.");
            case ChannelTradeState.Unknown:
                return OrderResult.Fail(ErrorCodes.ChannelUnavailable, "The channel did not answer; the order is unchanged. Retry later.");
            default:
                return OrderResult.Fail(ErrorCodes.ChannelRejected, $"The channel refused to close the order: {closed.ErrorCode} {closed.ErrorMessage}".TrimEnd());
        }
    }

    public async Task<OrderResult> SyncAsync()
    {
        if (!state.State.Exists)
        {
            return OrderResult.Fail(ErrorCodes.OrderNotFound, "No such order.");
        }
        if (!state.State.StatusValue.IsFinal())
        {
            await ApplyChannelTruthAsync(await QueryChannelAsync());
        }
        return OrderResult.Ok(state.State.ToView());
    }

    /// <summary>
    /// Sends a recorded create again (a merchant's retry, or supervision when the channel holds no trade). The decision
    /// is written first, so a stale activation (one whose row another activation has moved on, say to closed) fails on
    /// the version check instead of opening a payment the gateway no longer follows.
    /// </summary>
    private async Task<OrderResult> ResendCreateAsync(string? authCode)
    {
        await MoveAsync(state.State.StatusValue, o => o with { CreateResends = o.CreateResends + 1 });
        return await CreateAtChannelAsync(authCode);
    }

    private async Task<OrderResult> CreateAtChannelAsync(string? authCode)
    {
        var s = state.State;
        IPaymentChannel adapter;
        ChannelAccount account;
        try
        {
            (adapter, account) = await OpenChannelAsync();
        }
        catch (ChannelConfigurationException ex)
        {
            // Nothing was sent to the channel, so nothing can have been charged: failing the order is certain.
            logger.LogError("Order {OrderId} cannot reach its channel: {Reason}", s.OrderId, ex.Message);
            await MoveAsync(OrderStatus.Failed, o => o with { Failure = new StoredError(ErrorCodes.ChannelAccountMisconfigured, "The channel account is not usable; nothing was charged.") });
            return OrderResult.Ok(state.State.ToView());
        }
        ChannelPaymentResult result;
        if (s.IsDeduction)
        {
            result = adapter is IContractChannel contracts
                ? await CallOpenChannelAsync(ct => contracts.DeductAsync(account, DeductionRequest(), ct), ChannelPaymentResult.Unknown)
                : new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: ErrorCodes.ContractsNotSupported, ErrorMessage: "The channel cannot charge under contracts; nothing was sent.");
        }
        else
        {
            var request = new ChannelPaymentRequest(
                s.OrderId!, s.Amount, s.Currency, s.Subject, s.Description, Enum.Parse<PayMethod>(s.Method),
                DateTimeOffset.FromUnixTimeMilliseconds(s.ExpiresAtMs), s.ReturnUrl, s.UserIp, s.UserId, s.ProductId, authCode);
            result = await CallOpenChannelAsync(ct => adapter.CreatePaymentAsync(account, request, ct), ChannelPaymentResult.Unknown);
        }

        var answered = result.Outcome != ChannelOutcome.Unknown;
        Func<OrderState, OrderState> record = o => o with
        {
            ChannelCreateAnswered = o.ChannelCreateAnswered || answered,
            ChannelTradeNo = result.ChannelTradeNo ?? o.ChannelTradeNo,
            PayData = result.PayData is { } p ? new StoredPayData(p.Kind, p.Content) : o.PayData,
        };
        switch (result.Outcome)
        {
            case ChannelOutcome.Accepted:
                await MoveAsync(OrderStatus.Pending, record);
                break;
            case ChannelOutcome.Succeeded:
                await MoveAsync(OrderStatus.Succeeded, o => record(o) with { PaidAtMs = (result.PaidAt ?? clock.GetUtcNow()).ToUnixTimeMilliseconds() });
                break;
            case ChannelOutcome.Failed:
                await MoveAsync(OrderStatus.Failed, o => record(o) with
                {
                    Failure = new StoredError(result.ErrorCode ?? ErrorCodes.ChannelRejected, result.ErrorMessage ?? "The channel refused the payment."),
                });
                break;
            default:
                // Never failed by guess: the money may have moved. Supervision asks the channel.
                logger.LogWarning("Channel create outcome unknown for order {OrderId}: {Reason}", s.OrderId, result.ErrorMessage);
                await MoveAsync(OrderStatus.Unknown, record);
                break;
        }
        return OrderResult.Ok(state.State.ToView());
    }

    /// <summary>Moves the order to what the channel reports, after checking it is about this order's money.</summary>
    private async Task ApplyChannelTruthAsync(ChannelQueryResult truth)
    {
        var s = state.State;
        switch (truth.State)
        {
            case ChannelTradeState.Succeeded:
                if (truth.Amount is { } amount && amount != s.Amount || truth.Currency is { } currency && currency != s.Currency)
                {
                    await HoldForReviewAsync(truth);
                    return;
                }
                await MoveAsync(OrderStatus.Succeeded, o => o with
                {
                    PaidAtMs = (truth.PaidAt ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(),
                    ChannelTradeNo = truth.ChannelTradeNo ?? o.ChannelTradeNo,
                });
                break;
            case ChannelTradeState.Closed:
                await MoveAsync(OrderStatus.Closed, o => o with { ClosedAtMs = NowMs });
                break;
            case ChannelTradeState.Failed:
                await MoveAsync(OrderStatus.Failed, o => o with { Failure = new StoredError(truth.ErrorCode ?? ErrorCodes.ChannelRejected, truth.ErrorMessage ?? "The channel reports the payment failed.") });
                break;
            case ChannelTradeState.Pending:
                await MoveAsync(OrderStatus.Pending, o => o);
                break;
        }
    }

    /// <summary>
    /// The one place a status changes: refuses moves out of a final state (a late or repeated event is then a
    /// no-op), records the merchant notification in the same write when the order becomes final, writes, and
    /// only then starts delivery.
    /// </summary>
    private async Task<bool> MoveAsync(OrderStatus to, Func<OrderState, OrderState> change)
    {
        var current = state.State;
        // Open states move anywhere (Pending and Unknown trade places as the channel's answers come and go). A final
        // order is not written again at all, not even with the same status: a repeated "closed" or "failed" must not
        // move its closing time or replace its recorded failure.
        if (current.StatusValue.IsFinal())
        {
            return false;
        }
        var next = change(current) with { Status = to.ToWire() };
        var becameFinal = to.IsFinal(); // from an open state: final ones stopped above
        if (becameFinal)
        {
            // A final order is held for nothing: its review item stays in the queue.
            next = next with { NextSupervisionAtMs = null, ReviewHold = null };
            next = next with { Notifications = next.Notifications.Add(NewEvent(next, $"order.{to.ToWire()}")) };
        }
        if (next == current)
        {
            return false;
        }
        await SaveAsync(next);
        if (becameFinal)
        {
            DispatchNotifications();
        }
        return true;
    }

    /// <summary>Every write goes through here: stamps the time and the projected next-check time, then writes.</summary>
    private Task SaveAsync(OrderState next)
    {
        next = next with { UpdatedAtMs = NowMs };
        next = next with { NextCheckAtMs = NextCheck(next) };
        return state.WriteOrRevertAsync(next, this);
    }

    private static long? NextCheck(OrderState s)
    {
        long? earliest = s.StatusValue.IsFinal() ? null : s.NextSupervisionAtMs;
        void Consider(long? at)
        {
            if (at is { } t && (earliest is null || t < earliest))
            {
                earliest = t;
            }
        }
        Consider(NotificationOutbox.NextAttemptAt(s.Notifications));
        foreach (var r in s.Refunds.Where(r => !r.StatusValue.IsFinal()))
        {
            Consider(r.NextCheckAtMs);
        }
        return earliest;
    }

    private Task<(IPaymentChannel Adapter, ChannelAccount Account)> OpenChannelAsync() =>
        caller.OpenAsync(state.State.Channel, state.State.AccountId);

    private Task<ChannelQueryResult> QueryChannelAsync() =>
        CallChannelAsync((adapter, account, ct) => state.State.IsDeduction
            ? adapter is IContractChannel contracts ? contracts.QueryDeductionAsync(account, DeductionRequest(), ct) : Task.FromResult(ChannelQueryResult.Unknown("The channel cannot charge under contracts."))
            : adapter.QueryPaymentAsync(account, state.State.OrderId!, ct), ChannelQueryResult.Unknown);

    private async Task<ChannelCloseResult> CloseAtChannelAsync()
    {
        if (state.State.IsDeduction)
        {
            return CloseByQuery(await QueryChannelAsync());
        }
        return await CallChannelAsync((adapter, account, ct) => adapter.ClosePaymentAsync(account, state.State.OrderId!, ct),
            reason => new ChannelCloseResult(ChannelTradeState.Unknown, "CHANNEL_UNKNOWN", reason));
    }

    /// <summary>
    /// A deduction has no payer to stop and no close call: only the channel's own final answer ends it. Used at expiry
    /// only (a merchant's close of a deduction is refused), when never arrived means nothing can be charged under this
    /// order any more (the contract starts a new attempt with a new order); still processing stays open, because
    /// closing it here while the channel may still charge would lose money.
    /// </summary>
    private static ChannelCloseResult CloseByQuery(ChannelQueryResult truth) => truth.State switch
    {
        ChannelTradeState.NotFound or ChannelTradeState.Closed or ChannelTradeState.Failed => new ChannelCloseResult(ChannelTradeState.Closed),
        ChannelTradeState.Succeeded => new ChannelCloseResult(ChannelTradeState.Succeeded),
        _ => new ChannelCloseResult(ChannelTradeState.Unknown, truth.ErrorCode ?? "DEDUCTION_IN_PROGRESS", truth.ErrorMessage ?? "The channel is still processing the deduction."),
    };

    private ChannelDeductionRequest DeductionRequest()
    {
        var s = state.State;
        return new ChannelDeductionRequest(s.OrderId!, s.ContractId!, s.ChannelContractNo!, s.Amount, s.Currency, s.Subject, s.UserIp,
            DateTimeOffset.FromUnixTimeMilliseconds(s.CreatedAtMs));
    }

    private Task<T> CallChannelAsync<T>(Func<IPaymentChannel, ChannelAccount, CancellationToken, Task<T>> call, Func<string, T> unknown) =>
        caller.CallAsync(state.State.Channel, state.State.AccountId, $"order {state.State.OrderId}", call, unknown);

    private Task<T> CallOpenChannelAsync<T>(Func<CancellationToken, Task<T>> call, Func<string, T> unknown) =>
        caller.CallOpenAsync($"order {state.State.OrderId}", call, unknown);
}
