using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// <c>/alipay/gateway.do</c>: the OpenAPI methods (POST, form-encoded, signed JSON answers) and the page methods a
/// payer's browser reaches through a signed GET URL or auto-submitting form (redirect to the cashier). Refunds,
/// transfers, statements and agreements are in the other parts of this class.
/// </summary>
internal sealed partial class AlipayGateway(
    AlipayRequestReader reader,
    TradeStore store,
    BehaviourRegistry behaviours,
    RecordLog records,
    TradeOperations operations,
    AlipayRefundLedger refunds,
    AlipayTransferLedger transfers,
    AlipayBillDownloads billDownloads,
    AlipayAgreementStore agreements,
    AlipayAgreementPayer payer,
    BillDrift drift,
    AlipayPlatformKey platformKey,
    AlipaySimulatorOptions options,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
{
    public const string Path = "/alipay/gateway.do";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Path, (HttpContext c, AlipayGateway gateway) => gateway.HandleAsync(c));
        app.MapGet(Path, (HttpContext c, AlipayGateway gateway) => gateway.HandleAsync(c));
    }

    /// <summary>The record kind of a method: query, close, the refund, transfer and statement kinds, or create for everything else.</summary>
    public static string KindOf(string? method) => method switch
    {
        AlipayMethod.Query => RecordKind.Query,
        AlipayMethod.Close => RecordKind.Close,
        AlipayMethod.Refund => RecordKind.RefundRequest,
        AlipayMethod.RefundQuery => RecordKind.RefundQuery,
        AlipayMethod.Transfer => RecordKind.TransferRequest,
        AlipayMethod.TransferQuery => RecordKind.TransferQuery,
        AlipayMethod.BillDownloadUrlQuery => RecordKind.StatementRequest,
        AlipayMethod.AgreementPageSign => AlipayAgreementKinds.SignRequest,
        AlipayMethod.AgreementQuery => AlipayAgreementKinds.Query,
        AlipayMethod.AgreementUnsign => AlipayAgreementKinds.Unsign,
        AlipayMethod.AgreementExecutionPlanModify => AlipayAgreementKinds.PlanModify,
        _ => RecordKind.Create,
    };

    public async Task HandleAsync(HttpContext context)
    {
        var (request, refusal) = await reader.ReadAsync(context);
        if (refusal is not null)
        {
            var page = AlipayMethod.IsPageMethod(refusal.Method);
            records.Add(KindOf(refusal.Method), refusal.AppId ?? "", refusal.OutTradeNo, null, null, null, page ? 400 : 200, refusal.Answer.Result);
            await (page
                ? AlipayResponses.WriteErrorPageAsync(context, refusal.Answer.Payload)
                : AlipayResponses.WriteJsonAsync(context, AlipayResponses.NodeName(refusal.Method), refusal.Answer.Payload, platformKey, wrongKey: false));
            return;
        }

        var call = new AlipayApiCall(context, request!, KindOf(request!.Method), records, platformKey, lifetime.ApplicationStopping);
        switch (request.Method)
        {
            case AlipayMethod.Pay when IsDeduction(request):
                await DeductAsync(call);
                break;
            case AlipayMethod.Precreate or AlipayMethod.PagePay or AlipayMethod.WapPay or AlipayMethod.Pay:
                await CreateAsync(call);
                break;
            case AlipayMethod.Query:
                await QueryAsync(call);
                break;
            case AlipayMethod.Close:
                await CloseAsync(call);
                break;
            case AlipayMethod.Refund:
                await RefundAsync(call);
                break;
            case AlipayMethod.RefundQuery:
                await RefundQueryAsync(call);
                break;
            case AlipayMethod.Transfer:
                await TransferAsync(call);
                break;
            case AlipayMethod.TransferQuery:
                await TransferQueryAsync(call);
                break;
            case AlipayMethod.BillDownloadUrlQuery:
                await BillDownloadUrlAsync(call);
                break;
            case AlipayMethod.AgreementPageSign:
                await AgreementPageSignAsync(call);
                break;
            case AlipayMethod.AgreementQuery:
                await AgreementQueryAsync(call);
                break;
            case AlipayMethod.AgreementUnsign:
                await AgreementUnsignAsync(call);
                break;
            case AlipayMethod.AgreementExecutionPlanModify:
                await AgreementPlanModifyAsync(call);
                break;
            default:
                await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.InvalidArgument, "isv.invalid-method", "不存在的方法名"), call.Request.BizString("out_trade_no"));
                break;
        }
    }

    private async Task CreateAsync(AlipayApiCall call)
    {
        var request = call.Request;
        if (!AlipayTradeRequests.TryParse(request, options, time.GetUtcNow(), out var newTrade, out var invalid))
        {
            await call.AnswerAsync(invalid!, request.BizString("out_trade_no"));
            return;
        }
        call.Behaviour = behaviours.Resolve(newTrade.OutTradeNo, SimulatorOperation.Create);
        if (!await call.ApplyDelayAndFailAsync(newTrade.OutTradeNo, newTrade.Amount, newTrade.Currency))
        {
            return;
        }

        var authCode = request.BizString("auth_code") ?? "";
        if (request.Method == AlipayMethod.Pay
            && authCode.StartsWith("decline", StringComparison.OrdinalIgnoreCase)
            && store.Find(newTrade.MerchantId, newTrade.OutTradeNo) is null)
        {
            // A declined barcode payment leaves no trade behind: a later attempt with a good code may still pay.
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.BuyerBalanceNotEnough, "买家余额不足"), newTrade.OutTradeNo, newTrade.Amount);
            return;
        }

        // Barcode pays at once unless the code says the payer still has to confirm; everything else waits for the payer.
        var paysNow = request.Method == AlipayMethod.Pay && !call.Behaviour.TimeoutAfterCharge && !authCode.StartsWith("wait", StringComparison.OrdinalIgnoreCase);
        var (outcome, trade) = store.CreateOrGet(newTrade, paysNow ? TradeStatus.Succeeded : TradeStatus.Pending);
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
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.ContextInconsistent, "交易信息被篡改"), trade);
        }
        else if (outcome == CreateOutcome.Existing && trade.Status == TradeStatus.Succeeded)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.TradeHasSuccess, "交易已被支付"), trade);
        }
        else if (trade.Status is TradeStatus.Closed or TradeStatus.Failed)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.TradeHasClose, "交易已经关闭"), trade);
        }
        else if (call.IsPage)
        {
            await call.RedirectAsync(AlipayCashier.Site.PageUrl(call.HttpRequest, trade.TradeNo), trade);
        }
        else if (request.Method == AlipayMethod.Precreate)
        {
            await call.AnswerAsync(AlipayAnswer.Success(AlipayTradeStatus.Of(trade), new JsonObject
            {
                ["out_trade_no"] = trade.OutTradeNo,
                ["qr_code"] = AlipayCashier.Site.PageUrl(call.HttpRequest, trade.TradeNo),
            }), trade);
        }
        else
        {
            await call.AnswerAsync(BarcodeAnswer(trade), trade);
        }
    }

    private AlipayAnswer BarcodeAnswer(SimulatorTrade trade)
    {
        var paid = trade.Status == TradeStatus.Succeeded;
        var amount = AlipayWire.Yuan(trade.Amount);
        var fields = new JsonObject
        {
            ["trade_no"] = trade.TradeNo,
            ["out_trade_no"] = trade.OutTradeNo,
            ["buyer_logon_id"] = options.BuyerLogonId,
            ["total_amount"] = amount,
            ["receipt_amount"] = paid ? amount : "0.00",
            ["buyer_pay_amount"] = paid ? amount : "0.00",
            ["point_amount"] = "0.00",
            ["invoice_amount"] = paid ? amount : "0.00",
        };
        if (paid)
        {
            fields["gmt_payment"] = AlipayWire.BeijingTime(trade.PaidAt!.Value);
            fields["fund_bill_list"] = new JsonArray(new JsonObject { ["fund_channel"] = "ALIPAYACCOUNT", ["amount"] = amount });
        }
        fields["buyer_user_id"] = options.BuyerId;
        return AlipayAnswer.Success(AlipayTradeStatus.Of(trade), fields, paid ? AlipayCode.Success : AlipayCode.PayInProcess);
    }

    private async Task QueryAsync(AlipayApiCall call)
    {
        if (await BeginTradeCallAsync(call, SimulatorOperation.Query) is not { } found)
        {
            return;
        }
        if (found.Trade is not { } trade)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.TradeNotExist, "交易不存在"), found.OutTradeNo);
            return;
        }

        var paid = trade.Status == TradeStatus.Succeeded;
        var amount = AlipayWire.Yuan(trade.Amount);
        var fields = new JsonObject
        {
            ["trade_no"] = trade.TradeNo,
            ["out_trade_no"] = trade.OutTradeNo,
            ["buyer_logon_id"] = options.BuyerLogonId,
            ["trade_status"] = AlipayTradeStatus.Of(trade),
            ["total_amount"] = amount,
            ["buyer_pay_amount"] = paid ? amount : "0.00",
            ["point_amount"] = "0.00",
            ["invoice_amount"] = paid ? amount : "0.00",
            ["receipt_amount"] = paid ? amount : "0.00",
        };
        if (paid)
        {
            fields["send_pay_date"] = AlipayWire.BeijingTime(trade.PaidAt!.Value);
        }
        fields["buyer_user_id"] = options.BuyerId;
        await call.AnswerAsync(AlipayAnswer.Success(AlipayTradeStatus.Of(trade), fields), trade);
    }

    private async Task CloseAsync(AlipayApiCall call)
    {
        if (await BeginTradeCallAsync(call, SimulatorOperation.Close) is not { } found)
        {
            return;
        }
        if (found.Trade is not { } trade)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.TradeNotExist, "交易不存在"), found.OutTradeNo);
            return;
        }

        // Only WAIT_BUYER_PAY can be closed; a paid or already closed trade is a status error (query tells which).
        var (outcome, closed) = store.Close(trade.TradeNo);
        if (outcome != CloseOutcome.Closed)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.TradeStatusError, "交易状态不合法"), closed);
            return;
        }
        await call.AnswerAsync(AlipayAnswer.Success(AlipayTradeStatus.Of(closed), new JsonObject
        {
            ["trade_no"] = closed.TradeNo,
            ["out_trade_no"] = closed.OutTradeNo,
        }), closed);
    }

    private sealed record FoundTrade(string? OutTradeNo, SimulatorTrade? Trade);

    // query/close: out_trade_no or trade_no; applies the behaviour (delay, fail) and looks the trade up afterwards,
    // so a delayed call sees the state at the time it is handled. Null when the call was answered.
    private async Task<FoundTrade?> BeginTradeCallAsync(AlipayApiCall call, string operation)
    {
        var outTradeNo = call.Request.BizString("out_trade_no");
        var tradeNo = call.Request.BizString("trade_no");
        if (string.IsNullOrEmpty(outTradeNo) && string.IsNullOrEmpty(tradeNo))
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.InvalidParameter, "参数无效：out_trade_no和trade_no不能同时为空"), outTradeNo: null);
            return null;
        }
        outTradeNo ??= Find(call.Request.AppId, null, tradeNo)?.OutTradeNo;
        call.Behaviour = behaviours.Resolve(outTradeNo, operation);
        if (!await call.ApplyDelayAndFailAsync(outTradeNo, null, null))
        {
            return null;
        }
        return new FoundTrade(outTradeNo, Find(call.Request.AppId, outTradeNo, tradeNo));
    }

    private SimulatorTrade? Find(string appId, string? outTradeNo, string? tradeNo)
    {
        var trade = !string.IsNullOrEmpty(outTradeNo) ? store.Find(appId, outTradeNo) : tradeNo is null ? null : store.FindByTradeNo(tradeNo);
        return trade is not null && trade.MerchantId == appId && trade.Protocol == SimulatorProtocol.Alipay
            && (string.IsNullOrEmpty(tradeNo) || trade.TradeNo == tradeNo)
            ? trade
            : null;
    }
}
