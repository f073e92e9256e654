using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>What paying an app order string did.</summary>
/// <param name="Outcome">Paid now, already paid, or not payable (closed); null when the order string was refused.</param>
/// <param name="Trade">The trade; null when refused.</param>
/// <param name="Code">Refused: the Alipay code (e.g. 40002), with <paramref name="SubCode"/> and <paramref name="SubMessage"/>.</param>
public sealed record AlipayAppPayResult(PayOutcome? Outcome, SimulatorTrade? Trade, string? Code = null, string? SubCode = null, string? SubMessage = null);

/// <summary>Alipay-specific test control; used by the control endpoints and by <see cref="SimulatorHost"/>.</summary>
internal sealed class AlipayControl(
    AlipayAppRegistry apps,
    AlipayPlatformKey platformKey,
    AlipayRequestReader reader,
    TradeStore store,
    BehaviourRegistry behaviours,
    RecordLog records,
    TradeOperations operations,
    AlipaySimulatorOptions options,
    TimeProvider time)
{
    public string PlatformPublicKey => platformKey.PublicKey;

    public void AddApp(string appId, string publicKey) => apps.Set(appId, publicKey);

    /// <summary>
    /// What the payer's Alipay app does with an <c>alipay.trade.app.pay</c> order string: checks it like a gateway
    /// call, creates the trade (or finds it) and pays it (charge record and notify). A configured <c>fail</c>
    /// behaviour for create refuses it; delays and timeouts do not apply (nobody waits for an answer).
    /// </summary>
    public AlipayAppPayResult AppPay(string orderString)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = orderString.StartsWith('?') ? orderString[1..] : orderString;
        var (request, refusal) = AlipayWire.TryAddForm(query, fields)
            ? reader.Authenticate(fields)
            : (null, new AlipayRefusal(null, null, null, AlipayAnswer.Error(AlipayCode.InvalidArgument, "isv.invalid-parameter", "订单串参数重复")));
        if (refusal is not null)
        {
            return Refused(refusal.AppId ?? "", refusal.OutTradeNo, refusal.Answer);
        }
        if (request!.Method != AlipayMethod.AppPay)
        {
            return Refused(request.AppId, request.BizString("out_trade_no"), AlipayAnswer.Error(AlipayCode.InvalidArgument, "isv.invalid-method", "订单串的method必须为alipay.trade.app.pay"));
        }
        if (!AlipayTradeRequests.TryParse(request, options, time.GetUtcNow(), out var newTrade, out var invalid))
        {
            return Refused(request.AppId, request.BizString("out_trade_no"), invalid!);
        }
        if (behaviours.Resolve(newTrade.OutTradeNo, SimulatorOperation.Create).Fail is { } fail)
        {
            return Refused(request.AppId, newTrade.OutTradeNo, AlipayAnswer.Error(fail.Code, fail.SubCode, fail.Message));
        }

        var (outcome, trade) = store.CreateOrGet(newTrade, TradeStatus.Pending);
        if (outcome == CreateOutcome.Conflict)
        {
            return Refused(request.AppId, newTrade.OutTradeNo, AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.ContextInconsistent, "交易信息被篡改"));
        }
        records.Add(RecordKind.Create, trade.MerchantId, trade.OutTradeNo, trade.TradeNo, trade.Amount, trade.Currency, 200, AlipayTradeStatus.Of(trade));
        var (paid, after) = operations.Pay(trade.TradeNo);
        return new AlipayAppPayResult(paid, after);
    }

    private AlipayAppPayResult Refused(string appId, string? outTradeNo, AlipayAnswer answer)
    {
        records.Add(RecordKind.Create, appId, outTradeNo, null, null, null, 400, answer.Result);
        return new AlipayAppPayResult(null, null, answer.Code, answer.Payload["sub_code"]?.ToString(), answer.Payload["sub_msg"]?.ToString());
    }
}

/// <summary>Alipay test control under /alipay/control, loopback callers only (like /mock/control).</summary>
internal static class AlipayControlEndpoints
{
    public sealed record AppKey(string PublicKey);

    public sealed record PlatformKey(string AlipayPublicKey);

    public static void Map(IEndpointRouteBuilder app)
    {
        var control = ControlEndpoints.MapLoopbackGroup(app, "/alipay/control");

        control.MapGet("/platform-key", (AlipayControl c) => new PlatformKey(c.PlatformPublicKey));

        control.MapPut("/apps/{appId}", (string appId, AppKey body, AlipayControl c) =>
        {
            try
            {
                c.AddApp(appId, body.PublicKey);
                return Results.NoContent();
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { error = e.Message });
            }
        });

        control.MapPost("/app-pay", async (HttpRequest request, AlipayControl c) =>
        {
            using var reader = new StreamReader(request.Body);
            var result = c.AppPay((await reader.ReadToEndAsync(request.HttpContext.RequestAborted)).Trim());
            var status = result.Trade is null ? 400 : result.Outcome == PayOutcome.NotPayable ? 409 : 200;
            return Results.Json(result, statusCode: status);
        });
    }
}
