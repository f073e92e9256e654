using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PayGateway.Callbacks;
using PayGateway.Channels;
using PayGateway.Orders;

namespace PayGateway.Recurring;

public sealed partial class SignGrain
{
    /// <summary>The failure of an attempt whose order was never created because the contract had ended meanwhile.</summary>
    private const string ContractEnded = "CONTRACT_ENDED";

    /// <summary>
    /// Renewal: follow the open deduction order to its end; otherwise, when the period's time has come, record the next
    /// attempt and create its order. At most one deduction is open at a time, and each attempt's order is named by
    /// contract, period and attempt, so a doubled or missed tick can neither charge twice nor lose a result.
    /// </summary>
    private async Task RenewAsync()
    {
        if (state.State.OpenDeduction is { } open)
        {
            // Whatever the look found, it scheduled what comes next (another look, the retry after RetryDelay, the next
            // period, nothing). A deduction found failed here must not start the next attempt at once: the period's time
            // has long come, but the retry is not due yet.
            await FollowDeductionAsync(open);
            return;
        }
        var s = state.State;
        if (s.StatusValue != ContractStatus.Active || ContractSchedule.Exhausted(s))
        {
            await MoveAsync(s.StatusValue, c => c with { NextActionAtMs = null });
            return;
        }

        var now = clock.GetUtcNow();
        var options = recurring.Value;
        // A period whose date has passed cannot be charged any more (channels refuse deductions outside their window).
        // Alipay 周期扣款 keeps its plan on the period given up here: it is moved below, before the next deduction.
        var period = s.NextPeriod;
        var today = ContractSchedule.BeijingDate(now);
        while (ContractSchedule.DueDate(s, period) < today)
        {
            period++;
        }
        if (period != s.NextPeriod)
        {
            logger.LogWarning("Contract {ContractId}: periods {From} to {To} passed without a deduction; continuing with period {Period}",
                s.ContractId, s.NextPeriod, period - 1, period);
        }
        var dueAt = ContractSchedule.DueAt(s, period, options);
        var attempt = s.Deductions.Count(d => d.Period == period) + 1;
        var nextPeriod = attempt > options.AttemptsPerPeriod ? period + 1 : period;
        if (ContractSchedule.PlanMoveNeeded(s, nextPeriod))
        {
            // The channel's plan is on a period given up or skipped, and it would refuse every later deduction: move it
            // first (as early as possible, so an unknown answer has time to be settled before the date).
            if (!await MovePlanAsync(nextPeriod))
            {
                return;
            }
            s = state.State;
        }
        if (now < dueAt || attempt > options.AttemptsPerPeriod)
        {
            await MoveAsync(ContractStatus.Active, c => c with
            {
                NextPeriod = nextPeriod,
                NextActionAtMs = ContractSchedule.DueAt(c, nextPeriod, options).ToUnixTimeMilliseconds(),
            });
            return;
        }

        var deduction = new StoredDeduction
        {
            Period = period,
            Attempt = attempt,
            OutTradeNo = ContractId.DeductionOutTradeNo(s.ContractId!, period, attempt),
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
            ExpireSeconds = options.DeductionExpireSeconds,
        };
        // Recorded before the order exists: a crash after this write is repaired by creating the same order again.
        await MoveAsync(ContractStatus.Active, c => c with
        {
            NextPeriod = period,
            Deductions = c.Deductions.Add(deduction),
            NextActionAtMs = NowMs + (long)options.FollowDelay.TotalMilliseconds,
        });
        await FollowDeductionAsync(deduction);
    }

