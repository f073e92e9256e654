using System.Text.Json;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// Agreements (周期扣款 / 商家扣款): <c>alipay.user.agreement.page.sign</c> (a page method: redirect to the sign page),
/// <c>alipay.user.agreement.query</c>, <c>alipay.user.agreement.unsign</c>, <c>alipay.user.agreement.executionplan.modify</c>
/// (moves a 周期扣款 plan), and deductions (<c>alipay.trade.pay</c>
/// with <c>agreement_params</c>). Behaviours are looked up by external_agreement_no for the agreement calls
/// (operations <c>agreement_sign</c>, <c>agreement_query</c>, <c>agreement_unsign</c>, <c>agreement_plan_modify</c>) and by out_trade_no for
/// deductions (operation <c>create</c>), like every other call.
/// </summary>
internal sealed partial class AlipayGateway
{
    /// <summary>Alipay's "no end date" for an open-ended agreement.</summary>
    private const string OpenEnded = "2115-02-01 00:00:00";

    /// <summary>Whether an alipay.trade.pay is a deduction under an agreement rather than a barcode payment.</summary>
    public static bool IsDeduction(AlipayRequest request) =>
        request.Method == AlipayMethod.Pay && request.Biz.ValueKind == JsonValueKind.Object && request.Biz.TryGetProperty("agreement_params", out _);

