using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary><c>contract_state</c> at the simulator, plus the sign link that was issued but not yet signed.</summary>
public static class WeChatPayContractState
{
    /// <summary>A sign link or pre-sign id was issued; the payer has not signed. WeChat knows no contract yet.</summary>
    public const string Pending = "PENDING";
    /// <summary>Signed (querycontract <c>contract_state</c> 0).</summary>
    public const string Signed = "SIGNED";
    /// <summary>Terminated (querycontract <c>contract_state</c> 1). Final.</summary>
    public const string Terminated = "TERMINATED";
}

/// <summary>A papay contract as the simulator holds it, keyed by (mch_id, plan_id, contract_code).</summary>
/// <param name="ContractId">The simulator's contract_id, assigned when the payer signs.</param>
/// <param name="TerminationMode">WeChat's <c>contract_termination_mode</c>: 2 payer, 3 merchant API (as the simulator uses them).</param>
public sealed record WeChatPayContractView(
    string MchId,
    string PlanId,
    string ContractCode,
    string AppId,
    string State,
    string? ContractId,
    string DisplayAccount,
    Uri NotifyUrl,
    string RequestSerial,
    string OpenId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SignedAt,
    DateTimeOffset? TerminatedAt,
    int? TerminationMode,
    string? TerminationRemark);

/// <summary>What a PAP deduction adds to its trade: the contract it charged under and whether it failed.</summary>
internal sealed record WeChatPayPapDeduction(string AppId, string ContractId, string OpenId, bool Failed);

/// <summary>The simulator's papay contracts and the PAP details of deduction trades (the trades are in the shared store).</summary>
internal sealed class WeChatPayPapayStore(TimeProvider time) : IResettableState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string MchId, string PlanId, string Code), WeChatPayContractView> _contracts = new();
    private readonly Dictionary<string, WeChatPayPapDeduction> _deductions = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>
    /// Records a sign request: a new PENDING contract, or the pending one refreshed with the latest request. A
    /// signed or terminated contract is returned unchanged (its contract_code is used up).
    /// </summary>
    public WeChatPayContractView Begin(string mchId, string planId, string code, string appId, string displayAccount, Uri notifyUrl, string requestSerial)
    {
        lock (_lock)
        {
            if (_contracts.TryGetValue((mchId, planId, code), out var existing) && existing.State != WeChatPayContractState.Pending)
            {
                return existing;
            }
            var view = new WeChatPayContractView(
                mchId, planId, code, appId, WeChatPayContractState.Pending, null, displayAccount, notifyUrl, requestSerial,
                WeChatPayApi.SimulatedOpenId, existing?.CreatedAt ?? time.GetUtcNow(), null, null, null, null);
            _contracts[(mchId, planId, code)] = view;
            return view;
        }
    }

    /// <summary>The payer signs a pending contract. Null when there is none pending (unknown, or already signed or ended).</summary>
    public WeChatPayContractView? Sign(string mchId, string planId, string code)
    {
        lock (_lock)
        {
            if (!_contracts.TryGetValue((mchId, planId, code), out var pending) || pending.State != WeChatPayContractState.Pending)
            {
                return null;
            }
            var contractId = $"2{time.GetUtcNow():yyyyMMdd}{++_sequence:D9}";
            var signed = pending with { State = WeChatPayContractState.Signed, ContractId = contractId, SignedAt = time.GetUtcNow() };
            _contracts[(mchId, planId, code)] = signed;
            return signed;
        }
    }

    /// <summary>Ends a signed contract. Null when it is not signed (unknown, pending or already ended).</summary>
    public WeChatPayContractView? Terminate(WeChatPayContractView contract, int mode, string? remark)
    {
        lock (_lock)
        {
            var key = (contract.MchId, contract.PlanId, contract.ContractCode);
            if (!_contracts.TryGetValue(key, out var current) || current.State != WeChatPayContractState.Signed)
            {
                return null;
            }
            var ended = current with { State = WeChatPayContractState.Terminated, TerminatedAt = time.GetUtcNow(), TerminationMode = mode, TerminationRemark = remark };
            _contracts[key] = ended;
            return ended;
        }
    }

    public WeChatPayContractView? Find(string mchId, string planId, string code)
    {
        lock (_lock)
        {
            return _contracts.TryGetValue((mchId, planId, code), out var view) ? view : null;
        }
    }

    public WeChatPayContractView? FindById(string mchId, string contractId)
    {
        lock (_lock)
        {
            return _contracts.Values.FirstOrDefault(c => c.MchId == mchId && c.ContractId == contractId);
        }
    }

    public void AddDeduction(string tradeNo, WeChatPayPapDeduction deduction)
    {
        lock (_lock)
        {
            _deductions.TryAdd(tradeNo, deduction);
        }
    }

    public void MarkFailed(string tradeNo)
    {
        lock (_lock)
        {
            if (_deductions.TryGetValue(tradeNo, out var deduction))
            {
                _deductions[tradeNo] = deduction with { Failed = true };
            }
        }
    }

    public WeChatPayPapDeduction? Deduction(string tradeNo)
    {
        lock (_lock)
        {
            return _deductions.TryGetValue(tradeNo, out var deduction) ? deduction : null;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _contracts.Clear();
            _deductions.Clear();
        }
    }
}
