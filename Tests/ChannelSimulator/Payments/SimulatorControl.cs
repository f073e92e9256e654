using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Payments;

/// <summary>What tests can do to the simulator; used by the control endpoints and by <see cref="SimulatorHost"/>.</summary>
internal sealed class SimulatorControl(
    MerchantRegistry merchants,
    TradeStore store,
    BehaviourRegistry behaviours,
    RecordLog records,
    TradeOperations operations,
    CallbackSender callbacks,
    RefundStore refunds,
    TransferStore transfers,
    FundsOperations funds,
    IEnumerable<IResettableState> protocolState)
{
    public void AddMerchant(string merchantId, string hmacKey) => merchants.Set(merchantId, hmacKey);

    public void SetBehaviour(SimulatorBehaviour? behaviour) => behaviours.SetGlobal(behaviour);

    public void SetBehaviour(string outTradeNo, SimulatorBehaviour? behaviour) => behaviours.Set(outTradeNo, behaviour);

    public void ClearBehaviours() => behaviours.Clear();

    /// <summary>Forgets behaviours, trades, refunds, transfers, contracts (the mock's and the other protocols') and records; merchants stay.</summary>
    public void Reset()
    {
        behaviours.Clear();
        store.Clear();
        refunds.Clear();
        transfers.Clear();
        foreach (var state in protocolState)
        {
            state.Clear();
        }
        records.Clear();
    }

    public IReadOnlyList<SimulatorRecord> Records() => records.Snapshot();

    /// <summary>The trade for out_trade_no; without a merchant id only if exactly one merchant has that number.</summary>
    public SimulatorTrade? FindTrade(string outTradeNo, string? merchantId = null) =>
        merchantId is null ? store.FindAnyMerchant(outTradeNo) : store.Find(merchantId, outTradeNo);

    /// <summary>Pays like the cashier's Pay button; null when there is no such trade.</summary>
    public (PayOutcome Outcome, SimulatorTrade Trade)? Pay(string outTradeNo, string? merchantId = null) =>
        FindTrade(outTradeNo, merchantId) is { } trade ? operations.Pay(trade.TradeNo) : null;

    /// <summary>(Re)sends the trade's callback in its current state and waits for the delivery; null when there is no such trade.</summary>
    public async Task<CallbackDelivery?> SendCallbackAsync(string outTradeNo, string? merchantId, CancellationToken cancellationToken) =>
        FindTrade(outTradeNo, merchantId) is { } trade ? await callbacks.SendAsync(trade, cancellationToken) : null;

    /// <summary>How many times this out_trade_no was charged (should never exceed 1).</summary>
    public int ChargeCount(string outTradeNo, string? merchantId = null) =>
        records.Snapshot().Count(r => r.Kind == RecordKind.Charge && r.OutTradeNo == outTradeNo && (merchantId is null || r.MerchantId == merchantId));

    /// <summary>Sum of all charges of a merchant, in minor units.</summary>
    public long PaidTotal(string merchantId) =>
        records.Snapshot().Where(r => r.Kind == RecordKind.Charge && r.MerchantId == merchantId).Sum(r => r.Amount ?? 0);

    /// <summary>The mock refund with that out_refund_no; without a merchant id only if exactly one merchant has that number.</summary>
    public SimulatorRefund? FindRefund(string outRefundNo, string? merchantId = null) =>
        merchantId is null ? refunds.FindAnyMerchant(outRefundNo) : refunds.Find(merchantId, outRefundNo);

    /// <summary>The mock transfer with that out_transfer_no; without a merchant id only if exactly one merchant has that number.</summary>
    public SimulatorTransfer? FindTransfer(string outTransferNo, string? merchantId = null) =>
        merchantId is null ? transfers.FindAnyMerchant(outTransferNo) : transfers.Find(merchantId, outTransferNo);

    /// <summary>(Re)sends a refund's callback in its current state and waits for the delivery; null when there is no such refund.</summary>
    public async Task<CallbackDelivery?> SendRefundCallbackAsync(string outRefundNo, string? merchantId, CancellationToken cancellationToken) =>
        FindRefund(outRefundNo, merchantId) is { } refund ? await funds.SendRefundCallbackAsync(refund, cancellationToken) : null;
}
