using PayGateway.Ids;
using PayGateway.Merchants;
using PayGateway.Orders;
using PayGateway.Storage;

namespace PayGateway.Transfers;

/// <inheritdoc cref="IMerchantTransferKeyGrain"/>
/// <remarks>
/// Not reentrant: concurrent duplicates queue here, and the first one fixes the transfer id before any other runs.
/// The id is written before the transfer is created, so a crash in between leaves an id that the merchant's retry
/// (same fingerprint) completes, never a second transfer.
/// </remarks>
public sealed class MerchantTransferKeyGrain(
    [PersistentState("transfer_key")] IPersistentState<MerchantTransferKeyState> state,
    OrderIdGenerator ids,
    ChannelRouter router) : Grain, IMerchantTransferKeyGrain
{
    public async Task<TransferResult> TransferAsync(CreateTransferCommand command)
    {
        var fingerprint = RequestFingerprint.Of(command);
        if (state.State.TransferId is null)
        {
            // From this silo's cached copies of the app and its accounts, like order routing.
            var route = await router.ResolveTransferAsync(command.AppId, command.Channel, command.PayeeType, command.Currency);
            if (route.Error is { } error)
            {
                return new TransferResult(null, error);
            }
            await state.WriteOrRevertAsync(new MerchantTransferKeyState
            {
                TransferId = TransferId.From(await ids.NextAsync()),
                Fingerprint = fingerprint,
                Channel = route.Route!.Channel,
                AccountId = route.Route.AccountId,
            }, this);
        }
        else if (state.State.Fingerprint != fingerprint)
        {
            return TransferResult.Fail(ErrorCodes.OutTransferNoConflict,
                $"out_transfer_no '{command.OutTransferNo}' was already used for a different request (transfer {state.State.TransferId}).");
        }
        return await GrainFactory.GetGrain<ITransferGrain>(state.State.TransferId!)
            .CreateAsync(command, fingerprint, new ChannelRoute(state.State.Channel, state.State.AccountId));
    }

    public Task<string?> GetTransferIdAsync() => Task.FromResult(state.State.TransferId);
}
