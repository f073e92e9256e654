using System.Globalization;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// <c>/unionpay/gateway/api/…</c>: frontTransReq.do (the payer's browser POSTs the signed consume form and is sent to
/// the cashier), appTransReq.do (app consume, answers <c>tn</c>) and queryTrans.do (consumes and refunds; refunds
/// themselves are <see cref="UnionPayRefundApi"/>). Trades live in the shared store
/// under <see cref="SimulatorProtocol.UnionPay"/>; paying one sends the backUrl notification.
/// </summary>
internal sealed class UnionPayGateway(
    UnionPayRequestReader reader,
    UnionPayKeys keys,
    UnionPayOrders orders,
    UnionPayRefunds refunds,
    TradeStore store,
    BehaviourRegistry behaviours,
    RecordLog records,
    TradeOperations operations,
    UnionPaySimulatorOptions options,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
{
    public const string PathBase = "/unionpay/gateway/api";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(PathBase + "/frontTransReq.do", (HttpContext c, UnionPayGateway g) => g.ConsumeAsync(c, browser: true));
        app.MapPost(PathBase + "/appTransReq.do", (HttpContext c, UnionPayGateway g) => g.ConsumeAsync(c, browser: false));
        app.MapPost(PathBase + "/queryTrans.do", (HttpContext c, UnionPayGateway g) => g.QueryAsync(c));
    }

    private async Task<UnionPayApiCall?> BeginAsync(HttpContext context, string kind, bool browser)
    {
        var (request, refusal) = await reader.ReadAsync(context, browser);
        if (refusal is not null)
        {
            records.Add(kind, refusal.MerId, refusal.OrderId, null, null, null, browser ? 400 : 200, refusal.RespCode);
            var answer = UnionPayAnswers.Error(new UnionPayRequest(refusal.MerId, refusal.Fields, browser), refusal.RespCode, refusal.RespMsg);
            await (browser ? UnionPayAnswers.WriteErrorPageAsync(context, answer) : UnionPayAnswers.WriteRawAsync(context, keys.Signed(answer, wrongKey: false)));
            return null;
        }
        return new UnionPayApiCall(context, request!, kind, records, keys, lifetime.ApplicationStopping);
    }

    private async Task ConsumeAsync(HttpContext context, bool browser)
    {
        if (await BeginAsync(context, RecordKind.Create, browser) is not { } call)
        {
            return;
        }
        var request = call.Request;
        var orderId = request.Field("orderId");
        if (Invalid(request, browser) is { } problem)
        {
            await call.ReplyAsync(browser ? 400 : 200, UnionPayAnswers.Error(request, "10", problem), "10", orderId);
            return;
        }
        var amount = long.Parse(request.Field("txnAmt")!, NumberStyles.None, CultureInfo.InvariantCulture);
        call.Behaviour = behaviours.Resolve(orderId, SimulatorOperation.Create);
        if (!await call.ApplyDelayAndFailAsync(orderId, amount, UnionPayWire.Currency))
        {
            return;
        }

        var txnTime = request.Field("txnTime")!;
        if (!orders.TryRemember(request.MerId, orderId!, txnTime))
        {
            await call.ReplyAsync(200, UnionPayAnswers.Error(request, "12", "重复交易"), "12", orderId, amount, UnionPayWire.Currency);
            return;
        }
        var expireAt = UnionPayWire.TryParseBeijingTime(request.Field("payTimeout"), out var payTimeout) ? payTimeout : time.GetUtcNow() + options.DefaultPayTimeout;
        var method = browser ? (request.Field("channelType") == "08" ? "WAP" : "WEB") : "APP";
        var (outcome, trade) = store.CreateOrGet(new NewTrade(SimulatorProtocol.UnionPay, request.MerId, orderId!, amount, UnionPayWire.Currency,
            "UnionPay consume", method, new Uri(request.Field("backUrl")!), request.Field("frontUrl"), expireAt), TradeStatus.Pending);
        if (outcome == CreateOutcome.Conflict)
        {
            await call.ReplyAsync(200, UnionPayAnswers.Error(request, "12", "重复交易"), "12", trade);
            return;
        }
        if (call.Behaviour.TimeoutAfterCharge && trade.Status == TradeStatus.Pending)
        {
            (_, trade) = operations.Pay(trade.TradeNo);
        }
        if (trade.Status is TradeStatus.Closed or TradeStatus.Failed)
        {
            await call.ReplyAsync(200, UnionPayAnswers.Error(request, "79", "交易已超时"), "79", trade);
            return;
        }
        if (browser)
        {
            await call.ReplyAsync(302, new UnionPayApiCall.Redirect(UnionPaySimulator.Cashier.PageUrl(call.HttpRequest, trade.TradeNo)), trade.Status, trade);
            return;
        }
        var answer = UnionPayAnswers.Base(request, "00", "成功[0000000]");
        answer.Add(new("tn", trade.TradeNo));
        await call.ReplyAsync(200, answer, trade.Status, trade);
    }

    private async Task QueryAsync(HttpContext context)
    {
        if (await BeginAsync(context, RecordKind.Query, browser: false) is not { } call)
        {
            return;
        }
        var request = call.Request;
        var orderId = request.Field("orderId");
        if (request.Field("txnType") != "00" || orderId is null || request.Field("txnTime") is null)
        {
            await call.ReplyAsync(200, UnionPayAnswers.Error(request, "10", "查询报文缺少orderId或txnTime"), "10", orderId);
            return;
        }
        call.Behaviour = behaviours.Resolve(orderId, SimulatorOperation.Query);
        if (!await call.ApplyDelayAndFailAsync(orderId, null, null))
        {
            return;
        }

        // A refund is a transaction of its own, found by its orderId + txnTime like a consume.
        if (refunds.Find(request.MerId, orderId) is { } refund)
        {
            if (refund.TxnTime != request.Field("txnTime"))
            {
                await call.ReplyAsync(200, UnionPayAnswers.Error(request, "34", "查无此交易"), "34", orderId);
                return;
            }
            var refundAnswer = UnionPayAnswers.Base(request, "00", "成功[0000000]");
            refundAnswer.AddRange(UnionPayRefundApi.RefundFields(refund, refund.Amount));
            refundAnswer.Add(new("currencyCode", UnionPayWire.CurrencyCode));
            refundAnswer.Add(new("origRespCode", "00"));
            refundAnswer.Add(new("origRespMsg", "成功[0000000]"));
            await call.ReplyAsync(200, refundAnswer, "SUCCESS", orderId, refund.Amount, UnionPayWire.Currency, refund.QueryId);
            return;
        }

        // Looked up after the delay, so a slow query sees the state at the time it is handled. Until the payer pays
        // there is no transaction to report, and one that never paid stays unknown to the query.
        var trade = store.Find(request.MerId, orderId);
        if (trade is null || trade.Protocol != SimulatorProtocol.UnionPay || !orders.Matches(request.MerId, orderId, request.Field("txnTime"))
            || trade.Status != TradeStatus.Succeeded)
        {
            await call.ReplyAsync(200, UnionPayAnswers.Error(request, "34", "查无此交易"), "34", orderId);
            return;
        }
        var answer = UnionPayAnswers.Base(request, "00", "成功[0000000]");
        answer.AddRange(UnionPayNotifier.PaidFields(trade, trade.Amount));
        answer.Add(new("origRespCode", "00"));
        answer.Add(new("origRespMsg", "成功[0000000]"));
        await call.ReplyAsync(200, answer, trade.Status, trade);
    }

    private static string? Invalid(UnionPayRequest request, bool browser)
    {
        var orderId = request.Field("orderId");
        var amount = request.Field("txnAmt");
        if (request.Field("txnType") != "01" || request.Field("txnSubType") != "01" || request.Field("bizType") != "000201")
        {
            return "只支持消费交易 (txnType 01, txnSubType 01, bizType 000201)";
        }
        if (orderId is not { Length: >= 8 and <= 40 } || !orderId.All(char.IsAsciiLetterOrDigit))
        {
            return "orderId 须为8-40位字母数字";
        }
        if (amount is not { Length: >= 1 and <= 12 } || !amount.All(char.IsAsciiDigit) || amount[0] == '0')
        {
            return "txnAmt 须为以分为单位的正整数";
        }
        if (request.Field("currencyCode") != UnionPayWire.CurrencyCode)
        {
            return "currencyCode 须为156";
        }
        if (!UnionPayWire.TryParseBeijingTime(request.Field("txnTime"), out _))
        {
            return "txnTime 格式错误";
        }
        if (!Uri.TryCreate(request.Field("backUrl"), UriKind.Absolute, out _) || (browser && request.Field("frontUrl") is null))
        {
            return browser ? "缺少backUrl或frontUrl" : "缺少backUrl";
        }
        return null;
    }
}
