using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>GET /mock/cashier/{trade_no} shows the trade; POST …/pay pays it (as the payer would).</summary>
internal static class CashierEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/mock/cashier/{tradeNo}", (string tradeNo, TradeStore store) =>
            store.FindByTradeNo(tradeNo) is { } trade
                ? Html(200, CashierPage.Render(trade, null))
                : Html(404, CashierPage.NotFound(tradeNo)));

        app.MapPost("/mock/cashier/{tradeNo}/pay", (string tradeNo, TradeStore store, TradeOperations operations) =>
        {
            if (store.FindByTradeNo(tradeNo) is null)
            {
                return Html(404, CashierPage.NotFound(tradeNo));
            }
            var (outcome, trade) = operations.Pay(tradeNo);
            var notice = outcome switch
            {
                PayOutcome.Paid => "Payment successful.",
                PayOutcome.AlreadyPaid => "This order is already paid.",
                _ => "This order can no longer be paid.",
            };
            return Html(outcome == PayOutcome.NotPayable ? 409 : 200, CashierPage.Render(trade, notice));
        });
    }

    private static IResult Html(int status, string html) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
