using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>
/// POST /mock/v1/refunds and GET /mock/v1/refunds/{out_refund_no}. Records name the payment's out_trade_no and, as
/// trade_no, the out_refund_no. Behaviours: the one set for the out_refund_no, else for the out_trade_no, else global.
/// </summary>
internal sealed class RefundApi(MockApiGate gate, TradeStore trades, RefundStore refunds, BehaviourRegistry behaviours, FundsOperations operations)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/mock/v1/refunds", (HttpContext c, RefundApi api) => api.RefundAsync(c));
        app.MapGet("/mock/v1/refunds/{outRefundNo}", (HttpContext c, string outRefundNo, RefundApi api) => api.QueryAsync(c, outRefundNo));
    }

    public async Task RefundAsync(HttpContext context)
    {
        var call = await gate.BeginAsync(context, RecordKind.RefundRequest, null);
        if (call is null)
        {
            return;
        }
        var body = FundsRequestValidator.Parse<RefundRequestBody>(call.Request.Body);
        var invalid = body is null ? "Body is not a JSON object of the documented shape." : FundsRequestValidator.Validate(body);
        if (body is null || invalid is not null)
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", invalid!), "INVALID_REQUEST", body?.OutTradeNo, body?.Amount, body?.Currency, body?.OutRefundNo);
            return;
        }
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.Refund, body.OutRefundNo, body.OutTradeNo);
        if (!await call.ApplyDelayAndFailAsync(body.OutTradeNo, body.Amount, body.Currency, body.OutRefundNo))
        {
            return;
        }

        // Only this protocol's trades: the same merchant id could name an Alipay app or a WeChat Pay merchant.
        var trade = trades.Find(call.MerchantId, body.OutTradeNo!) is { Protocol: SimulatorProtocol.Mock } t ? t : null;
        var request = new NewRefund(call.MerchantId, body.OutRefundNo!, body.OutTradeNo!, body.Amount!.Value, body.Currency!, body.Reason,
            body.NotifyUrl is null ? null : new Uri(body.NotifyUrl));
        var (outcome, refund) = operations.Refund(request, trade, call.Behaviour);
        var (status, code, message) = outcome switch
        {
            RefundOutcome.Created or RefundOutcome.Existing => (200, null, null),
            RefundOutcome.Conflict => (409, "OUT_REFUND_NO_CONFLICT", "out_refund_no already used for another trade or amount."),
            RefundOutcome.TradeNotFound => (404, "TRADE_NOT_FOUND", "No such out_trade_no."),
            RefundOutcome.TradeNotPaid => (409, "TRADE_NOT_PAID", "The trade is not paid."),
            RefundOutcome.CurrencyMismatch => (400, "INVALID_REQUEST", "currency differs from the trade's."),
            _ => (409, "REFUND_EXCEEDS_PAID", "The refunds would exceed the paid amount."),
        };
        if (code is null)
        {
            await call.ReplyAsync(200, View(refund!), refund!.Status, refund.OutTradeNo, refund.Amount, refund.Currency, refund.OutRefundNo);
            return;
        }
        await call.ReplyAsync(status, new ErrorBody(code, message!), code, body.OutTradeNo, body.Amount, body.Currency, body.OutRefundNo);
    }

    public async Task QueryAsync(HttpContext context, string outRefundNo)
    {
        var call = await gate.BeginAsync(context, RecordKind.RefundQuery, null);
        if (call is null)
        {
            return;
        }
        var refund = refunds.Find(call.MerchantId, outRefundNo);
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.RefundQuery, outRefundNo, refund?.OutTradeNo);
        if (!await call.ApplyDelayAndFailAsync(refund?.OutTradeNo, refund?.Amount, refund?.Currency, outRefundNo))
        {
            return;
        }
        // Read again after the delay: an asynchronous refund may have finished meanwhile.
        refund = refunds.Find(call.MerchantId, outRefundNo);
        if (refund is null)
        {
            await call.ReplyAsync(404, new ErrorBody("REFUND_NOT_FOUND", "No such out_refund_no."), "REFUND_NOT_FOUND", null, tradeNo: outRefundNo);
            return;
        }
        await call.ReplyAsync(200, View(refund), refund.Status, refund.OutTradeNo, refund.Amount, refund.Currency, refund.OutRefundNo);
    }

    public static RefundView View(SimulatorRefund r) =>
        new(r.OutRefundNo, r.RefundNo, r.OutTradeNo, r.MerchantId, r.Amount, r.Currency, r.Status, r.SucceededAt);
}
