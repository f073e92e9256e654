using System.Security.Cryptography;
using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// Alipay's asynchronous notify (<c>notify_type=trade_status_sync</c>): a form POST to notify_url, RSA2-signed by the
/// platform key over every parameter but <c>sign</c> and <c>sign_type</c>, acknowledged by HTTP 200 with the plain
/// body <c>success</c>.
/// </summary>
internal sealed class AlipayNotifyFormat(AlipayPlatformKey platformKey, AlipaySimulatorOptions alipay, SimulatorOptions options) : ICallbackFormat
{
    public const string Acknowledgement = "success";

    public string Protocol => SimulatorProtocol.Alipay;

    public PreparedCallback? Prepare(SimulatorTrade trade, SimulatorBehaviour behaviour)
    {
        if (trade.NotifyUrl is not { } notifyUrl)
        {
            return null;
        }
        var amount = behaviour.TamperCallbackAmount ? trade.Amount + 1 : trade.Amount;
        var status = AlipayTradeStatus.Of(trade);
        var paid = trade.Status == TradeStatus.Succeeded;
        var yuan = AlipayWire.Yuan(amount);

        HttpRequestMessage NewAttempt()
        {
            var fields = new List<KeyValuePair<string, string>>
            {
                new("gmt_create", AlipayWire.BeijingTime(trade.CreatedAt)),
                new("charset", "utf-8"),
                new("subject", trade.Subject),
                new("buyer_id", alipay.BuyerId),
                new("buyer_logon_id", alipay.BuyerLogonId),
                new("invoice_amount", paid ? yuan : "0.00"),
                new("notify_id", NotifyId(trade, status)),
                new("fund_bill_list", paid ? $$"""[{"amount":"{{yuan}}","fundChannel":"ALIPAYACCOUNT"}]""" : ""),
                new("notify_type", "trade_status_sync"),
                new("trade_status", status),
                new("receipt_amount", paid ? yuan : "0.00"),
                new("app_id", trade.MerchantId),
                new("auth_app_id", trade.MerchantId),
                new("buyer_pay_amount", paid ? yuan : "0.00"),
                new("point_amount", "0.00"),
                new("seller_id", alipay.SellerId),
                new("gmt_payment", trade.PaidAt is { } paidAt ? AlipayWire.BeijingTime(paidAt) : ""),
                new("notify_time", AlipayWire.BeijingTime(options.TimeProvider.GetUtcNow())),
                new("version", "1.0"),
                new("out_trade_no", trade.OutTradeNo),
                new("total_amount", yuan),
                new("trade_no", trade.TradeNo),
            };
            fields.RemoveAll(f => f.Value.Length == 0);
            var sign = platformKey.Sign(AlipayWire.SignContent(fields, includeSignType: false), wrongKey: behaviour.BadSignature);
            fields.Add(new(AlipayWire.SignTypeParameter, AlipayWire.SignType));
            fields.Add(new(AlipayWire.SignParameter, sign));

            var content = new StringContent(AlipayWire.EncodeForm(fields), Encoding.UTF8, "application/x-www-form-urlencoded");
            return new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = content };
        }

        return new PreparedCallback(amount, NewAttempt, static (code, body) => code == 200 && body == Acknowledgement);
    }

    // Stable per (trade, status), like mock's event_id, so a redelivery or a repeat carries the same notify_id.
    private static string NotifyId(SimulatorTrade trade, string status) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(trade.TradeNo + "/" + status)))[..34];
}
