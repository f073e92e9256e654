using System.Globalization;
using System.Net;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>The payer-facing HTML: the trade, and a Pay button while it can be paid.</summary>
internal static class CashierPage
{
    /// <param name="returnLink">Shown as "Return to merchant" once the trade is paid; null for none.</param>
    public static string Render(CashierSite site, SimulatorTrade trade, string? notice, string? returnLink)
    {
        static string e(string? value) => WebUtility.HtmlEncode(value) ?? "";
        var pay = trade.Status == TradeStatus.Pending
            ? $"""<form method="post" action="{e(site.PathBase)}/{e(Uri.EscapeDataString(trade.TradeNo))}/pay"><button type="submit" id="pay">Pay</button></form>"""
            : "";
        var back = trade.Status == TradeStatus.Succeeded && returnLink is not null
            ? $"""<p><a id="return" href="{e(returnLink)}">Return to merchant</a></p>"""
            : "";
        var amount = trade.Amount.ToString(CultureInfo.InvariantCulture);
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{e(site.Title)}</title></head>
            <body>
            <h1>{e(site.Title)}</h1>
            {(notice is null ? "" : $"<p id=\"notice\">{e(notice)}</p>")}
            <dl>
            <dt>Merchant</dt><dd id="merchant">{e(trade.MerchantId)}</dd>
            <dt>Order</dt><dd id="out-trade-no">{e(trade.OutTradeNo)}</dd>
            <dt>Trade</dt><dd id="trade-no">{e(trade.TradeNo)}</dd>
            <dt>Subject</dt><dd id="subject">{e(trade.Subject)}</dd>
            <dt>Amount (minor units)</dt><dd id="amount">{e(amount)} {e(trade.Currency)}</dd>
            <dt>Status</dt><dd id="status">{e(trade.Status)}</dd>
            </dl>
            {pay}
            {back}
            </body>
            </html>
            """;
    }

    public static string NotFound(CashierSite site, string tradeNo) =>
        $"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(site.Title)}</title></head><body><p id="notice">No trade {WebUtility.HtmlEncode(tradeNo)}.</p></body></html>""";
}