    /// <summary>Creates the deduction's order if it has none yet, then records its outcome once the order is final.</summary>
    private async Task FollowDeductionAsync(StoredDeduction deduction)
    {
        OrderView? order;
        if (deduction.OrderId is null && state.State.StatusValue.IsFinal())
        {
            // The contract ended while this attempt's order was still to be created (its creation failed, e.g. a storage
            // outage): never charge under an ended agreement. An order that exists after all (the failed call may have
            // created it) may have charged, so it is followed; otherwise the attempt ends here.
            var orderId = await GrainFactory.GetGrain<IMerchantOrderKeyGrain>(MerchantOrderKey.For(state.State.AppId, deduction.OutTradeNo)).GetOrderIdAsync();
            order = orderId is null ? null : await GrainFactory.GetGrain<IOrderGrain>(orderId).GetAsync();
            if (order is null)
            {
                await EndDeductionAsync(deduction, StoredDeduction.Failed, new StoredError(ContractEnded, "The contract ended before the deduction's order was created."));
                return;
            }
            deduction = deduction with { OrderId = order.OrderId };
        }
        else if (deduction.OrderId is null)
        {
            var created = await GrainFactory.GetGrain<IMerchantOrderKeyGrain>(MerchantOrderKey.For(state.State.AppId, deduction.OutTradeNo))
                .CreateOrderAsync(DeductionCommand(deduction));
            if (created.Error is { } error)
            {
                // Nothing was sent to the channel under this attempt (the order was refused before it existed).
                await EndDeductionAsync(deduction, StoredDeduction.Failed, new StoredError(error.Code, error.Message));
                return;
            }
            order = created.Order!;
            // Recorded with the outcome below, in the same write: the order's creation is repeatable, so nothing is lost
            // if the grain dies first.
            deduction = deduction with { OrderId = order.OrderId };
        }
        else
        {
            order = await GrainFactory.GetGrain<IOrderGrain>(deduction.OrderId).GetAsync();
        }

        switch (order?.Status)
        {
            case OrderStatus.Succeeded:
                await EndDeductionAsync(deduction, StoredDeduction.Succeeded, null);
                break;
            case OrderStatus.Failed or OrderStatus.Closed:
                var failure = order.Failure is { } f ? new StoredError(f.Code, f.Message) : new StoredError(ErrorCodes.ChannelRejected, $"The deduction order was {order.Status.ToWire()}.");
                await EndDeductionAsync(deduction, StoredDeduction.Failed, failure);
                break;
            case null when state.State.StatusValue.IsFinal():
                // Missing, and the contract has ended: never created now (see above).
                await EndDeductionAsync(deduction with { OrderId = null }, StoredDeduction.Failed,
                    new StoredError(ContractEnded, "The contract ended before the deduction's order was created."));
                break;
            default:
                // Open: look again later. Missing (impossible once created): forget the id, and the next look creates the
                // order again under the same out_trade_no.
                var followed = order is null ? deduction with { OrderId = null } : deduction;
                var next = NowMs + (long)recurring.Value.FollowDelay.TotalMilliseconds;
                await MoveAsync(state.State.StatusValue, c => c with { Deductions = c.Deductions.Replace(c.OpenDeduction!, followed), NextActionAtMs = next });
                break;
        }
    }

    /// <summary>
    /// Records a deduction's end and schedules what follows: the next period after a success or after the period's
    /// last failed attempt, another attempt after a failure, nothing once the contract has ended.
    /// </summary>
    private async Task EndDeductionAsync(StoredDeduction deduction, string outcome, StoredError? failure)
    {
        var options = recurring.Value;
        var succeeded = outcome == StoredDeduction.Succeeded;
        await MoveAsync(state.State.StatusValue, c =>
        {
            var ended = c with
            {
                Deductions = c.Deductions.Replace(c.OpenDeduction!, deduction with { Status = outcome, Failure = failure }),
                DeductionsSucceeded = c.DeductionsSucceeded + (succeeded ? 1 : 0),
            };
            var nextPeriod = succeeded || deduction.Attempt >= options.AttemptsPerPeriod ? deduction.Period + 1 : deduction.Period;
            // A period given up leaves a channel plan (Alipay 周期扣款) behind: the next action moves it at once (RenewAsync).
            long? nextAction = ended.StatusValue != ContractStatus.Active || ContractSchedule.Exhausted(ended)
                ? null
                : nextPeriod == deduction.Period
                    ? NowMs + (long)options.RetryDelay.TotalMilliseconds
                    : ContractSchedule.PlanMoveNeeded(ended, nextPeriod)
                        ? NowMs
                        : ContractSchedule.DueAt(ended, nextPeriod, options).ToUnixTimeMilliseconds();
            return ended with { NextPeriod = nextPeriod, NextActionAtMs = nextAction };
        });
        if (!succeeded)
        {
            logger.LogWarning("Contract {ContractId}: deduction {OutTradeNo} failed: {Code}", state.State.ContractId, deduction.OutTradeNo, failure?.Code);
        }
    }

