using System.Net;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>Unauthenticated test control under /mock/control, answered only to loopback callers.</summary>
internal static class ControlEndpoints
{
    public sealed record MerchantKey(string HmacKey);

    public sealed record PayAnswer(PayOutcome Outcome, SimulatorTrade Trade);

    public sealed record BillAmount(long Amount);

    public static void Map(IEndpointRouteBuilder app)
    {
        var control = MapLoopbackGroup(app, "/mock/control");

        control.MapPut("/merchants/{merchantId}", (string merchantId, MerchantKey body, SimulatorControl c) =>
        {
            c.AddMerchant(merchantId, body.HmacKey);
            return Results.NoContent();
        });

        control.MapPut("/behaviour", (SimulatorBehaviour body, SimulatorControl c) => Done(() => c.SetBehaviour(body)));
        control.MapPut("/behaviour/{outTradeNo}", (string outTradeNo, SimulatorBehaviour body, SimulatorControl c) => Done(() => c.SetBehaviour(outTradeNo, body)));
        control.MapDelete("/behaviour", (SimulatorControl c) => Done(c.ClearBehaviours));
        control.MapDelete("/behaviour/{outTradeNo}", (string outTradeNo, SimulatorControl c) => Done(() => c.SetBehaviour(outTradeNo, null)));
        control.MapPost("/reset", (SimulatorControl c) => Done(c.Reset));

        // Reconciliation drift: statements of every protocol show this amount for the out_trade_no / out_refund_no.
        control.MapPut("/bill-drift/{merchantNumber}", (string merchantNumber, BillAmount body, BillDrift drift) =>
            Done(() => drift.SetAmount(merchantNumber, body.Amount)));
        control.MapDelete("/bill-drift/{merchantNumber}", (string merchantNumber, BillDrift drift) => Done(() => drift.Remove(merchantNumber)));

        control.MapGet("/records", (string? kind, string? out_trade_no, string? merchant_id, SimulatorControl c) =>
            c.Records().Where(r => (kind is null || r.Kind == kind)
                && (out_trade_no is null || r.OutTradeNo == out_trade_no)
                && (merchant_id is null || r.MerchantId == merchant_id)).ToList());

        control.MapGet("/charges", (SimulatorControl c) =>
        {
            var charges = c.Records().Where(r => r.Kind == RecordKind.Charge).ToList();
            return new
            {
                ChargesPerOutTradeNo = charges.GroupBy(r => r.MerchantId + "/" + r.OutTradeNo).ToDictionary(g => g.Key, g => g.Count()),
                PaidTotalPerMerchant = charges.GroupBy(r => r.MerchantId).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount ?? 0)),
            };
        });

        // Money that left the merchant, for every protocol: tests compare these totals with the gateway's.
        control.MapGet("/funds", (SimulatorControl c) =>
        {
            var records = c.Records();
            var refunds = records.Where(r => r.Kind == RecordKind.Refunded).ToList();
            var transfers = records.Where(r => r.Kind == RecordKind.Transferred).ToList();
            return new
            {
                RefundedPerOutTradeNo = refunds.GroupBy(r => r.MerchantId + "/" + r.OutTradeNo).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount ?? 0)),
                RefundsPerRefundNo = refunds.GroupBy(r => r.MerchantId + "/" + r.TradeNo).ToDictionary(g => g.Key, g => g.Count()),
                TransferredPerOutTransferNo = transfers.GroupBy(r => r.MerchantId + "/" + r.OutTradeNo).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount ?? 0)),
                TransfersPerOutTransferNo = transfers.GroupBy(r => r.MerchantId + "/" + r.OutTradeNo).ToDictionary(g => g.Key, g => g.Count()),
            };
        });

        control.MapGet("/payments/{outTradeNo}", (string outTradeNo, string? merchant_id, SimulatorControl c) =>
            c.FindTrade(outTradeNo, merchant_id) is { } trade ? Results.Ok(trade) : Results.NotFound());

        control.MapPost("/payments/{outTradeNo}/pay", (string outTradeNo, string? merchant_id, SimulatorControl c) =>
            c.Pay(outTradeNo, merchant_id) is { } paid
                ? Results.Json(new PayAnswer(paid.Outcome, paid.Trade), statusCode: paid.Outcome == PayOutcome.NotPayable ? 409 : 200)
                : Results.NotFound());

        control.MapPost("/payments/{outTradeNo}/callback", async (string outTradeNo, string? merchant_id, SimulatorControl c, CancellationToken ct) =>
            await c.SendCallbackAsync(outTradeNo, merchant_id, ct) is { } delivery ? Results.Ok(delivery) : Results.NotFound());

        control.MapGet("/refunds/{outRefundNo}", (string outRefundNo, string? merchant_id, SimulatorControl c) =>
            c.FindRefund(outRefundNo, merchant_id) is { } refund ? Results.Ok(refund) : Results.NotFound());

        control.MapPost("/refunds/{outRefundNo}/callback", async (string outRefundNo, string? merchant_id, SimulatorControl c, CancellationToken ct) =>
            await c.SendRefundCallbackAsync(outRefundNo, merchant_id, ct) is { } delivery ? Results.Ok(delivery) : Results.NotFound());

        control.MapGet("/transfers/{outTransferNo}", (string outTransferNo, string? merchant_id, SimulatorControl c) =>
            c.FindTransfer(outTransferNo, merchant_id) is { } transfer ? Results.Ok(transfer) : Results.NotFound());
    }

    /// <summary>A route group answered only to loopback callers (403 otherwise): test control, never for the payer.</summary>
    public static RouteGroupBuilder MapLoopbackGroup(IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).AddEndpointFilter(async (context, next) =>
            IsLoopback(context.HttpContext.Connection.RemoteIpAddress) ? await next(context) : Results.StatusCode(403));

    private static IResult Done(Action action)
    {
        action();
        return Results.NoContent();
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
