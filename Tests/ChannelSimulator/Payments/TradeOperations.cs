using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Payments;

/// <summary>The side effects of money moving: the charge record and the callback. Every way of paying goes through here.</summary>
internal sealed class TradeOperations(TradeStore store, RecordLog records, CallbackSender callbacks)
{
    /// <summary>Pays a pending trade (cashier Pay button, control API, timeout_after_charge). Never charges twice.</summary>
    public (PayOutcome Outcome, SimulatorTrade Trade) Pay(string tradeNo)
    {
        var result = store.Pay(tradeNo);
        if (result.Outcome == PayOutcome.Paid)
        {
            Charged(result.Trade);
        }
        return result;
    }

    /// <summary>Records the charge of a trade that just became SUCCEEDED and sends its callback.</summary>
    public void Charged(SimulatorTrade trade)
    {
        records.Add(RecordKind.Charge, trade.MerchantId, trade.OutTradeNo, trade.TradeNo, trade.Amount, trade.Currency, 0, trade.Status);
        callbacks.Dispatch(trade);
    }
}
