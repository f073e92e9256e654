using PayGateway.Orders;
using PayGateway.Storage;

namespace PayGateway.Refunds;

/// <inheritdoc cref="IMerchantRefundKeyGrain"/>
/// <remarks>
/// Not reentrant: concurrent duplicates queue here. The number is reserved (order id + fingerprint written) before
/// the order grain is asked, so a crash in between leaves a reservation that the merchant's identical retry
/// completes. A request the order would refuse is refused before anything is written (a read-only check); when the
/// order still refuses (another refund got there in between, on the first request or on a retry) the reservation is
/// released, so a refused request does not use the number up; when the call fails without an answer it is kept,
/// because the refund may exist.
/// </remarks>
public sealed class MerchantRefundKeyGrain(
    [PersistentState("refund_key")] IPersistentState<MerchantRefundKeyState> state) : Grain, IMerchantRefundKeyGrain
{
    public async Task<RefundResult> RefundAsync(CreateRefundCommand command)
    {
        var fingerprint = RequestFingerprint.Of(command);
        if (state.State.OrderId is null)
        {
            // Refuse what the order would refuse (unknown, unpaid, too much) before writing anything: bad input changes nothing.
            if (await GrainFactory.GetGrain<IOrderGrain>(command.OrderId).CheckRefundAsync(command, fingerprint) is { } refusal)
            {
                return new RefundResult(null, refusal);
            }
            await state.WriteOrRevertAsync(new MerchantRefundKeyState { OrderId = command.OrderId, Fingerprint = fingerprint }, this);
        }
        else if (state.State.Fingerprint != fingerprint)
        {
            return RefundResult.Fail(ErrorCodes.OutRefundNoConflict,
                $"out_refund_no '{command.OutRefundNo}' was already used for a different request (order {state.State.OrderId}).");
        }
        // Also a retry of a reservation whose first call got no answer: if the order now refuses it (another refund
        // took the amount meanwhile), no refund holds the number and it is released like a first refusal.
        var result = await GrainFactory.GetGrain<IOrderGrain>(state.State.OrderId!).RefundAsync(command, fingerprint);
        // The order answers with an error only before it records anything, and "conflict" only when a refund with
        // this number exists: that one keeps it.
        if (result.Error is { } error && error.Code != ErrorCodes.OutRefundNoConflict)
        {
            await state.WriteOrRevertAsync(new MerchantRefundKeyState(), this);
        }
        return result;
    }

    public Task<string?> GetOrderIdAsync() => Task.FromResult(state.State.OrderId);
}
