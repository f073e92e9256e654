using PayGateway.Ids;
using PayGateway.Merchants;
using PayGateway.Storage;

namespace PayGateway.Orders;

/// <inheritdoc cref="IMerchantOrderKeyGrain"/>
/// <remarks>
/// Not reentrant: concurrent duplicates queue here, and the first one fixes the order id before any of the others
/// runs. The order id is written before the order is created, so a crash in between leaves an id that the
/// merchant's retry (same fingerprint) completes, never a second order.
/// </remarks>
public sealed class MerchantOrderKeyGrain(
    [PersistentState("order_key")] IPersistentState<MerchantOrderKeyState> state,
    OrderIdGenerator ids,
    ChannelRouter router) : Grain, IMerchantOrderKeyGrain
{
    public async Task<OrderResult> CreateOrderAsync(CreateOrderCommand command)
    {
        var fingerprint = RequestFingerprint.Of(command);
        var first = state.State.OrderId is null;
        if (first)
        {
            // From this silo's cached copies of the app and its accounts (same answer as IMerchantAppGrain.ResolveRouteAsync).
            // A contract's deduction is charged where the contract was signed.
            var route = command.Deduction is { } deduction
                ? new RouteResult(deduction.Route, null)
                : await router.ResolveAsync(command.AppId, command.Channel, command.Method);
            if (route.Error is { } error)
            {
                return new OrderResult(null, error);
            }
            var next = new MerchantOrderKeyState
            {
                OrderId = await ids.NextAsync(),
                Fingerprint = fingerprint,
                Channel = route.Route!.Channel,
                AccountId = route.Route.AccountId,
            };
            await state.WriteOrRevertAsync(next, this);
        }
        else if (state.State.Fingerprint != fingerprint)
        {
            return OrderResult.Fail(ErrorCodes.OutTradeNoConflict,
                $"out_trade_no '{command.OutTradeNo}' was already used for a different request (order {state.State.OrderId}).");
        }
        var order = GrainFactory.GetGrain<IOrderGrain>(state.State.OrderId!);
        var result = await order.CreateAsync(command, fingerprint, new ChannelRoute(state.State.Channel, state.State.AccountId));
        if (first)
        {
            // The key's work is done once the order exists: only a merchant's retry or a lookup by out_trade_no asks
            // again, and those read the state back. Left to idle collection, every create's key activation stays in
            // memory for its collection age and survives each young-generation collection in between, which made
            // those pauses longer under load (6.4-10.2 ms against 5.3-5.7 ms; docs/performance.md, perf6). Only the
            // first create lets go: duplicates queued behind it are forwarded once to a new activation, which keeps
            // serving them (each activation letting go would forward them again and again, past Orleans' limit).
            DeactivateOnIdle();
        }
        return result;
    }

    public Task<string?> GetOrderIdAsync() => Task.FromResult(state.State.OrderId);
}
