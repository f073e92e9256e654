using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>The OpenAPI methods the simulator serves.</summary>
public static class AlipayMethod
{
    public const string Precreate = "alipay.trade.precreate";
    public const string PagePay = "alipay.trade.page.pay";
    public const string WapPay = "alipay.trade.wap.pay";
    public const string AppPay = "alipay.trade.app.pay";
    public const string Pay = "alipay.trade.pay";
    public const string Query = "alipay.trade.query";
    public const string Close = "alipay.trade.close";
    public const string Refund = "alipay.trade.refund";
    public const string RefundQuery = "alipay.trade.fastpay.refund.query";
    public const string Transfer = "alipay.fund.trans.uni.transfer";
    public const string TransferQuery = "alipay.fund.trans.common.query";
    public const string BillDownloadUrlQuery = "alipay.data.dataservice.bill.downloadurl.query";
    public const string AgreementPageSign = "alipay.user.agreement.page.sign";
    public const string AgreementQuery = "alipay.user.agreement.query";
    public const string AgreementUnsign = "alipay.user.agreement.unsign";
    public const string AgreementExecutionPlanModify = "alipay.user.agreement.executionplan.modify";

    /// <summary>Methods answered on gateway.do (app pay is not: its order string goes to the payer's app).</summary>
    public static bool IsGatewayMethod(string? method) =>
        method is Precreate or PagePay or WapPay or Pay or Query or Close or Refund or RefundQuery or Transfer or TransferQuery
            or BillDownloadUrlQuery or AgreementPageSign or AgreementQuery or AgreementUnsign or AgreementExecutionPlanModify;

    /// <summary>Page methods: the payer's browser arrives (GET or form POST) and gets the cashier (or sign page), not JSON.</summary>
    public static bool IsPageMethod(string? method) => method is PagePay or WapPay or AgreementPageSign;
}

/// <summary>Alipay <c>code</c> values and the sub codes the simulator uses.</summary>
public static class AlipayCode
{
    public const string Success = "10000";
    public const string PayInProcess = "10003";
    public const string Unknown = "20000";
    public const string MissingArgument = "40001";
    public const string InvalidArgument = "40002";
    public const string BusinessFailed = "40004";

    public const string TradeNotExist = "ACQ.TRADE_NOT_EXIST";
    public const string TradeStatusError = "ACQ.TRADE_STATUS_ERROR";
    public const string TradeHasSuccess = "ACQ.TRADE_HAS_SUCCESS";
    public const string TradeHasClose = "ACQ.TRADE_HAS_CLOSE";
    public const string ContextInconsistent = "ACQ.CONTEXT_INCONSISTENT";
    public const string InvalidParameter = "ACQ.INVALID_PARAMETER";
    public const string BuyerBalanceNotEnough = "ACQ.BUYER_BALANCE_NOT_ENOUGH";
    public const string RefundFeeError = "ACQ.REASON_TRADE_REFUND_FEE_ERR";
    public const string RefundAmountNotEqualTotal = "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL";
    public const string DiscordantRepeatRequest = "ACQ.DISCORDANT_REPEAT_REQUEST";

    // Agreements (周期扣款 / 商家扣款): the agreement methods' sub codes have no ACQ. prefix, the deduction's have.
    public const string UserAgreementNotExist = "USER_AGREEMENT_NOT_EXIST";
    public const string AgreementHasUnsigned = "AGREEMENT_HAS_UNSIGNED";
    public const string AgreementInvalidParameter = "INVALID_PARAMETER";
    public const string AgreementNotExist = "ACQ.AGREEMENT_NOT_EXIST";
    public const string AgreementStatusNotNormal = "ACQ.AGREEMENT_STATUS_NOT_NORMAL";
    public const string AgreementError = "ACQ.AGREEMENT_ERROR";
    public const string CyclePayDateNotMatch = "ACQ.CYCLE_PAY_DATE_NOT_MATCH";
    public const string CyclePaySingleFeeExceed = "ACQ.CYCLE_PAY_SINGLE_FEE_EXCEED";
    public const string CyclePayTotalTimesExceed = "ACQ.CYCLE_PAY_TOTAL_TIMES_EXCEED";
    // executionplan.modify refusals: Alipay's public docs state the rules but not these codes; they are the simulator's.
    public const string PlanAgreementNotNormal = "AGREEMENT_STATUS_NOT_NORMAL";
    public const string NotCycleAgreement = "NOT_CYCLE_PAY_AGREEMENT";
    public const string DeductTimeNotLater = "DEDUCT_TIME_NOT_LATER";
    public const string DeductDayNotAllowed = "DEDUCT_DAY_NOT_ALLOWED";

    // The fund (transfer) methods' sub codes have no ACQ. prefix.
    public const string FundInvalidParameter = "INVALID_PARAMETER";
    public const string PayeeNotExist = "PAYEE_NOT_EXIST";
    public const string PaymentInfoInconsistency = "PAYMENT_INFO_INCONSISTENCY";
    public const string OrderNotExist = "ORDER_NOT_EXIST";
    public const string InvalidSignature = "isv.invalid-signature";
    public const string UnknownError = "isp.unknow-error";

