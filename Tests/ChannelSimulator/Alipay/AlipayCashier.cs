using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// The Alipay cashier at <c>/alipay/cashier/{trade_no}</c>: where page.pay / wap.pay redirect and where the precreate
/// qr_code points. Once paid it links back to return_url with Alipay's signed sync-return parameters.
/// </summary>
internal static class AlipayCashier
{
    public static readonly CashierSite Site = new(SimulatorProtocol.Alipay, "/alipay/cashier", "Alipay cashier (simulator)", ReturnLink);

    /// <summary>
    /// return_url plus <c>method=alipay.trade.page.pay.return</c> (or wap), out_trade_no, trade_no, total_amount,
    /// seller_id, app_id, auth_app_id, charset, timestamp, version, sign_type and sign (signed without sign_type).
    /// </summary>
    private static string? ReturnLink(SimulatorTrade trade, IServiceProvider services)
    {
        if (trade.ReturnUrl is not { Length: > 0 } returnUrl || trade.Method is not ("WEB" or "WAP"))
        {
            return null;
        }
        var options = services.GetRequiredService<AlipaySimulatorOptions>();
        var key = services.GetRequiredService<AlipayPlatformKey>();
        var fields = new List<KeyValuePair<string, string>>
        {
            new("charset", "utf-8"),
            new("out_trade_no", trade.OutTradeNo),
            new("method", trade.Method == "WAP" ? AlipayMethod.WapPay + ".return" : AlipayMethod.PagePay + ".return"),
            new("total_amount", AlipayWire.Yuan(trade.Amount)),
            new("trade_no", trade.TradeNo),
            new("auth_app_id", trade.MerchantId),
            new("version", "1.0"),
            new("app_id", trade.MerchantId),
            new("seller_id", options.SellerId),
            new("timestamp", AlipayWire.BeijingTime(trade.PaidAt ?? trade.CreatedAt)),
        };
        var sign = key.Sign(AlipayWire.SignContent(fields, includeSignType: false));
        fields.Add(new(AlipayWire.SignParameter, sign));
        fields.Add(new(AlipayWire.SignTypeParameter, AlipayWire.SignType));
        return returnUrl + (returnUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + AlipayWire.EncodeForm(fields);
    }
}
