using Microsoft.Extensions.Logging;
using PayGateway.Callbacks;
using PayGateway.Channels;

namespace PayGateway.Orders;

/// <summary>
/// Refunds live in the order's own state: the check "succeeded + open refunds ≤ paid" and the write that records a
/// new refund are one turn of a non-reentrant grain and one storage write, so no interleaving of requests can
/// refund more than was paid. The channel is called only after the refund is recorded; its refund number is our
/// refund id, so a request sent again (after a crash or an unknown outcome) can never refund twice.
/// </summary>
public sealed partial class OrderGrain
{
    public Task<GatewayError?> CheckRefundAsync(CreateRefundCommand command, string fingerprint) =>
        Task.FromResult(RefusalOf(command, fingerprint));

    public async Task<RefundResult> RefundAsync(CreateRefundCommand command, string fingerprint)
    {
        var s = state.State;
        if (RefusalOf(command, fingerprint) is { } refusal)
        {
            return new RefundResult(null, refusal);
        }
        if (s.Refunds.Find(r => r.OutRefundNo == command.OutRefundNo) is { } existing)
        {
            if (existing.StatusValue == FundsStatus.Pending && !existing.ChannelAnswered)
            {
                // A crash or a failed write came between recording the refund and recording the channel's answer, so
                // the channel may hold it already. Ask before sending again: a re-send it refuses as a duplicate with
                // a final code would fail a refund whose money moved and release its amount.
                await AskThenSendRefundAsync(existing.RefundId);
            }
            return RefundResult.Ok(RefundViewOf(existing.RefundId));
        }

        var now = NowMs;
        var refund = new StoredRefund
        {
            RefundId = RefundId.For(s.OrderId!, s.Refunds.Count + 1),
            OutRefundNo = command.OutRefundNo,
            Fingerprint = fingerprint,
            Status = FundsStatus.Pending.ToWire(),
            Amount = command.Amount,
            Reason = command.Reason,
            CreatedAtMs = now,
            UpdatedAtMs = now,
            // If the silo dies before the channel answers, supervision finds the refund and sends it again.
            NextCheckAtMs = now + (long)supervision.Value.CheckDelays[0].TotalMilliseconds,
        };
        await SaveAsync(s with { Refunds = s.Refunds.Add(refund) });
        await SendRefundAsync(refund.RefundId);
        return RefundResult.Ok(RefundViewOf(refund.RefundId));
    }

    /// <summary>
    /// Why this request cannot be served, or null when it can: a repeat of an existing refund (same fingerprint), or
    /// a new refund that fits. One rule for the check before anything is written and for the refund itself.
    /// </summary>
    private GatewayError? RefusalOf(CreateRefundCommand command, string fingerprint)
    {
        var s = state.State;
        if (!s.Exists || s.AppId != command.AppId)
        {
            return new GatewayError(ErrorCodes.OrderNotFound, "No order with that id belongs to this app.");
        }
        if (s.Refunds.Find(r => r.OutRefundNo == command.OutRefundNo) is { } existing)
        {
            return existing.Fingerprint == fingerprint ? null
                : new GatewayError(ErrorCodes.OutRefundNoConflict, $"out_refund_no '{command.OutRefundNo}' was already used for a different request (refund {existing.RefundId}).");
        }
        if (s.StatusValue != OrderStatus.Succeeded)
        {
            return new GatewayError(ErrorCodes.OrderNotRefundable, $"Only paid orders can be refunded; this order is {s.Status}.");
        }
        if (channels.Get(s.Channel) is not IRefundChannel)
        {
            return new GatewayError(ErrorCodes.RefundNotSupported, $"The {s.Channel} channel cannot refund.");
        }
        var refundable = s.Amount - s.Refunds.Where(r => r.StatusValue.HoldsAmount()).Sum(r => r.Amount);
        if (command.Amount > refundable)
        {
            return new GatewayError(ErrorCodes.RefundExceedsRefundable,
                $"The refund of {command.Amount} exceeds what is still refundable ({refundable} {s.Currency} of {s.Amount}, counting refunds in progress).");
        }
        if (s.Refunds.Count >= RefundId.MaxPerOrder)
        {
            return new GatewayError(ErrorCodes.TooManyRefunds, $"An order can have at most {RefundId.MaxPerOrder} refunds.");
        }
        return null;
    }

    public Task<RefundView?> GetRefundAsync(string refundId) =>
        Task.FromResult(state.State.Refunds.Exists(r => r.RefundId == refundId) ? RefundViewOf(refundId) : null);

    public Task<RefundView?> FindRefundAsync(string outRefundNo) =>
        Task.FromResult(state.State.Refunds.Find(r => r.OutRefundNo == outRefundNo) is { } r ? RefundViewOf(r.RefundId) : null);

