using System.Globalization;
using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// <c>POST /unionpay/gateway/api/backTransReq.do</c> with a refund (txnType 04 / 00, bizType 000201): checks the
/// consume named by origQryId, refunds at once (respCode 00 = accepted; the result follows), and sends the signed
/// refund notification to the refund's backUrl. queryTrans finds the refund by its orderId + txnTime.
/// </summary>
internal sealed class UnionPayRefundApi(
    UnionPayRequestReader reader,
    UnionPayKeys keys,
    UnionPayRefunds refunds,
    TradeStore store,
    BehaviourRegistry behaviours,
    RecordLog records,
    CallbackSender callbacks,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(UnionPayGateway.PathBase + "/backTransReq.do", (HttpContext c, UnionPayRefundApi api) => api.RefundAsync(c));

    private async Task RefundAsync(HttpContext context)
    {
        var (request, refusal) = await reader.ReadAsync(context, isBrowser: false);
        if (refusal is not null)
        {
            records.Add(RecordKind.RefundRequest, refusal.MerId, refusal.OrderId, null, null, null, 200, refusal.RespCode);
            var refused = UnionPayAnswers.Error(new UnionPayRequest(refusal.MerId, refusal.Fields, false), refusal.RespCode, refusal.RespMsg);
            await UnionPayAnswers.WriteRawAsync(context, keys.Signed(refused, wrongKey: false));
            return;
        }

        var call = new UnionPayApiCall(context, request!, RecordKind.RefundRequest, records, keys, lifetime.ApplicationStopping);
        var orderId = request!.Field("orderId");
        if (Invalid(request) is { } problem)
        {
            await call.ReplyAsync(200, UnionPayAnswers.Error(request, "10", problem), "10", orderId);
            return;
        }

        var consume = store.FindByTradeNo(request.Field("origQryId")!);
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.Refund, orderId, consume?.OutTradeNo);
        var amount = long.Parse(request.Field("txnAmt")!, NumberStyles.None, CultureInfo.InvariantCulture);
        if (!await call.ApplyDelayAndFailAsync(orderId, amount, UnionPayWire.Currency))
        {
            return;
        }

        if (consume is null || consume.Protocol != SimulatorProtocol.UnionPay || consume.MerchantId != request.MerId || consume.Status != TradeStatus.Succeeded)
        {
            await call.ReplyAsync(200, UnionPayAnswers.Error(request, "35", "原交易不存在或状态不正确"), "35", orderId);
            return;
        }

        var (outcome, refund) = refunds.TryAdd(consume, request.MerId, orderId!, request.Field("txnTime")!, amount, new Uri(request.Field("backUrl")!), time.GetUtcNow());
        switch (outcome)
        {
            case UnionPayRefunds.AddOutcome.Duplicate:
                await call.ReplyAsync(200, UnionPayAnswers.Error(request, "12", "重复交易"), "12", orderId);
                return;
            case UnionPayRefunds.AddOutcome.ExceedsPaid:
                await call.ReplyAsync(200, UnionPayAnswers.Error(request, "36", "退货金额超限"), "36", orderId);
                return;
        }

        var answer = UnionPayAnswers.Base(request, "00", "成功[0000000]");
        answer.Add(new("queryId", refund!.QueryId));
        answer.Add(new("origQryId", refund.OrigQueryId));
        answer.Add(new("txnAmt", request.Field("txnAmt")!));
        await call.ReplyAsync(200, answer, "ACCEPTED", orderId, amount, UnionPayWire.Currency, refund.QueryId);
        callbacks.Dispatch(new CallbackSubject(refund.MerId, consume.OutTradeNo, refund.OrderId, UnionPayWire.Currency), b => Notification(refund, b), refund.OrderId, consume.OutTradeNo);
    }

    /// <summary>What a done refund reports, in its notification and in queryTrans answers.</summary>
    public static List<KeyValuePair<string, string>> RefundFields(UnionPayRefund refund, long amount) =>
    [
        new("queryId", refund.QueryId),
        new("origQryId", refund.OrigQueryId),
        new("txnAmt", amount.ToString(CultureInfo.InvariantCulture)),
        new("settleAmt", amount.ToString(CultureInfo.InvariantCulture)),
        new("settleCurrencyCode", UnionPayWire.CurrencyCode),
        new("settleDate", UnionPayWire.SettleDay(refund.RefundedAt).ToString("MMdd", CultureInfo.InvariantCulture)),
        new("traceNo", refund.QueryId[^6..]),
        new("traceTime", refund.RefundedAt.ToOffset(TimeSpan.FromHours(8)).ToString("MMddHHmmss", CultureInfo.InvariantCulture)),
    ];

    private PreparedCallback Notification(UnionPayRefund refund, SimulatorBehaviour behaviour)
    {
        var amount = behaviour.TamperCallbackAmount ? refund.Amount + 1 : refund.Amount;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("version", "5.1.0"),
            new("encoding", "UTF-8"),
            new("signMethod", "01"),
            new("txnType", "04"),
            new("txnSubType", "00"),
            new("bizType", "000201"),
            new("accessType", "0"),
            new("merId", refund.MerId),
            new("orderId", refund.OrderId),
            new("txnTime", refund.TxnTime),
            new("respCode", "00"),
            new("respMsg", "success"),
        };
        fields.AddRange(RefundFields(refund, amount));
        var body = UnionPayWire.EncodeForm(keys.Signed(fields, behaviour.BadSignature));
        return new PreparedCallback(amount, () => new HttpRequestMessage(HttpMethod.Post, refund.BackUrl)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
        }, static (status, _) => status == 200);
    }

    private static string? Invalid(UnionPayRequest request)
    {
        var orderId = request.Field("orderId");
        var amount = request.Field("txnAmt");
        if (request.Field("txnType") != "04" || request.Field("txnSubType") != "00" || request.Field("bizType") != "000201")
        {
            return "只支持退货交易 (txnType 04, txnSubType 00, bizType 000201)";
        }
        if (orderId is not { Length: >= 8 and <= 40 } || !orderId.All(char.IsAsciiLetterOrDigit))
        {
            return "orderId 须为8-40位字母数字";
        }
        if (amount is not { Length: >= 1 and <= 12 } || !amount.All(char.IsAsciiDigit) || amount[0] == '0')
        {
            return "txnAmt 须为以分为单位的正整数";
        }
        if (!UnionPayWire.TryParseBeijingTime(request.Field("txnTime"), out _) || request.Field("origQryId") is null)
        {
            return "txnTime 格式错误或缺少origQryId";
        }
        return Uri.TryCreate(request.Field("backUrl"), UriKind.Absolute, out _) ? null : "缺少backUrl";
    }
}
