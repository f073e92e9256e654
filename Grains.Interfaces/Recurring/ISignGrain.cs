namespace PayGateway;

/// <summary>
/// One recurring-payment contract, keyed by its gateway contract id: the single writer of its state. It starts the
/// signing at the channel, follows the channel until the payer signs (or the sign window passes), then renews the
/// contract every period by creating one deduction order (method AGREEMENT) per period and following it to its end.
/// </summary>
public interface ISignGrain : IWebhookOutboxOwner
{
    /// <summary>
    /// Records the contract and asks the channel for what the payer needs to sign. Idempotent: a repeat with the same
    /// fingerprint returns the contract as it stands (and finishes a start a crash interrupted); a different
    /// fingerprint is refused.
    /// </summary>
    Task<ContractResult> CreateAsync(CreateContractCommand command, string fingerprint, ChannelRoute route);

    /// <summary>The contract, or null when none was ever created under this id.</summary>
    Task<ContractView?> GetAsync();

    /// <summary>
    /// Ends the contract at the channel and here (the merchant's termination). A repeat returns the terminated
    /// contract. An unsigned contract is closed instead. No answer from the channel leaves the contract unchanged.
    /// </summary>
    Task<ContractResult> TerminateAsync(string? reason);

    /// <summary>
    /// Applies a verified channel notification after checking channel and account. Repeats and stale news change
    /// nothing and are still accepted.
    /// </summary>
    Task<CallbackOutcome> HandleCallbackAsync(ContractCallbackNotice notice);

    /// <summary>
    /// Does whatever is due: a channel query of an unsigned contract, closing it after its sign window, starting or
    /// following this period's deduction, notification attempts. Safe to call at any time and any number of times.
    /// </summary>
    Task WakeAsync();
}

/// <summary>
/// The (app_id, out_contract_no) → contract id index, keyed <c>{app_id}:{out_contract_no}</c>: the first request
/// fixes the contract id and the request's fingerprint; repeats reach that contract; a different request is refused.
/// </summary>
public interface IMerchantContractKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the contract for this out_contract_no, or returns the one an identical earlier request created.</summary>
    Task<ContractResult> CreateContractAsync(CreateContractCommand command);

    /// <summary>
    /// The contract an identical earlier request created, as <see cref="CreateContractAsync"/> returns it; null when
    /// there is none (no contract under this number, or one from a different request). Never creates a contract: for a
    /// repeat the API no longer accepts as new (its first deduction date has passed since).
    /// </summary>
    Task<ContractResult?> RepeatAsync(CreateContractCommand command);

    /// <summary>The contract id assigned to this out_contract_no, if any.</summary>
    Task<string?> GetContractIdAsync();
}

public static class MerchantContractKey
{
    /// <summary>App ids and out_contract_nos are restricted to [A-Za-z0-9_-], so ':' cannot occur inside either.</summary>
    public static string For(string appId, string outContractNo) => $"{appId}:{outContractNo}";
}