    /// <summary>
    /// Moves the channel's deduction plan to <paramref name="period"/>'s date. The move and the schedule are recorded
    /// first, in one write, then the channel is asked. Returns true when the deduction may go ahead: moved, no plan at
    /// the channel, or refused (the deduction is still made: the channel's answer to it is the truth, and an operator
    /// has a review item). False when the answer is unknown: the next action asks again, never assuming either way.
    /// </summary>
    private async Task<bool> MovePlanAsync(int period)
    {
        var s = state.State;
        var date = ContractSchedule.DueDate(s, period);
        var attempts = s.PlanMove is { Status: StoredPlanMove.Pending } earlier && earlier.Period == period ? earlier.Attempts : 0;
        var move = new StoredPlanMove { Period = period, Date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Attempts = attempts };
        var delays = supervision.Value.CheckDelays;
        var retryAt = NowMs + (long)delays[Math.Min(attempts, delays.Count - 1)].TotalMilliseconds;
        await MoveAsync(ContractStatus.Active, c => c with { NextPeriod = period, PlanMove = move, NextActionAtMs = retryAt });

        var result = await CallChannelAsync(
            (contracts, account, ct) => contracts.MoveDeductionPlanAsync(account, Ref(), date, ct), ChannelPlanResult.Unknown, ChannelPlanResult.NoPlan);
        switch (result.State)
        {
            case ChannelPlanState.Moved:
                await MoveAsync(ContractStatus.Active, c => c with { PlanMove = move with { Status = StoredPlanMove.Moved } });
                return true;
            case ChannelPlanState.NoPlan:
                await MoveAsync(ContractStatus.Active, c => c with { PlanMove = move with { Status = StoredPlanMove.NoPlan } });
                return true;
            case ChannelPlanState.Refused:
                var failure = new StoredError(result.ErrorCode ?? ErrorCodes.ChannelRejected, result.ErrorMessage ?? "The channel refused to move its deduction plan.");
                await MoveAsync(ContractStatus.Active, c => c with { PlanMove = move with { Status = StoredPlanMove.Refused, Failure = failure } });
                // Logged after the write: a crash in between asks the channel again, which refuses again and files it then.
                await review.RecordAsync(ReviewKinds.Contract, s.Channel, s.AccountId, s.ContractId, "DEDUCTION_PLAN_NOT_MOVED",
                    $"The channel refused to move the contract's deduction plan to period {period} ({move.Date}): {failure.Code} {failure.Message}. " +
                    "Its deductions will be refused until the plan is moved or the contract is ended.", null);
                return true;
            default:
                logger.LogWarning("Contract {ContractId}: moving the channel's deduction plan to {Date} has no certain answer ({Code}); asking again later",
                    s.ContractId, move.Date, result.ErrorCode);
                var next = NowMs + (long)delays[Math.Min(attempts + 1, delays.Count - 1)].TotalMilliseconds;
                await MoveAsync(ContractStatus.Active, c => c with { PlanMove = move with { Attempts = attempts + 1 }, NextActionAtMs = next });
                return false;
        }
    }

    /// <summary>The deduction's order request: fixed by the stored contract and attempt, so every repeat is the identical request.</summary>
    private CreateOrderCommand DeductionCommand(StoredDeduction deduction)
    {
        var s = state.State;
        var metadata = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
        [
            KeyValuePair.Create("contract_id", s.ContractId!),
            KeyValuePair.Create("out_contract_no", s.OutContractNo),
            KeyValuePair.Create("period", deduction.Period.ToString(CultureInfo.InvariantCulture)),
        ]);
        return new CreateOrderCommand(
            s.AppId, deduction.OutTradeNo, s.Amount, s.Currency, s.Subject, null, PayMethod.AGREEMENT, s.Channel, s.NotifyUrl, null,
            deduction.ExpireSeconds, s.UserIp, null, null, null, metadata,
            new ContractDeduction(s.ContractId!, s.ChannelContractNo!, deduction.Period, new ChannelRoute(s.Channel, s.AccountId)));
    }
}
