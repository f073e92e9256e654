using System.Text.Json;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary><c>alipay.trade.refund</c> and <c>alipay.trade.fastpay.refund.query</c> against the simulator's trades.</summary>
internal sealed partial class AlipayGateway
{
    /// <summary>The only <c>refund_status</c> Alipay reports; its absence means "not received, or not successful".</summary>
    public const string RefundSuccess = "REFUND_SUCCESS";

    private async Task RefundAsync(AlipayApiCall call)
    {
        var request = call.Request;
        var outTradeNo = request.BizString("out_trade_no");
        var tradeNo = request.BizString("trade_no");
        var outRequestNo = request.BizString("out_request_no");
        long fen = 0;
        var problem =
            string.IsNullOrEmpty(outTradeNo) && string.IsNullOrEmpty(tradeNo) ? "out_trade_no和trade_no不能同时为空"
            : !AlipayWire.TryParseYuan(request.BizString("refund_amount"), out fen) || fen < 1 ? "refund_amount必填，单位为元，精确到小数点后两位"
            : outRequestNo is { Length: > 64 } ? "out_request_no最长64位"
            : null;
        if (problem is not null)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.InvalidParameter, "参数无效：" + problem), outTradeNo, outRequestNo, null);
            return;
        }

        outTradeNo ??= Find(request.AppId, null, tradeNo)?.OutTradeNo;
        call.Behaviour = behaviours.Resolve(outTradeNo, SimulatorOperation.Refund);
        // The record names the out_request_no even when a behaviour answers, as the records table documents.
        if (!await call.ApplyDelayAndFailAsync(outTradeNo, fen, AlipayApiCall.Currency, outRequestNo))
        {
            return;
        }
        if (Find(request.AppId, outTradeNo, tradeNo) is not { } trade)
        {
            await call.AnswerAsync(Refused(AlipayCode.TradeNotExist, "交易不存在"), outTradeNo, outRequestNo, fen);
            return;
        }

        // Without out_request_no Alipay takes the out_trade_no as the request number, and only a full refund.
        var requestNo = outRequestNo ?? trade.OutTradeNo;
        if (outRequestNo is null && fen != trade.Amount)
        {
            await call.AnswerAsync(Refused(AlipayCode.RefundAmountNotEqualTotal, "撤销或退款金额与订单金额不一致"), trade.OutTradeNo, requestNo, fen);
            return;
        }

        var (outcome, refund, refundedTotal) = refunds.Refund(trade, requestNo, fen, request.BizString("refund_reason"));
        if (outcome == AlipayRefundOutcome.Refunded)
        {
            records.Add(RecordKind.Refunded, trade.MerchantId, trade.OutTradeNo, requestNo, fen, trade.Currency, 0, RefundSuccess);
        }

        var answer = outcome switch
        {
            AlipayRefundOutcome.Refunded or AlipayRefundOutcome.Repeated => RefundAnswer(trade, refund!, refundedTotal, fundChange: outcome == AlipayRefundOutcome.Refunded),
            AlipayRefundOutcome.Discordant => Refused(AlipayCode.DiscordantRepeatRequest, "不一致的请求"),
            AlipayRefundOutcome.NotPaid => Refused(AlipayCode.TradeStatusError, "交易状态不合法"),
            AlipayRefundOutcome.Closed => Refused(AlipayCode.TradeHasClose, "交易已经关闭"),
            _ => Refused(AlipayCode.RefundFeeError, "退款金额超限"),
        };
        await call.AnswerAsync(answer, trade.OutTradeNo, requestNo, fen);
    }

    // refund_fee is the trade's total refunded so far, not this refund's amount: that is how Alipay reports it.
    private AlipayAnswer RefundAnswer(SimulatorTrade trade, AlipayRefund refund, long refundedTotal, bool fundChange) =>
        AlipayAnswer.Success(RefundSuccess, new JsonObject
        {
            ["trade_no"] = trade.TradeNo,
            ["out_trade_no"] = trade.OutTradeNo,
            ["buyer_logon_id"] = options.BuyerLogonId,
            ["fund_change"] = fundChange ? "Y" : "N",
            ["refund_fee"] = AlipayWire.Yuan(refundedTotal),
            ["gmt_refund_pay"] = AlipayWire.BeijingTime(refund.RefundedAt),
            ["buyer_user_id"] = options.BuyerId,
        });

    private async Task RefundQueryAsync(AlipayApiCall call)
    {
        var request = call.Request;
        var outTradeNo = request.BizString("out_trade_no");
        var tradeNo = request.BizString("trade_no");
        var outRequestNo = request.BizString("out_request_no");
        var problem =
            string.IsNullOrEmpty(outTradeNo) && string.IsNullOrEmpty(tradeNo) ? "out_trade_no和trade_no不能同时为空"
            : string.IsNullOrEmpty(outRequestNo) ? "out_request_no必填"
            : null;
        if (problem is not null)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.InvalidParameter, "参数无效：" + problem), outTradeNo, outRequestNo, null);
            return;
        }

        outTradeNo ??= Find(request.AppId, null, tradeNo)?.OutTradeNo;
        call.Behaviour = behaviours.Resolve(outTradeNo, SimulatorOperation.RefundQuery);
        if (!await call.ApplyDelayAndFailAsync(outTradeNo, null, null, outRequestNo))
        {
            return;
        }
        if (Find(request.AppId, outTradeNo, tradeNo) is not { } trade)
        {
            await call.AnswerAsync(Refused(AlipayCode.TradeNotExist, "交易不存在"), outTradeNo, outRequestNo, null);
            return;
        }

        // Code 10000 only means the query worked. A refund that never arrived (or did not succeed) is an answer
        // without refund_status, and without anything else.
        if (refunds.Find(trade, outRequestNo!) is not { } refund)
        {
            await call.AnswerAsync(AlipayAnswer.Success(TradeStatus.NotFound, new JsonObject()), trade.OutTradeNo, outRequestNo, null);
            return;
        }

        var fields = new JsonObject
        {
            ["trade_no"] = trade.TradeNo,
            ["out_trade_no"] = trade.OutTradeNo,
            ["out_request_no"] = refund.OutRequestNo,
            ["total_amount"] = AlipayWire.Yuan(trade.Amount),
            ["refund_amount"] = AlipayWire.Yuan(refund.Amount),
            ["refund_status"] = RefundSuccess,
        };
        if (AsksFor(request, "gmt_refund_pay"))
        {
            fields["gmt_refund_pay"] = AlipayWire.BeijingTime(refund.RefundedAt);
        }
        await call.AnswerAsync(AlipayAnswer.Success(RefundSuccess, fields), trade.OutTradeNo, refund.OutRequestNo, refund.Amount);
    }

    /// <summary>Whether biz_content's <c>query_options</c> names <paramref name="option"/> (optional fields are returned only then).</summary>
    private static bool AsksFor(AlipayRequest request, string option) =>
        request.Biz.ValueKind == JsonValueKind.Object
        && request.Biz.TryGetProperty("query_options", out var queryOptions)
        && queryOptions.ValueKind == JsonValueKind.Array
        && queryOptions.EnumerateArray().Any(o => o.ValueKind == JsonValueKind.String && o.GetString() == option);

    private static AlipayAnswer Refused(string subCode, string subMessage) => AlipayAnswer.Error(AlipayCode.BusinessFailed, subCode, subMessage);
}
