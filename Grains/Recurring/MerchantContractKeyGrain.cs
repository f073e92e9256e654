using PayGateway.Ids;
using PayGateway.Merchants;
using PayGateway.Orders;
using PayGateway.Storage;

namespace PayGateway.Recurring;

/// <inheritdoc cref="IMerchantContractKeyGrain"/>
/// <remarks>
/// Not reentrant: concurrent duplicates queue here, and the first one fixes the contract id before any other runs. The
/// id is written before the contract is created, so a crash in between leaves an id that the merchant's retry (same
/// fingerprint) completes, never a second contract.
/// </remarks>
public sealed class MerchantContractKeyGrain(
    [PersistentState("contract_key")] IPersistentState<MerchantContractKeyState> state,
    OrderIdGenerator ids,
    ChannelRouter router) : Grain, IMerchantContractKeyGrain
{
    public async Task<ContractResult> CreateContractAsync(CreateContractCommand command)
    {
        var fingerprint = RequestFingerprint.Of(command);
        if (state.State.ContractId is null)
        {
            var route = await router.ResolveContractAsync(command.AppId, command.Channel, command.Method, command.Currency);
            if (route.Error is { } error)
            {
                return new ContractResult(null, error);
            }
            await state.WriteOrRevertAsync(new MerchantContractKeyState
            {
                ContractId = ContractId.From(await ids.NextAsync()),
                Fingerprint = fingerprint,
                Channel = route.Route!.Channel,
                AccountId = route.Route.AccountId,
            }, this);
        }
        else if (state.State.Fingerprint != fingerprint)
        {
            return ContractResult.Fail(ErrorCodes.OutContractNoConflict,
                $"out_contract_no '{command.OutContractNo}' was already used for a different request (contract {state.State.ContractId}).");
        }
        return await GrainFactory.GetGrain<ISignGrain>(state.State.ContractId!)
            .CreateAsync(command, fingerprint, new ChannelRoute(state.State.Channel, state.State.AccountId));
    }

    public async Task<ContractResult?> RepeatAsync(CreateContractCommand command)
    {
        var fingerprint = RequestFingerprint.Of(command);
        if (state.State.ContractId is not { } contractId || state.State.Fingerprint != fingerprint)
        {
            return null;
        }
        var contract = GrainFactory.GetGrain<ISignGrain>(contractId);
        // An id whose contract was never written (a crash in between) is completed only by a request still valid as new.
        if (await contract.GetAsync() is null)
        {
            return null;
        }
        return await contract.CreateAsync(command, fingerprint, new ChannelRoute(state.State.Channel, state.State.AccountId));
    }

    public Task<string?> GetContractIdAsync() => Task.FromResult(state.State.ContractId);
}
