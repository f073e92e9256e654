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
    AlipayAgreementStore agreements,
    AlipayAgreementPayer payer,
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

    /// <summary>The agreement of (app_id, external_agreement_no), in its current state; null when none was started.</summary>
    public AlipayAgreement? FindAgreement(string appId, string externalAgreementNo) => agreements.FindByExternal(appId, externalAgreementNo);

    /// <summary>
    /// What the payer does on the sign page (TEMP → NORMAL, dut_user_sign notify), or in the Alipay app to end the
    /// agreement (→ STOP, dut_user_unsign notify). The page.sign request must have reached the simulator first.
    /// </summary>
    public (AgreementChangeOutcome Outcome, AlipayAgreement? Agreement) ChangeAgreement(string appId, string externalAgreementNo, bool sign) =>
        agreements.FindByExternal(appId, externalAgreementNo) is not { } agreement ? (AgreementChangeOutcome.NotFound, null)
        : sign ? payer.Sign(agreement.AgreementNo)
        : payer.Unsign(agreement.AgreementNo);

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

        // The payer signs or ends an agreement: 200 with the agreement (also when it already was), 404 when no sign
        // page was opened for it, 409 when it can no longer be signed.
        control.MapGet("/agreements/{appId}/{externalAgreementNo}", (string appId, string externalAgreementNo, AlipayControl c) =>
            c.FindAgreement(appId, externalAgreementNo) is { } agreement ? Results.Json(agreement) : Results.NotFound());
        control.MapPost("/agreements/{appId}/{externalAgreementNo}/sign", (string appId, string externalAgreementNo, AlipayControl c) =>
            AgreementAnswer(c.ChangeAgreement(appId, externalAgreementNo, sign: true)));
        control.MapPost("/agreements/{appId}/{externalAgreementNo}/unsign", (string appId, string externalAgreementNo, AlipayControl c) =>
            AgreementAnswer(c.ChangeAgreement(appId, externalAgreementNo, sign: false)));

        control.MapPost("/app-pay", async (HttpRequest request, AlipayControl c) =>
        {
            using var reader = new StreamReader(request.Body);
            var result = c.AppPay((await reader.ReadToEndAsync(request.HttpContext.RequestAborted)).Trim());
            var status = result.Trade is null ? 400 : result.Outcome == PayOutcome.NotPayable ? 409 : 200;
            return Results.Json(result, statusCode: status);
        });
    }

    private static IResult AgreementAnswer((AgreementChangeOutcome Outcome, AlipayAgreement? Agreement) result) => result.Outcome switch
    {
        AgreementChangeOutcome.NotFound => Results.NotFound(),
        AgreementChangeOutcome.NotAllowed => Results.Json(result.Agreement, statusCode: 409),
        _ => Results.Json(result.Agreement),
    };
}
