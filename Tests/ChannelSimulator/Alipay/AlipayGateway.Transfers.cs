using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary><c>alipay.fund.trans.uni.transfer</c> and <c>alipay.fund.trans.common.query</c> (单笔无密转账 to Alipay accounts).</summary>
internal sealed partial class AlipayGateway
{
    public const string TransferProductCode = "TRANS_ACCOUNT_NO_PWD";
    public const string TransferBizScene = "DIRECT_TRANSFER";
    public const string TransferSuccess = "SUCCESS";
    public const string AlipayUserId = "ALIPAY_USER_ID";
    public const string AlipayLogonId = "ALIPAY_LOGON_ID";

    // Alipay's documented range for TRANS_ACCOUNT_NO_PWD: [0.1, 100000000] yuan.
    private const long MinTransferFen = 10;
    private const long MaxTransferFen = 100_000_000_00;

    private async Task TransferAsync(AlipayApiCall call)
    {
        var request = call.Request;
        var outBizNo = request.BizString("out_biz_no");
        var payee = request.Biz.ValueKind == JsonValueKind.Object && request.Biz.TryGetProperty("payee_info", out var p) ? p : default;
        var identity = AlipayRequest.StringOf(payee, "identity");
        var identityType = AlipayRequest.StringOf(payee, "identity_type");
        var name = AlipayRequest.StringOf(payee, "name");
        var title = request.BizString("order_title");
        long fen = 0;
        var problem =
            outBizNo is null || !OutBizNoPattern().IsMatch(outBizNo) ? "out_biz_no必填，1-64位字母、数字或下划线"
            : !AlipayWire.TryParseYuan(request.BizString("trans_amount"), out fen) || fen < MinTransferFen || fen > MaxTransferFen
                ? "trans_amount必填，单位为元，精确到小数点后两位，取值范围[0.1,100000000]"
            : request.BizString("product_code") != TransferProductCode ? "product_code必须为" + TransferProductCode
            : request.BizString("biz_scene") != TransferBizScene ? "biz_scene必须为" + TransferBizScene
            : string.IsNullOrEmpty(title) || title.Length > 128 ? "order_title必填，最长128个字符"
            : string.IsNullOrEmpty(identity) ? "payee_info.identity必填"
            : identityType is not (AlipayUserId or AlipayLogonId) ? "payee_info.identity_type必须为ALIPAY_USER_ID或ALIPAY_LOGON_ID"
            : identityType == AlipayLogonId && string.IsNullOrEmpty(name) ? "identity_type为ALIPAY_LOGON_ID时payee_info.name必填"
            : null;
        if (problem is not null)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.FundInvalidParameter, "参数有误：" + problem), outBizNo, null, null);
            return;
        }

        call.Behaviour = behaviours.Resolve(outBizNo, SimulatorOperation.Transfer);
        if (!await call.ApplyDelayAndFailAsync(outBizNo, fen, AlipayApiCall.Currency))
        {
            return;
        }

        // Alipay user ids are 2088 + 12 digits; any other id names nobody. A failure path without behaviours.
        if (identityType == AlipayUserId && !AlipayUserIdPattern().IsMatch(identity!))
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.PayeeNotExist, "收款账号不存在"), outBizNo, null, fen);
            return;
        }

        var (outcome, transfer) = transfers.Transfer(new NewAlipayTransfer(request.AppId, outBizNo!, fen, identityType!, identity!, name));
        if (outcome == AlipayTransferOutcome.Inconsistent)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.PaymentInfoInconsistency, "两次请求商户单号一样，但是参数不一致"), outBizNo, transfer.OrderId, fen);
            return;
        }
        if (outcome == AlipayTransferOutcome.Transferred)
        {
            records.Add(RecordKind.Transferred, transfer.AppId, transfer.OutBizNo, transfer.OrderId, transfer.Amount, AlipayApiCall.Currency, 0, TransferSuccess);
        }

        // A repeated out_biz_no gets the original result again, as Alipay answers it.
        await call.AnswerAsync(AlipayAnswer.Success(TransferSuccess, new JsonObject
        {
            ["out_biz_no"] = transfer.OutBizNo,
            ["order_id"] = transfer.OrderId,
            ["pay_fund_order_id"] = transfer.PayFundOrderId,
            ["status"] = TransferSuccess,
            ["trans_date"] = AlipayWire.BeijingTime(transfer.PaidAt),
        }), transfer.OutBizNo, transfer.OrderId, transfer.Amount);
    }

    private async Task TransferQueryAsync(AlipayApiCall call)
    {
        var request = call.Request;
        var outBizNo = request.BizString("out_biz_no");
        var orderId = request.BizString("order_id");
        var problem =
            string.IsNullOrEmpty(outBizNo) && string.IsNullOrEmpty(orderId) ? "out_biz_no和order_id不能同时为空"
            : !string.IsNullOrEmpty(outBizNo) && (request.BizString("product_code") is null || request.BizString("biz_scene") is null)
                ? "传入out_biz_no时product_code和biz_scene必填"
            : null;
        if (problem is not null)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.FundInvalidParameter, "参数有误：" + problem), outBizNo, orderId, null);
            return;
        }

        outBizNo ??= transfers.FindByOrderId(request.AppId, orderId!)?.OutBizNo;
        call.Behaviour = behaviours.Resolve(outBizNo, SimulatorOperation.TransferQuery);
        if (!await call.ApplyDelayAndFailAsync(outBizNo, null, null))
        {
            return;
        }

        // The simulator only makes 单笔无密转账: under another product or scene the number names nothing.
        var transfer = outBizNo is null ? null : transfers.Find(request.AppId, outBizNo);
        var sameProduct = (request.BizString("product_code") is null or TransferProductCode) && (request.BizString("biz_scene") is null or TransferBizScene);
        if (transfer is null || !sameProduct || (orderId is not null && transfer.OrderId != orderId))
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.OrderNotExist, "转账订单不存在"), outBizNo, orderId, null);
            return;
        }

        await call.AnswerAsync(AlipayAnswer.Success(TransferSuccess, new JsonObject
        {
            ["order_id"] = transfer.OrderId,
            ["out_biz_no"] = transfer.OutBizNo,
            ["pay_date"] = AlipayWire.BeijingTime(transfer.PaidAt),
            ["pay_fund_order_id"] = transfer.PayFundOrderId,
            ["status"] = TransferSuccess,
            ["trans_amount"] = AlipayWire.Yuan(transfer.Amount),
        }), transfer.OutBizNo, transfer.OrderId, transfer.Amount);
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex OutBizNoPattern();

    [GeneratedRegex("^2088[0-9]{12}$")]
    private static partial Regex AlipayUserIdPattern();
}