    /// <summary>The <c>msg</c> Alipay sends with each code.</summary>
    public static string MessageFor(string code) => code switch
    {
        Success => "Success",
        PayInProcess => "Order success pay inprocess",
        Unknown => "Service Currently Unavailable",
        "20001" => "Insufficient Token Permissions",
        MissingArgument => "Missing Required Arguments",
        InvalidArgument => "Invalid Arguments",
        "40003" => "Insufficient Conditions",
        BusinessFailed => "Business Failed",
        "40006" => "Insufficient Permissions",
        _ => "Unknown",
    };
}

/// <summary>Trade states in Alipay's words.</summary>
public static class AlipayTradeStatus
{
    public const string WaitBuyerPay = "WAIT_BUYER_PAY";
    public const string TradeSuccess = "TRADE_SUCCESS";
    public const string TradeClosed = "TRADE_CLOSED";

    /// <summary>The simulator's own status in Alipay's words (a failed trade reads as closed).</summary>
    public static string Of(SimulatorTrade trade) => trade.Status switch
    {
        TradeStatus.Pending => WaitBuyerPay,
        TradeStatus.Succeeded => TradeSuccess,
        _ => TradeClosed,
    };
}

/// <summary>A business answer or error the simulator sends: its payload object and the result recorded for it.</summary>
internal sealed record AlipayAnswer(JsonObject Payload, string Result)
{
    public string Code => (string)Payload["code"]!;

    /// <summary>A success answer: <c>code</c> and <c>msg</c> first, then <paramref name="fields"/> (moved, in order).</summary>
    public static AlipayAnswer Success(string result, JsonObject fields, string code = AlipayCode.Success)
    {
        var payload = new JsonObject { ["code"] = code, ["msg"] = AlipayCode.MessageFor(code) };
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            payload[name] = value;
        }
        return new AlipayAnswer(payload, result);
    }

    public static AlipayAnswer Error(string code, string? subCode, string? subMessage)
    {
        var payload = new JsonObject { ["code"] = code, ["msg"] = AlipayCode.MessageFor(code) };
        if (subCode is not null)
        {
            payload["sub_code"] = subCode;
        }
        if (subMessage is not null)
        {
            payload["sub_msg"] = subMessage;
        }
        return new AlipayAnswer(payload, subCode ?? code);
    }
}

/// <summary>Writes signed JSON answers in Alipay's envelope, and the HTML the payer's browser gets.</summary>
internal static class AlipayResponses
{
    public const string ErrorNode = "error_response";

    // Alipay writes raw UTF-8 (Chinese messages unescaped) and escapes '/' as "\/"; copying that makes sure a client
    // verifies the text as sent rather than a re-serialisation of it.
    private static readonly JsonSerializerOptions PayloadJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>alipay.trade.query</c> → <c>alipay_trade_query_response</c>; <c>error_response</c> for anything unknown.</summary>
    public static string NodeName(string? method) =>
        AlipayMethod.IsGatewayMethod(method) || method == AlipayMethod.AppPay ? method!.Replace('.', '_') + "_response" : ErrorNode;

    /// <summary>The exact text of the envelope: <c>{"&lt;node&gt;":{…},"sign":"…"}</c>, signed over the payload text.</summary>
    public static string Envelope(string nodeName, JsonObject payload, AlipayPlatformKey key, bool wrongKey)
    {
        // The payload's strings never contain a structural '/', so escaping every '/' only touches string contents.
        var text = payload.ToJsonString(PayloadJson).Replace("/", "\\/", StringComparison.Ordinal);
        var sign = key.Sign(text, wrongKey);
        return "{\"" + nodeName + "\":" + text + ",\"sign\":\"" + sign + "\"}";
    }

    public static Task WriteJsonAsync(HttpContext context, string nodeName, JsonObject payload, AlipayPlatformKey key, bool wrongKey)
    {
        var bytes = Encoding.UTF8.GetBytes(Envelope(nodeName, payload, key, wrongKey));
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json;charset=utf-8";
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes.AsMemory(), CancellationToken.None).AsTask();
    }

    /// <summary>What a browser sees when a page request is refused: the code and sub code, HTTP 400.</summary>
    public static Task WriteErrorPageAsync(HttpContext context, JsonObject payload)
    {
        static string e(JsonNode? value) => WebUtility.HtmlEncode(value?.ToString()) ?? "";
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Alipay cashier (simulator): error</title></head>
            <body>
            <h1>Payment request refused</h1>
            <dl>
            <dt>code</dt><dd id="code">{e(payload["code"])}</dd>
            <dt>msg</dt><dd id="msg">{e(payload["msg"])}</dd>
            <dt>sub_code</dt><dd id="sub-code">{e(payload["sub_code"])}</dd>
            <dt>sub_msg</dt><dd id="sub-msg">{e(payload["sub_msg"])}</dd>
            </dl>
            </body>
            </html>
            """;
        var bytes = Encoding.UTF8.GetBytes(html);
        context.Response.StatusCode = 400;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes.AsMemory(), CancellationToken.None).AsTask();
    }
}