    public async Task<CallbackOutcome> HandleRefundCallbackAsync(RefundCallbackNotice notice)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return CallbackOutcome.Reject("ORDER_NOT_FOUND", "No order with this id exists.");
        }
        if (notice.Channel != s.Channel || notice.AccountId != s.AccountId)
        {
            return CallbackOutcome.Reject("ACCOUNT_MISMATCH", $"The order belongs to {s.Channel}/{s.AccountId}, not {notice.Channel}/{notice.AccountId}.");
        }
        if (FindRefund(notice.RefundId) is not { } refund)
        {
            return CallbackOutcome.Reject("REFUND_NOT_FOUND", $"The order has no refund {notice.RefundId}.");
        }
        if (notice.Amount != refund.Amount || notice.Currency != s.Currency)
        {
            return CallbackOutcome.Reject("AMOUNT_MISMATCH", $"Notification says {notice.Amount} {notice.Currency}; refund is {refund.Amount} {s.Currency}.");
        }
        var truth = notice.Status switch
        {
            FundsStatus.Succeeded => new ChannelRefundResult(ChannelFundsState.Succeeded, notice.ChannelRefundNo, notice.Amount, notice.Currency, notice.SucceededAt),
            FundsStatus.Failed => new ChannelRefundResult(ChannelFundsState.Failed, notice.ChannelRefundNo,
                ErrorCode: notice.ErrorCode ?? ErrorCodes.ChannelRejected, ErrorMessage: "The channel reported the refund failed or closed."),
            _ => new ChannelRefundResult(ChannelFundsState.Pending, notice.ChannelRefundNo, ErrorCode: notice.ErrorCode,
                ErrorMessage: notice.ErrorCode is null ? null : "The channel reports the refund stuck; it still holds its amount."),
        };
        var filed = await ApplyRefundTruthAsync(refund.RefundId, truth, fromRequest: false);
        return filed ? CallbackOutcome.Ok : ReviewItemNotFiled();
    }

    /// <summary>Sends (or re-sends) a recorded refund to the channel and records what it answered.</summary>
    private async Task SendRefundAsync(string refundId)
    {
        var s = state.State;
        var refund = FindRefund(refundId)!;
        // The refund's stored creation time, never "now": UnionPay names the refund by it on every retry and query.
        var request = new ChannelRefundRequest(refundId, s.OrderId!, s.ChannelTradeNo, refund.Amount, s.Amount, s.Currency, refund.Reason,
            DateTimeOffset.FromUnixTimeMilliseconds(refund.CreatedAtMs));
        var result = await CallChannelAsync(
            (adapter, account, ct) => adapter is IRefundChannel refunds ? refunds.RefundAsync(account, request, ct) : Task.FromResult(ChannelRefundResult.Unknown("The channel cannot refund.")),
            ChannelRefundResult.Unknown);
        await ApplyRefundTruthAsync(refundId, result, fromRequest: true);
    }

    private Task<ChannelRefundResult> QueryRefundAsync(StoredRefund refund)
    {
        var s = state.State;
        var query = new ChannelRefundQuery(refund.RefundId, s.OrderId!, s.ChannelTradeNo, refund.Amount, s.Currency, DateTimeOffset.FromUnixTimeMilliseconds(refund.CreatedAtMs));
        return CallChannelAsync(
            (adapter, account, ct) => adapter is IRefundChannel refunds ? refunds.QueryRefundAsync(account, query, ct) : Task.FromResult(ChannelRefundResult.Unknown("The channel cannot refund.")),
            ChannelRefundResult.Unknown);
    }

    /// <summary>One supervision step for an open refund: ask the channel, follow it, re-send what never arrived.</summary>
    private async Task SuperviseRefundAsync(string refundId)
    {
        await AskThenSendRefundAsync(refundId);
        if (FindRefund(refundId) is { } after && !after.StatusValue.IsFinal())
        {
            var delays = supervision.Value.CheckDelays;
            var next = NowMs + (long)delays[Math.Min(after.Checks + 1, delays.Count - 1)].TotalMilliseconds;
            await MoveRefundAsync(refundId, after.StatusValue, r => r with { Checks = r.Checks + 1, NextCheckAtMs = next });
        }
    }

    /// <summary>
    /// Asks the channel about a refund whose outcome is not recorded and follows its answer; sends the refund again
    /// only when the channel holds no such refund. Supervision and a merchant's retry both take this step.
    /// </summary>
    private async Task AskThenSendRefundAsync(string refundId)
    {
        var truth = await QueryRefundAsync(FindRefund(refundId)!);
        if (truth.State == ChannelFundsState.NotFound)
        {
            // Never arrived, or (Alipay) not successful yet: sending the same refund id again is safe either way. The
            // decision is written first: a stale activation (one whose row another activation has moved on, say to a
            // failed refund whose amount was released) then fails on the version check here instead of refunding.
            await MoveRefundAsync(refundId, FindRefund(refundId)!.StatusValue, r => r with { Resends = r.Resends + 1 });
            await SendRefundAsync(refundId);
        }
        else
        {
            await ApplyRefundTruthAsync(refundId, truth, fromRequest: false);
        }
    }

    /// <summary>
    /// Moves a refund to what the channel reports, after checking it is about this refund's money. False when the
    /// answer called for a review item that could not be written (a callback is then refused, so it comes again).
    /// </summary>
    private async Task<bool> ApplyRefundTruthAsync(string refundId, ChannelRefundResult truth, bool fromRequest)
    {
        var s = state.State;
        var refund = FindRefund(refundId)!;
        Func<StoredRefund, StoredRefund> answered = r => r with
        {
            ChannelAnswered = r.ChannelAnswered || truth.State is ChannelFundsState.Pending or ChannelFundsState.Succeeded or ChannelFundsState.Failed,
            ChannelRefundNo = truth.ChannelRefundNo ?? r.ChannelRefundNo,
        };
        switch (truth.State)
        {
            case ChannelFundsState.Succeeded:
                if (truth.Amount is { } amount && amount != refund.Amount || truth.Currency is { } currency && currency != s.Currency)
                {
                    return await review.RecordAsync(ReviewKinds.Refund, s.Channel, s.AccountId, s.OrderId, "AMOUNT_MISMATCH",
                        $"Channel reports refund {refundId} of {truth.Amount} {truth.Currency}; the refund is {refund.Amount} {s.Currency}. Left unchanged.", null);
                }
                if (refund.StatusValue == FundsStatus.Failed)
                {
                    // Final is final, but money moved after its amount was released: an operator must look.
                    return await review.RecordAsync(ReviewKinds.Contradiction, s.Channel, s.AccountId, s.OrderId, "REFUNDED_AFTER_FAILED",
                        $"The channel reports refund {refundId} succeeded; the gateway recorded it failed and released its amount.", null);
                }
                await MoveRefundAsync(refundId, FundsStatus.Succeeded, r => answered(r) with
                {
                    SucceededAtMs = (truth.SucceededAt ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(),
                    Failure = null,
                });
                break;
            case ChannelFundsState.Failed:
                await MoveRefundAsync(refundId, FundsStatus.Failed, r => answered(r) with
                {
                    Failure = new StoredError(truth.ErrorCode ?? ErrorCodes.ChannelRejected, truth.ErrorMessage ?? "The channel refused the refund."),
                });
                break;
            case ChannelFundsState.Pending:
                await MoveRefundAsync(refundId, FundsStatus.Pending, r => answered(r) with
                {
                    Failure = truth.ErrorCode is { } code ? new StoredError(code, truth.ErrorMessage ?? "") : r.Failure,
                });
                break;
            case ChannelFundsState.Unknown when fromRequest:
                // Never failed by guess: the money may have moved. Supervision asks the channel.
                logger.LogWarning("Refund {RefundId} outcome unknown: {Reason}", refundId, truth.ErrorMessage);
                await MoveRefundAsync(refundId, FundsStatus.Unknown, answered);
                break;
        }
        return true;
    }

    /// <summary>
    /// The one place a refund's status changes: leaves a final refund untouched, keeps the order's refunded total,
    /// records the merchant notification in the same write when the refund becomes final, writes, then delivers.
    /// </summary>
    private async Task MoveRefundAsync(string refundId, FundsStatus to, Func<StoredRefund, StoredRefund> change)
    {
        var current = state.State;
        var refund = FindRefund(refundId)!;
        // A final refund is not written again at all, not even with the same status: a repeated success notice
        // (UnionPay's carry no time) must not move its succeeded_at, which reconciliation reads to pick its day.
        if (refund.StatusValue.IsFinal())
        {
            return;
        }
        var becameFinal = to.IsFinal(); // from an open state: final ones stopped above
        var updated = change(refund) with { Status = to.ToWire() };
        if (becameFinal)
        {
            updated = updated with { NextCheckAtMs = null };
        }
        if (updated == refund)
        {
            return;
        }
        updated = updated with { UpdatedAtMs = NowMs };
        var refunds = current.Refunds.Replace(refund, updated);
        var next = current with
        {
            Refunds = refunds,
            RefundedAmount = refunds.Where(r => r.StatusValue == FundsStatus.Succeeded).Sum(r => r.Amount),
        };
        if (becameFinal)
        {
            next = next with { Notifications = next.Notifications.Add(NewEvent(next, $"refund.{to.ToWire()}", updated)) };
        }
        await SaveAsync(next);
        if (becameFinal)
        {
            DispatchNotifications();
        }
    }

    private StoredRefund? FindRefund(string refundId) => state.State.Refunds.Find(r => r.RefundId == refundId);

    private RefundView RefundViewOf(string refundId) => state.State.ToRefundView(FindRefund(refundId)!);
}
