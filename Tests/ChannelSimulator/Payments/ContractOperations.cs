using System.Collections.Concurrent;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Payments;

/// <summary>What a deduction request did.</summary>
internal enum DeductOutcome { Created, Existing, Conflict, Refused }

/// <summary>What a deduction asks for: one charge of <see cref="Amount"/> under the signed contract <see cref="ContractId"/>.</summary>
internal sealed record NewDeduction(string MerchantId, string OutTradeNo, string ContractId, long Amount, string Currency, string Subject, Uri? NotifyUrl);

/// <summary>
/// The side effects of contracts: signing and termination (records and contract notifications) and deductions (a
/// mock trade of method AGREEMENT, charged at once or, with <see cref="SimulatorBehaviour.AsyncDeduction"/>, later).
/// </summary>
internal sealed class ContractOperations(
    ContractStore contracts,
    TradeStore trades,
    TradeOperations tradeOperations,
    RecordLog records,
    CallbackSender callbacks,
    MockCallbackFormat callbackFormat,
    TimeProvider time) : IAsyncDisposable
{
    /// <summary>The method of every deduction trade, as payments are WEB, QR_CODE, …</summary>
    public const string DeductionMethod = "AGREEMENT";

    private static readonly TimeSpan DefaultAsyncDeductionDelay = TimeSpan.FromMilliseconds(200);

    // A deduction's repeat check, contract check and trade creation happen as one step: two concurrent requests with one
    // out_trade_no must not both count against the contract.
    private readonly Lock _deductLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Signs as the payer (sign page, control API); records it and sends contract.signed the first time only.</summary>
    public (ContractSignOutcome Outcome, SimulatorContract Contract) Sign(string merchantId, string contractCode)
    {
        var result = contracts.Sign(merchantId, contractCode);
        if (result.Outcome == ContractSignOutcome.Signed)
        {
            Changed(RecordKind.ContractSigned, result.Contract, result.Contract.Status);
        }
        return result;
    }

    /// <summary>Ends the contract (<paramref name="by"/> payer or merchant); records it and sends contract.terminated the first time only.</summary>
    public (ContractTerminateOutcome Outcome, SimulatorContract Contract) Terminate(string merchantId, string contractCode, string by)
    {
        var result = contracts.Terminate(merchantId, contractCode, by);
        if (result.Outcome == ContractTerminateOutcome.Terminated)
        {
            Changed(RecordKind.ContractTerminated, result.Contract, by);
        }
        return result;
    }

    /// <summary>(Re)sends the contract's notification in its current state and waits for the delivery.</summary>
    public Task<CallbackDelivery> SendContractCallbackAsync(SimulatorContract contract, CancellationToken cancellationToken) =>
        callbacks.SendAsync(Subject(contract), b => callbackFormat.PrepareContract(contract, b), [contract.ContractCode], cancellationToken);

    /// <summary>
    /// Charges under a contract, or returns the deduction already made with that out_trade_no (never a second charge).
    /// <see cref="DeductOutcome.Refused"/> comes with why (<see cref="DeductionCheck"/>); nothing was charged then.
    /// </summary>
    public (DeductOutcome Outcome, DeductionCheck Check, SimulatorTrade? Trade) Deduct(NewDeduction request, SimulatorBehaviour behaviour)
    {
        SimulatorTrade trade;
        lock (_deductLock)
        {
            if (trades.Find(request.MerchantId, request.OutTradeNo) is { } existing)
            {
                var same = existing.Protocol == SimulatorProtocol.Mock && existing.Method == DeductionMethod
                    && contracts.DeductionContract(request.MerchantId, request.OutTradeNo) == request.ContractId
                    && existing.Amount == request.Amount && existing.Currency == request.Currency && existing.Subject == request.Subject;
                return (same ? DeductOutcome.Existing : DeductOutcome.Conflict, DeductionCheck.Allowed, existing);
            }
            var (check, _) = contracts.TryUseDeduction(request.MerchantId, request.ContractId, request.Amount, request.Currency);
            if (check != DeductionCheck.Allowed)
            {
                return (DeductOutcome.Refused, check, null);
            }
            var initial = behaviour.AsyncDeduction ? TradeStatus.Pending : TradeStatus.Succeeded;
            // A processing deduction settles within the delay; the hour only keeps it from closing itself meanwhile.
            (_, trade) = trades.CreateOrGet(new NewTrade(
                SimulatorProtocol.Mock, request.MerchantId, request.OutTradeNo, request.Amount, request.Currency, request.Subject, DeductionMethod,
                request.NotifyUrl, null, time.GetUtcNow().AddHours(1)), initial);
            contracts.RecordDeduction(request.MerchantId, request.OutTradeNo, request.ContractId);
        }
        if (trade.Status == TradeStatus.Succeeded)
        {
            tradeOperations.Charged(trade);
        }
        else
        {
            var delay = behaviour.AsyncDeductionDelayMs > 0 ? TimeSpan.FromMilliseconds(behaviour.AsyncDeductionDelayMs) : DefaultAsyncDeductionDelay;
            Run(token => SettleLaterAsync(trade.TradeNo, delay, token));
        }
        return (DeductOutcome.Created, DeductionCheck.Allowed, trade);
    }

    private async Task SettleLaterAsync(string tradeNo, TimeSpan delay, CancellationToken cancellationToken)
    {
        // Real time, like every simulator delay. A reset meanwhile forgets the trade, and then there is nothing to settle.
        await Task.Delay(delay, cancellationToken);
        if (trades.FindByTradeNo(tradeNo) is not null)
        {
            tradeOperations.Pay(tradeNo);
        }
    }

    private void Changed(string kind, SimulatorContract contract, string result)
    {
        records.Add(kind, contract.MerchantId, contract.ContractCode, contract.ContractId, contract.AmountPerDeduction, contract.Currency, 0, result);
        callbacks.Dispatch(Subject(contract), b => callbackFormat.PrepareContract(contract, b), contract.ContractCode);
    }

    private static CallbackSubject Subject(SimulatorContract contract) => new(contract.MerchantId, contract.ContractCode, contract.ContractId, contract.Currency);

    private void Run(Func<CancellationToken, Task> work)
    {
        var task = Task.Run(() => work(_stopping.Token));
        _running.TryAdd(task, 0);
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_running.Keys);
        }
        catch (Exception)
        {
            // Deductions still processing when the simulator stops stay PENDING; nothing is left to observe them.
        }
        _stopping.Dispose();
    }
}