    private async Task AgreementPageSignAsync(AlipayApiCall call)
    {
        if (!AlipayAgreementRequests.TryParse(call.Request, out var request, out var invalid))
        {
            await call.AnswerAsync(invalid!, call.Request.BizString("external_agreement_no"));
            return;
        }
        call.Behaviour = behaviours.Resolve(request.ExternalAgreementNo, AlipayAgreementKinds.SignRequest);
        if (!await call.ApplyDelayAndFailAsync(request.ExternalAgreementNo, null, null))
        {
            return;
        }

        var (outcome, agreement) = agreements.StartOrGet(request);
        if (outcome == AgreementStartOutcome.Conflict)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.AgreementInvalidParameter, "external_agreement_no已用于其他产品或场景的协议"), request.ExternalAgreementNo);
            return;
        }
        // A page opened again shows the same agreement, in whatever state it is now.
        await call.RedirectAsync(AlipayAgreementPage.Url(call.HttpRequest, agreement.AgreementNo), agreement.Status, agreement.ExternalAgreementNo, agreement.AgreementNo);
    }

    private async Task AgreementQueryAsync(AlipayApiCall call)
    {
        if (await BeginAgreementCallAsync(call, AlipayAgreementKinds.Query) is not { } found)
        {
            return;
        }
        if (found.Agreement is not { } a)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.UserAgreementNotExist, "用户协议不存在"), found.Key);
            return;
        }

        var fields = new JsonObject
        {
            ["agreement_no"] = a.AgreementNo,
            ["external_agreement_no"] = a.ExternalAgreementNo,
            ["external_logon_id"] = a.ExternalLogonId,
            ["personal_product_code"] = a.PersonalProductCode,
            ["sign_scene"] = a.SignScene,
            ["status"] = a.Status,
            ["principal_id"] = options.BuyerId,
            ["alipay_logon_id"] = options.BuyerLogonId,
        };
        if (a.SignedAt is { } signedAt)
        {
            fields["sign_time"] = AlipayWire.BeijingTime(signedAt);
            fields["valid_time"] = AlipayWire.BeijingTime(signedAt);
            fields["invalid_time"] = a.UnsignedAt is { } unsignedAt ? AlipayWire.BeijingTime(unsignedAt) : OpenEnded;
        }
        if (a.PeriodRule is { } rule)
        {
            fields["single_quota"] = AlipayWire.Yuan(rule.SingleAmount);
            fields["next_deduct_time"] = a.NextDeductDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (a.LastDeductedAt is { } last)
            {
                fields["last_deduct_time"] = AlipayWire.BeijingTime(last);
            }
        }
        foreach (var (name, _) in fields.Where(f => f.Value is null).ToList())
        {
            fields.Remove(name);
        }
        await call.AnswerAsync(AlipayAnswer.Success(a.Status, fields), a.ExternalAgreementNo, a.AgreementNo, null);
    }

    private async Task AgreementUnsignAsync(AlipayApiCall call)
    {
        if (await BeginAgreementCallAsync(call, AlipayAgreementKinds.Unsign) is not { } found)
        {
            return;
        }
        if (found.Agreement is not { } a)
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.UserAgreementNotExist, "用户协议不存在"), found.Key);
            return;
        }

        var (outcome, after) = payer.Unsign(a.AgreementNo);
        var answer = outcome == AgreementChangeOutcome.Changed
            ? AlipayAnswer.Success(after!.Status, new JsonObject())
            : AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.AgreementHasUnsigned, "用户协议已解约");
        await call.AnswerAsync(answer, a.ExternalAgreementNo, a.AgreementNo, null);
    }

    // executionplan.modify: {agreement_no, deduct_time yyyy-MM-dd, memo}; the answer echoes agreement_no and deduct_time.
    private async Task AgreementPlanModifyAsync(AlipayApiCall call)
    {
        var request = call.Request;
        var agreementNo = request.BizString("agreement_no");
        if (string.IsNullOrEmpty(agreementNo)
            || !DateOnly.TryParseExact(request.BizString("deduct_time"), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
            || string.IsNullOrEmpty(request.BizString("memo")))
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.AgreementInvalidParameter,
                "参数无效：agreement_no、deduct_time（yyyy-MM-dd）与memo必填"), agreementNo);
            return;
        }
        if (await BeginAgreementCallAsync(call, AlipayAgreementKinds.PlanModify) is not { } found)
        {
            return;
        }

        var refusal = agreements.MovePlan(request.AppId, agreementNo, date, out var moved);
        var answer = refusal switch
        {
            null => AlipayAnswer.Success(moved!.NextDeductDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), new JsonObject
            {
                ["agreement_no"] = moved.AgreementNo,
                ["deduct_time"] = moved.NextDeductDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            }),
            PlanMoveRefusal.AgreementNotFound => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.UserAgreementNotExist, "用户协议不存在"),
            PlanMoveRefusal.AgreementNotNormal => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.PlanAgreementNotNormal, "用户协议状态非NORMAL"),
            PlanMoveRefusal.NotCycle => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.NotCycleAgreement, "非周期扣款协议，无扣款计划"),
            PlanMoveRefusal.NotLater => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.DeductTimeNotLater, "扣款时间只能延后"),
            _ => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.DeductDayNotAllowed, "按月扣款的协议不能将扣款日设为29至31日"),
        };
        await call.AnswerAsync(answer, found.Key, agreementNo, null);
    }

    private sealed record FoundAgreement(string? Key, AlipayAgreement? Agreement);

    // query/unsign: agreement_no, or external_agreement_no with personal_product_code and sign_scene. Applies the
    // behaviour (delay, fail) first and looks the agreement up afterwards, so a delayed call sees the state of then.
    private async Task<FoundAgreement?> BeginAgreementCallAsync(AlipayApiCall call, string operation)
    {
        var request = call.Request;
        var agreementNo = request.BizString("agreement_no");
        var external = request.BizString("external_agreement_no");
        if (string.IsNullOrEmpty(agreementNo) && (string.IsNullOrEmpty(external) || request.BizString("personal_product_code") is null || request.BizString("sign_scene") is null))
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.AgreementInvalidParameter,
                "参数无效：agreement_no，或external_agreement_no、personal_product_code与sign_scene必填"), external);
            return null;
        }

        AlipayAgreement? Find() => !string.IsNullOrEmpty(agreementNo)
            ? agreements.FindByNumber(request.AppId, agreementNo)
            : agreements.FindByExternal(request.AppId, external!, request.BizString("personal_product_code"), request.BizString("sign_scene"));

        var key = external ?? Find()?.ExternalAgreementNo ?? agreementNo;
        call.Behaviour = behaviours.Resolve(key, operation);
        if (!await call.ApplyDelayAndFailAsync(key, null, null, agreementNo))
        {
            return null;
        }
        return new FoundAgreement(key, Find());
    }

    private async Task DeductAsync(AlipayApiCall call)
    {
        var request = call.Request;
        if (!AlipayTradeRequests.TryParse(request, options, time.GetUtcNow(), out var newTrade, out var invalid))
        {
            await call.AnswerAsync(invalid!, request.BizString("out_trade_no"));
            return;
        }
        var agreementNo = AlipayRequest.StringOf(request.Biz.GetProperty("agreement_params"), "agreement_no");
        var productCode = request.BizString("product_code");
        if (string.IsNullOrEmpty(agreementNo) || productCode is not (AlipayAgreementRequests.CyclePayAuth or AlipayAgreementRequests.GeneralWithholding))
        {
            await call.AnswerAsync(AlipayAgreementAnswers.InvalidDeduction, newTrade.OutTradeNo);
            return;
        }
        call.Behaviour = behaviours.Resolve(newTrade.OutTradeNo, SimulatorOperation.Create);
        if (!await call.ApplyDelayAndFailAsync(newTrade.OutTradeNo, newTrade.Amount, newTrade.Currency))
        {
            return;
        }

        // The agreement decides under its lock, and the trade is created there too: a period is used exactly once.
        var created = false;
        SimulatorTrade? trade = store.Find(newTrade.MerchantId, newTrade.OutTradeNo);
        var refusal = trade is not null ? null : agreements.Deduct(newTrade.MerchantId, agreementNo, productCode, newTrade.Amount, options.DeductionWindowDays, () =>
        {
            (var outcome, trade) = store.CreateOrGet(newTrade, TradeStatus.Succeeded);
            created = outcome == CreateOutcome.Created;
            return created;
        });
        if (refusal is { } why)
        {
            await call.AnswerAsync(AlipayAgreementAnswers.Refusal(why), newTrade.OutTradeNo, newTrade.Amount);
            return;
        }
        if (created)
        {
            operations.Charged(trade!);
            await call.AnswerAsync(BarcodeAnswer(trade!), trade!);
            return;
        }

        // The same out_trade_no again: Alipay deduplicates on it, nothing is charged twice.
        var (again, existing) = store.CreateOrGet(newTrade, TradeStatus.Succeeded);
        var answer = again == CreateOutcome.Conflict ? AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.ContextInconsistent, "交易信息被篡改")
            : existing.Status == TradeStatus.Succeeded ? AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.TradeHasSuccess, "交易已被支付")
            : existing.Status is TradeStatus.Closed or TradeStatus.Failed ? AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.TradeHasClose, "交易已经关闭")
            : BarcodeAnswer(existing);
        await call.AnswerAsync(answer, existing);
    }
}

/// <summary>The refusals of a deduction, in Alipay's sub codes.</summary>
internal static class AlipayAgreementAnswers
{
    public static AlipayAnswer InvalidDeduction => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.InvalidParameter,
        "参数无效：agreement_params.agreement_no必填，product_code必须为CYCLE_PAY_AUTH或GENERAL_WITHHOLDING");

    public static AlipayAnswer Refusal(DeductionRefusal refusal) => refusal switch
    {
        DeductionRefusal.AgreementNotFound => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.AgreementNotExist, "用户协议不存在"),
        DeductionRefusal.AgreementNotNormal => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.AgreementStatusNotNormal, "用户协议状态非NORMAL"),
        DeductionRefusal.ProductMismatch => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.AgreementError, "协议信息异常"),
        DeductionRefusal.SingleAmountExceeded => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.CyclePaySingleFeeExceed, "周期扣款的单笔金额超过签约时限制"),
        DeductionRefusal.TotalTimesExceeded => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.CyclePayTotalTimesExceed, "周期扣款的总次数超过签约时限制"),
        _ => AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.CyclePayDateNotMatch, "扣款日期不在签约时的允许范围之内"),
    };
}
