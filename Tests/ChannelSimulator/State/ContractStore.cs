namespace PayGateway.ChannelSimulator.State;

/// <summary>Contract status values on the wire (docs/channels/mock.md, "Contracts").</summary>
public static class MockContractStatus
{
    /// <summary>Created, waiting for the payer to sign.</summary>
    public const string Pending = "PENDING";
    /// <summary>Signed by the payer: deductions may be made.</summary>
    public const string Signed = "SIGNED";
    /// <summary>Ended by the payer or the merchant. Final.</summary>
    public const string Terminated = "TERMINATED";
    /// <summary>Never signed, and its expires_at has passed. Final.</summary>
    public const string Expired = "EXPIRED";
}

/// <summary>A snapshot of one recurring-payment contract at the simulator.</summary>
/// <param name="ContractCode">The merchant's contract number (the gateway's contract id); unique per merchant.</param>
/// <param name="ContractId">The simulator's contract number; the API shows it only once the contract was signed.</param>
/// <param name="AmountPerDeduction">The most one deduction may take, in minor units of <paramref name="Currency"/>.</param>
/// <param name="MaxDeductions">The most deductions the contract allows; null for no limit.</param>
/// <param name="DeductionsUsed">Deductions accepted so far (settled or still processing).</param>
public sealed record SimulatorContract(
    string MerchantId,
    string ContractCode,
    string ContractId,
    string Method,
    string Currency,
    long AmountPerDeduction,
    int? MaxDeductions,
    string PeriodUnit,
    int PeriodEvery,
    DateOnly FirstDeductionDate,
    string DisplayAccount,
    Uri NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset ExpiresAt,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SignedAt,
    DateTimeOffset? TerminatedAt,
    int DeductionsUsed,
    string? TerminatedBy);

/// <summary>What a contract create asks the store for.</summary>
internal sealed record NewContract(
    string MerchantId,
    string ContractCode,
    string Method,
    string Currency,
    long AmountPerDeduction,
    int? MaxDeductions,
    string PeriodUnit,
    int PeriodEvery,
    DateOnly FirstDeductionDate,
    string DisplayAccount,
    Uri NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset ExpiresAt);

internal enum ContractCreateOutcome { Created, Existing, Conflict }

/// <summary>What signing did: signed it now, found it signed already, or found it no longer signable.</summary>
public enum ContractSignOutcome { Signed, AlreadySigned, NotSignable }

/// <summary>What terminating did: ended it now, or found it ended already.</summary>
public enum ContractTerminateOutcome { Terminated, AlreadyTerminated }

/// <summary>Why a deduction may not be made under a contract, or <see cref="Allowed"/> (then one deduction is counted).</summary>
internal enum DeductionCheck { Allowed, NotFound, NotSigned, Terminated, CurrencyMismatch, ExceedsLimit, DeductionsExhausted }

