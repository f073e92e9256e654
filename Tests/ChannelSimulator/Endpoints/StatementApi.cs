using System.Globalization;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>
/// GET /mock/v1/statements/{yyyy-MM-dd}: the mock protocol's daily statement (docs/channels/mock.md). Payments by paid
/// time and succeeded refunds by success time, in the Beijing day like the real channels; amounts as
/// <see cref="BillDrift"/> says. A day that has not begun is 404 STATEMENT_NOT_READY.
/// </summary>
internal sealed class StatementApi(MockApiGate gate, TradeStore trades, RefundStore refunds, BehaviourRegistry behaviours, BillDrift drift, TimeProvider time)
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/mock/v1/statements/{billDate}", (HttpContext c, string billDate, StatementApi api) => api.GetAsync(c, billDate));

    public async Task GetAsync(HttpContext context, string billDate)
    {
        var call = await gate.BeginAsync(context, RecordKind.StatementRequest, outTradeNo: null);
        if (call is null)
        {
            return;
        }
        if (!DateOnly.TryParseExact(billDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", "The bill date must be yyyy-MM-dd."), "INVALID_REQUEST", outTradeNo: null);
            return;
        }
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.Statement);
        if (!await call.ApplyDelayAndFailAsync(null, null, null))
        {
            return;
        }
        if (!BillDay.IsAvailable(day, time.GetUtcNow()))
        {
            await call.ReplyAsync(404, new ErrorBody("STATEMENT_NOT_READY", "No statement for that day yet."), "STATEMENT_NOT_READY", outTradeNo: null);
            return;
        }
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), BillDay.Offset);
        var to = from.AddDays(1);
        var lines = new List<StatementLineView>();
        foreach (var trade in trades.PaidBetween(SimulatorProtocol.Mock, call.MerchantId, from, to).Where(t => drift.Lists(t.OutTradeNo)))
        {
            lines.Add(new StatementLineView("payment", trade.OutTradeNo, trade.TradeNo, null, null,
                drift.AmountFor(trade.OutTradeNo, trade.Amount), trade.Currency, "0", trade.PaidAt!.Value));
        }
        foreach (var refund in refunds.SucceededBetween(call.MerchantId, from, to).Where(r => drift.Lists(r.OutRefundNo)))
        {
            lines.Add(new StatementLineView("refund", refund.OutTradeNo, null, refund.OutRefundNo, refund.RefundNo,
                drift.AmountFor(refund.OutRefundNo, refund.Amount), refund.Currency, "0", refund.SucceededAt!.Value));
        }
        var payments = lines.Where(l => l.Type == "payment").ToList();
        var refunded = lines.Where(l => l.Type == "refund").ToList();
        var statement = new StatementView(call.MerchantId, billDate, payments.Count, payments.Sum(l => l.Amount), refunded.Count, refunded.Sum(l => l.Amount), lines);
        await call.ReplyAsync(200, statement, "OK", outTradeNo: null);
    }
}
