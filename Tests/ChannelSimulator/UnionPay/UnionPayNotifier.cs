using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// The backUrl notification of a paid consume: a form POST signed with UnionPay's signing certificate (sent along as
/// <c>signPubKeyCert</c>, CRLF PEM). UnionPay reads only the HTTP status: 200 acknowledges, whatever the body.
/// </summary>
internal sealed class UnionPayNotifier(UnionPayKeys keys, UnionPayOrders orders) : ICallbackFormat
{
    public string Protocol => SimulatorProtocol.UnionPay;

    public PreparedCallback? Prepare(SimulatorTrade trade, SimulatorBehaviour behaviour)
    {
        if (trade.NotifyUrl is not { } notifyUrl || trade.Status != TradeStatus.Succeeded)
        {
            return null;
        }
        var amount = behaviour.TamperCallbackAmount ? trade.Amount + 1 : trade.Amount;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("version", "5.1.0"),
            new("encoding", "UTF-8"),
            new("signMethod", "01"),
            new("txnType", "01"),
            new("txnSubType", "01"),
            new("bizType", "000201"),
            new("accessType", "0"),
            new("merId", trade.MerchantId),
            new("orderId", trade.OutTradeNo),
            new("txnTime", orders.TxnTimeOf(trade.MerchantId, trade.OutTradeNo) ?? UnionPayWire.BeijingTime(trade.CreatedAt)),
            new("respCode", "00"),
            new("respMsg", "success"),
        };
        fields.AddRange(PaidFields(trade, amount));
        // Signed once: a redelivery carries the same bytes, as UnionPay's retries do.
        var body = UnionPayWire.EncodeForm(keys.Signed(fields, behaviour.BadSignature));

        HttpRequestMessage NewAttempt() => new(HttpMethod.Post, notifyUrl)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        };

        return new PreparedCallback(amount, NewAttempt, static (status, _) => status == 200);
    }

    /// <summary>What a paid consume reports, in notifications and query answers.</summary>
    public static List<KeyValuePair<string, string>> PaidFields(SimulatorTrade trade, long amount)
    {
        var paidAt = (trade.PaidAt ?? trade.CreatedAt).ToOffset(TimeSpan.FromHours(8));
        return
        [
            new("queryId", trade.TradeNo),
            new("txnAmt", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("currencyCode", UnionPayWire.CurrencyCode),
            new("settleAmt", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("settleCurrencyCode", UnionPayWire.CurrencyCode),
            // The clearing day, which ends at 23:00 Beijing time: the file-transfer settleDate that lists the payment.
            new("settleDate", UnionPayWire.SettleDay(paidAt).ToString("MMdd", System.Globalization.CultureInfo.InvariantCulture)),
            new("traceNo", trade.TradeNo[^6..]),
            new("traceTime", paidAt.ToString("MMddHHmmss", System.Globalization.CultureInfo.InvariantCulture)),
            new("accNo", "6216***********0018"),
        ];
    }
}
