using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>The merchant-facing API: create, query, close. Every call is authenticated, recorded and answered signed.</summary>
internal sealed class PaymentApi(
    MockApiGate gate,
    TradeStore store,
    BehaviourRegistry behaviours,
    TradeOperations operations,
    TimeProvider time)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/mock/v1/payments", (HttpContext c, PaymentApi api) => api.CreateAsync(c));
        app.MapGet("/mock/v1/payments/{outTradeNo}", (HttpContext c, string outTradeNo, PaymentApi api) => api.QueryAsync(c, outTradeNo));
        app.MapPost("/mock/v1/payments/{outTradeNo}/close", (HttpContext c, string outTradeNo, PaymentApi api) => api.CloseAsync(c, outTradeNo));
    }

    public async Task CreateAsync(HttpContext context)
    {
        var call = await BeginAsync(context, RecordKind.Create, null);
        if (call is null)
        {
            return;
        }
        var body = CreatePaymentValidator.Parse(call.Request.Body);
        var invalid = body is null ? "Body is not a JSON object of the documented shape." : CreatePaymentValidator.Validate(body, time.GetUtcNow());
        if (body is null || invalid is not null)
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", invalid!), "INVALID_REQUEST", body?.OutTradeNo, body?.Amount, body?.Currency);
            return;
        }
        call.Behaviour = behaviours.Resolve(body.OutTradeNo, SimulatorOperation.Create);
        if (!await call.ApplyDelayAndFailAsync(body.OutTradeNo, body.Amount, body.Currency))
        {
            return;
        }

        var (outcome, trade) = store.CreateOrGet(call.Request.MerchantId, body, InitialStatus(body, call.Behaviour));
        if (outcome == CreateOutcome.Created && trade.Status == TradeStatus.Succeeded)
        {
            operations.Charged(trade);
        }
        if (call.Behaviour.TimeoutAfterCharge && trade.Status == TradeStatus.Pending)
        {
            (_, trade) = operations.Pay(trade.TradeNo);
        }
        if (outcome == CreateOutcome.Conflict)
        {
            await call.ReplyAsync(409, new ErrorBody("OUT_TRADE_NO_CONFLICT", "out_trade_no already used with different content."),
                "OUT_TRADE_NO_CONFLICT", body.OutTradeNo, body.Amount, body.Currency, trade.TradeNo);
        }
        else if (trade.Status == TradeStatus.Closed)
        {
            await call.ReplyAsync(409, new ErrorBody("TRADE_CLOSED", "The trade is closed."), "TRADE_CLOSED", trade);
        }
        else
        {
            await call.ReplyAsync(200, PaymentViews.Created(trade, context.Request, call.Request.Key), trade.Status, trade);
        }
    }

    public async Task QueryAsync(HttpContext context, string outTradeNo)
    {
        var call = await BeginAsync(context, RecordKind.Query, outTradeNo);
        if (call is null || !await call.ApplyDelayAndFailAsync(outTradeNo, null, null))
        {
            return;
        }
        var trade = store.Find(call.Request.MerchantId, outTradeNo);
        if (trade is null)
        {
            await call.ReplyAsync(200, new PaymentView(outTradeNo, null, TradeStatus.NotFound, null, null, call.Request.MerchantId), TradeStatus.NotFound, outTradeNo);
            return;
        }
        var view = PaymentViews.Queried(trade);
        if (call.Behaviour.TamperQueryAmount && trade.Status == TradeStatus.Succeeded)
        {
            view = view with { Amount = view.Amount + 1 };
        }
        await call.ReplyAsync(200, view, trade.Status, trade);
    }

    public async Task CloseAsync(HttpContext context, string outTradeNo)
    {
        var call = await BeginAsync(context, RecordKind.Close, outTradeNo);
        if (call is null || !await call.ApplyDelayAndFailAsync(outTradeNo, null, null))
        {
            return;
        }
        var trade = store.Find(call.Request.MerchantId, outTradeNo);
        if (trade is null)
        {
            await call.ReplyAsync(404, new ErrorBody("TRADE_NOT_FOUND", "No such out_trade_no."), "TRADE_NOT_FOUND", outTradeNo);
            return;
        }
        var (outcome, closed) = store.Close(trade.TradeNo);
        if (outcome == CloseOutcome.AlreadyPaid)
        {
            await call.ReplyAsync(409, new ErrorBody("ALREADY_PAID", "The trade is paid and cannot be closed."), "ALREADY_PAID", closed);
            return;
        }
        await call.ReplyAsync(200, new CloseView(closed.OutTradeNo, closed.TradeNo, closed.Status, closed.MerchantId), closed.Status, closed);
    }

    // SERVER (barcode) pays synchronously unless the auth_code asks otherwise (see docs/channels/mock.md).
    private static string InitialStatus(CreatePaymentBody body, SimulatorBehaviour behaviour) => body switch
    {
        _ when behaviour.TimeoutAfterCharge => TradeStatus.Pending,
        { Method: "SERVER", AuthCode: var code } when code!.StartsWith("wait", StringComparison.OrdinalIgnoreCase) => TradeStatus.Pending,
        { Method: "SERVER", AuthCode: var code } when code!.StartsWith("decline", StringComparison.OrdinalIgnoreCase) => TradeStatus.Failed,
        { Method: "SERVER" } => TradeStatus.Succeeded,
        _ => TradeStatus.Pending,
    };

    private async Task<MockApiCall?> BeginAsync(HttpContext context, string kind, string? outTradeNo)
    {
        var call = await gate.BeginAsync(context, kind, outTradeNo);
        if (call is not null && outTradeNo is not null)
        {
            call.Behaviour = behaviours.Resolve(outTradeNo, kind);
        }
        return call;
    }
}
