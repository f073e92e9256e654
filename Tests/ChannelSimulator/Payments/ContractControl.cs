using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Payments;

/// <summary>
/// What tests can do to mock contracts, as the payer would: sign, terminate, (re)send the notification. Used by the
/// control endpoints under /mock/control/contracts and by <see cref="SimulatorHost.Contracts"/>. Without a merchant id
/// a call works only if exactly one merchant has that contract_code.
/// </summary>
public sealed class ContractControl
{
    private readonly ContractStore _contracts;
    private readonly ContractOperations _operations;

    internal ContractControl(ContractStore contracts, ContractOperations operations)
    {
        _contracts = contracts;
        _operations = operations;
    }

    /// <summary>The contract with that contract_code (the gateway's contract id), or null.</summary>
    public SimulatorContract? Find(string contractCode, string? merchantId = null) =>
        merchantId is null ? _contracts.FindAnyMerchant(contractCode) : _contracts.Find(merchantId, contractCode);

    /// <summary>Signs like the sign page's button: contract_signed record and contract.signed notification (in the background) the first time.</summary>
    public (ContractSignOutcome Outcome, SimulatorContract Contract) Sign(string contractCode, string? merchantId = null) =>
        Find(contractCode, merchantId) is { } contract
            ? _operations.Sign(contract.MerchantId, contract.ContractCode)
            : throw new InvalidOperationException($"The simulator has no (unique) contract '{contractCode}'.");

    /// <summary>Ends the contract as the payer: contract_terminated record and contract.terminated notification (in the background) the first time.</summary>
    public (ContractTerminateOutcome Outcome, SimulatorContract Contract) TerminateAsPayer(string contractCode, string? merchantId = null) =>
        Find(contractCode, merchantId) is { } contract
            ? _operations.Terminate(contract.MerchantId, contract.ContractCode, "payer")
            : throw new InvalidOperationException($"The simulator has no (unique) contract '{contractCode}'.");

    /// <summary>(Re)sends the contract's notification in its current state and waits until it is acknowledged or retries run out.</summary>
    public async Task<CallbackDelivery> SendCallbackAsync(string contractCode, string? merchantId = null, CancellationToken cancellationToken = default) =>
        Find(contractCode, merchantId) is { } contract
            ? await _operations.SendContractCallbackAsync(contract, cancellationToken)
            : throw new InvalidOperationException($"The simulator has no (unique) contract '{contractCode}'.");
}