/// <summary>
/// All contracts in memory, keyed by (merchant, contract_code) and by contract_id. One lock, so two concurrent
/// deductions can never together exceed the contract's max deductions.
/// </summary>
internal sealed class ContractStore(TimeProvider time) : IResettableState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Merchant, string ContractCode), SimulatorContract> _byCode = [];
    private readonly Dictionary<string, (string Merchant, string ContractCode)> _byContractId = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Merchant, string OutTradeNo), string> _deductions = [];
    private long _sequence;

    /// <summary>
    /// Creates the contract, or returns the existing one with that contract_code: <see cref="ContractCreateOutcome.Existing"/>
    /// when method, currency, limits and period match (so a repeat gets the same sign page), else a conflict.
    /// </summary>
    public (ContractCreateOutcome Outcome, SimulatorContract Contract) CreateOrGet(NewContract request)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_byCode.TryGetValue((request.MerchantId, request.ContractCode), out var existing))
            {
                var current = Refresh(existing, now);
                var same = current.Method == request.Method && current.Currency == request.Currency
                    && current.AmountPerDeduction == request.AmountPerDeduction && current.MaxDeductions == request.MaxDeductions
                    && current.PeriodUnit == request.PeriodUnit && current.PeriodEvery == request.PeriodEvery
                    && current.FirstDeductionDate == request.FirstDeductionDate;
                return (same ? ContractCreateOutcome.Existing : ContractCreateOutcome.Conflict, current);
            }
            var contract = new SimulatorContract(
                request.MerchantId, request.ContractCode, $"MC{now:yyyyMMdd}{++_sequence:D8}", request.Method, request.Currency,
                request.AmountPerDeduction, request.MaxDeductions, request.PeriodUnit, request.PeriodEvery, request.FirstDeductionDate,
                request.DisplayAccount, request.NotifyUrl, request.ReturnUrl, request.ExpiresAt, MockContractStatus.Pending, now, null, null, 0, null);
            _byCode[(request.MerchantId, request.ContractCode)] = contract;
            _byContractId[contract.ContractId] = (request.MerchantId, request.ContractCode);
            return (ContractCreateOutcome.Created, contract);
        }
    }

    public SimulatorContract? Find(string merchantId, string contractCode)
    {
        lock (_lock)
        {
            return _byCode.TryGetValue((merchantId, contractCode), out var c) ? Refresh(c, time.GetUtcNow()) : null;
        }
    }

    /// <summary>Finds by contract_code alone (control API). Null when absent or when several merchants use it.</summary>
    public SimulatorContract? FindAnyMerchant(string contractCode)
    {
        lock (_lock)
        {
            var matches = _byCode.Values.Where(c => c.ContractCode == contractCode).Take(2).ToList();
            return matches.Count == 1 ? Refresh(matches[0], time.GetUtcNow()) : null;
        }
    }

    /// <summary>Finds by the simulator's contract_id (sign page, deductions).</summary>
    public SimulatorContract? FindByContractId(string contractId)
    {
        lock (_lock)
        {
            return _byContractId.TryGetValue(contractId, out var key) && _byCode.TryGetValue(key, out var c) ? Refresh(c, time.GetUtcNow()) : null;
        }
    }

    /// <summary>PENDING → SIGNED, as the payer. A signed contract is reported, never signed twice.</summary>
    public (ContractSignOutcome Outcome, SimulatorContract Contract) Sign(string merchantId, string contractCode)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var current = Refresh(_byCode[(merchantId, contractCode)], now);
            var outcome = current.Status switch
            {
                MockContractStatus.Signed => ContractSignOutcome.AlreadySigned,
                MockContractStatus.Pending => ContractSignOutcome.Signed,
                _ => ContractSignOutcome.NotSignable,
            };
            return outcome == ContractSignOutcome.Signed
                ? (outcome, Save(current with { Status = MockContractStatus.Signed, SignedAt = now }))
                : (outcome, current);
        }
    }

    /// <summary>Any contract not yet ended becomes TERMINATED (an unsigned one can then never be signed).</summary>
    /// <param name="by"><c>payer</c> or <c>merchant</c>, for the records.</param>
    public (ContractTerminateOutcome Outcome, SimulatorContract Contract) Terminate(string merchantId, string contractCode, string by)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var current = Refresh(_byCode[(merchantId, contractCode)], now);
            return current.Status == MockContractStatus.Terminated
                ? (ContractTerminateOutcome.AlreadyTerminated, current)
                : (ContractTerminateOutcome.Terminated, Save(current with { Status = MockContractStatus.Terminated, TerminatedAt = now, TerminatedBy = by }));
        }
    }

    /// <summary>
    /// Checks that one more deduction of <paramref name="amount"/> may be made under the signed contract and, when it
    /// may, counts it (under the lock, so the check and the count cannot be split by a concurrent deduction).
    /// </summary>
    public (DeductionCheck Check, SimulatorContract? Contract) TryUseDeduction(string merchantId, string contractId, long amount, string currency)
    {
        lock (_lock)
        {
            if (!_byContractId.TryGetValue(contractId, out var key) || key.Merchant != merchantId)
            {
                return (DeductionCheck.NotFound, null);
            }
            var current = Refresh(_byCode[key], time.GetUtcNow());
            var check = current switch
            {
                { Status: MockContractStatus.Terminated } => DeductionCheck.Terminated,
                { Status: not MockContractStatus.Signed } => DeductionCheck.NotSigned,
                _ when current.Currency != currency => DeductionCheck.CurrencyMismatch,
                _ when amount > current.AmountPerDeduction => DeductionCheck.ExceedsLimit,
                { MaxDeductions: { } max } when current.DeductionsUsed >= max => DeductionCheck.DeductionsExhausted,
                _ => DeductionCheck.Allowed,
            };
            return check == DeductionCheck.Allowed
                ? (check, Save(current with { DeductionsUsed = current.DeductionsUsed + 1 }))
                : (check, current);
        }
    }

    /// <summary>Remembers under which contract_id a deduction's out_trade_no was charged, so a repeat can be recognised.</summary>
    public void RecordDeduction(string merchantId, string outTradeNo, string contractId)
    {
        lock (_lock)
        {
            _deductions[(merchantId, outTradeNo)] = contractId;
        }
    }

    /// <summary>The contract_id a deduction was charged under, or null when the out_trade_no is no deduction.</summary>
    public string? DeductionContract(string merchantId, string outTradeNo)
    {
        lock (_lock)
        {
            return _deductions.GetValueOrDefault((merchantId, outTradeNo));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _byCode.Clear();
            _byContractId.Clear();
            _deductions.Clear();
        }
    }

    private SimulatorContract Save(SimulatorContract contract) => _byCode[(contract.MerchantId, contract.ContractCode)] = contract;

    // An unsigned contract past its expires_at can no longer be signed; it expires the next time anyone looks at it.
    private SimulatorContract Refresh(SimulatorContract contract, DateTimeOffset now) =>
        contract.Status == MockContractStatus.Pending && now >= contract.ExpiresAt
            ? Save(contract with { Status = MockContractStatus.Expired })
            : contract;
}
