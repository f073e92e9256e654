using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>Where one protocol's cashier lives and what it is called; it shows only that protocol's trades.</summary>
/// <param name="ReturnLink">The "return to merchant" address of a paid trade, or null for none.</param>
internal sealed record CashierSite(string Protocol, string PathBase, string Title, Func<SimulatorTrade, IServiceProvider, string?> ReturnLink)
{
    public static readonly CashierSite Mock = new(SimulatorProtocol.Mock, "/mock/cashier", "Mock cashier", static (t, _) => t.ReturnUrl);

    public string PageUrl(HttpRequest request, string tradeNo) => $"{request.Scheme}://{request.Host}{PathBase}/{Uri.EscapeDataString(tradeNo)}";
}

/// <summary>GET {cashier}/{trade_no} shows the trade; POST …/pay pays it (as the payer would).</summary>
internal static class CashierEndpoints
{
    public static void Map(IEndpointRouteBuilder app, CashierSite site)
    {
        app.MapGet(site.PathBase + "/{tradeNo}", (string tradeNo, TradeStore store, HttpContext context) =>
            Find(store, site, tradeNo) is { } trade
                ? Html(200, CashierPage.Render(site, trade, null, site.ReturnLink(trade, context.RequestServices)))
                : Html(404, CashierPage.NotFound(site, tradeNo)));

        app.MapPost(site.PathBase + "/{tradeNo}/pay", (string tradeNo, TradeStore store, TradeOperations operations, HttpContext context) =>
        {
            if (Find(store, site, tradeNo) is null)
            {
                return Html(404, CashierPage.NotFound(site, tradeNo));
            }
            var (outcome, trade) = operations.Pay(tradeNo);
            var notice = outcome switch
            {
                PayOutcome.Paid => "Payment successful.",
                PayOutcome.AlreadyPaid => "This order is already paid.",
                _ => "This order can no longer be paid.",
            };
            return Html(outcome == PayOutcome.NotPayable ? 409 : 200, CashierPage.Render(site, trade, notice, site.ReturnLink(trade, context.RequestServices)));
        });
    }

    private static SimulatorTrade? Find(TradeStore store, CashierSite site, string tradeNo) =>
        store.FindByTradeNo(tradeNo) is { } trade && trade.Protocol == site.Protocol ? trade : null;

    private static IResult Html(int status, string html) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
