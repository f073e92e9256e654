using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// <c>POST /v3/refund/domestic/refunds</c> and <c>GET /v3/refund/domestic/refunds/{out_refund_no}</c>. A refund is
/// accepted <c>PROCESSING</c> against a paid trade and ends after <see cref="WeChatPaySimulatorOptions.RefundProcessingTime"/>
/// (<c>SUCCESS</c>, or the <c>refund_status</c> behaviour's status), which records <c>refunded</c> for a success and
/// sends the notification. Behaviours go by the out_refund_no, else by the refunded order's out_trade_no.
/// </summary>
internal sealed class WeChatPayRefundApi(
    WeChatPayCalls calls,
    TradeStore trades,
    WeChatPayRefundStore refunds,
    WeChatPayRefundNotifier notifier,
    WeChatPayDeferred deferred,
    BehaviourRegistry behaviours,
    RecordLog records,
    SimulatorOptions options,
    TimeProvider time)
{
    public const string Path = "/v3/refund/domestic/refunds";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Path, (HttpContext c, WeChatPayRefundApi api) => api.RefundAsync(c));
        app.MapGet(Path + "/{outRefundNo}", (HttpContext c, string outRefundNo, WeChatPayRefundApi api) => api.QueryAsync(c, outRefundNo));
    }

    public async Task RefundAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, RecordKind.RefundRequest, null) is not ({ } call, { } merchant))
        {
            return;
        }
        var (request, outTradeNo, outRefundNo, amount, error) = WeChatPayRefundReader.Read(call.Body);
        if (request is null)
        {
            await call.ReplyAsync(400, new ErrorBody("PARAM_ERROR", error!), "PARAM_ERROR", outTradeNo, amount, "CNY", outRefundNo);
            return;
        }
        var trade = request.OutTradeNo is { } byOrder
            ? trades.Find(merchant.MchId, byOrder)
            : trades.FindByTradeNo(request.TransactionId!) is { } byId && byId.MerchantId == merchant.MchId ? byId : null;
        outTradeNo = trade?.OutTradeNo ?? outTradeNo;
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.Refund, request.OutRefundNo, outTradeNo);
        if (!await call.ApplyDelayAndFailAsync(outTradeNo, request.Refund, "CNY", request.OutRefundNo))
        {
            return;
        }
        // WeChat knows no refundable payment behind an unpaid, closed or unknown order; it answers all three alike.
        if (trade is not { Protocol: SimulatorProtocol.WeChatPay, Status: TradeStatus.Succeeded })
        {
            await call.ReplyAsync(404, new ErrorBody("RESOURCE_NOT_EXISTS", "订单不存在"), "RESOURCE_NOT_EXISTS", outTradeNo, request.Refund, "CNY", request.OutRefundNo);
            return;
        }
        if (request.Total != trade.Amount)
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", "订单金额与支付金额不一致"), "INVALID_REQUEST", outTradeNo, request.Refund, "CNY", request.OutRefundNo);
            return;
        }

        var endStatus = call.Behaviour.RefundStatus is { Length: > 0 } configured ? configured : WeChatPayRefundStatus.Success;
        var (outcome, refund) = refunds.Create(trade, request.OutRefundNo, request.Refund, request.Total, request.Reason, request.NotifyUrl, endStatus, time.GetUtcNow());
        switch (outcome)
        {
            case RefundOutcome.OverRefund:
                await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", "申请退款金额超过订单可退金额"), "INVALID_REQUEST", outTradeNo, request.Refund, "CNY", request.OutRefundNo);
                return;
            case RefundOutcome.Conflict:
                await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", "订单金额或退款金额与之前请求不一致，请核实后再试"), "INVALID_REQUEST",
                    outTradeNo, request.Refund, "CNY", request.OutRefundNo);
                return;
            case RefundOutcome.Created:
                deferred.After(options.WeChatPay.RefundProcessingTime, () => End(refund!));
                break;
        }
        await call.ReplyAsync(200, WeChatPayRefundViews.Answer(refund!), refund!.Status, outTradeNo, refund.Refund, "CNY", refund.OutRefundNo);
    }

    public async Task QueryAsync(HttpContext context, string outRefundNo)
    {
        if (await calls.BeginAsync(context, RecordKind.RefundQuery, null) is not ({ } call, { } merchant))
        {
            return;
        }
        var refund = refunds.Find(merchant.MchId, outRefundNo);
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.RefundQuery, outRefundNo, refund?.OutTradeNo);
        if (!await call.ApplyDelayAndFailAsync(refund?.OutTradeNo, refund?.Refund, "CNY", outRefundNo))
        {
            return;
        }
        if (refund is null)
        {
            await call.ReplyAsync(404, new ErrorBody("RESOURCE_NOT_EXISTS", "退款单不存在"), "RESOURCE_NOT_EXISTS", null, null, null, outRefundNo);
            return;
        }
        // The answer reads the refund again: it may have ended during a delay_ms.
        refund = refunds.Find(merchant.MchId, outRefundNo) ?? refund;
        await call.ReplyAsync(200, WeChatPayRefundViews.Answer(refund), refund.Status, refund.OutTradeNo, refund.Refund, "CNY", refund.OutRefundNo);
    }

    // The refund's money reaches the payer (or not): one `refunded` record per success, then the notification.
    private void End(WeChatPayRefundView created)
    {
        if (refunds.End(created, time.GetUtcNow()) is not { } ended)
        {
            return;
        }
        if (ended.Status == WeChatPayRefundStatus.Success)
        {
            records.Add(RecordKind.Refunded, ended.MchId, ended.OutTradeNo, ended.OutRefundNo, ended.Refund, "CNY", 0, ended.Status);
        }
        notifier.Send(ended);
    }
}
