using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// Reads the biz_content of <c>alipay.user.agreement.page.sign</c> into a <see cref="NewAgreement"/>, refusing what
/// Alipay's rules forbid (channel-protocols-2.md §2.1).
/// </summary>
internal static partial class AlipayAgreementRequests
{
    public const string CyclePayAuth = "CYCLE_PAY_AUTH";
    public const string GeneralWithholding = "GENERAL_WITHHOLDING";

    private const int MinDayPeriod = 7;
    private const int MaxMonthExecuteDay = 28;

    public static bool TryParse(AlipayRequest request, out NewAgreement agreement, out AlipayAnswer? invalid)
    {
        agreement = null!;
        invalid = null;
        var productCode = request.BizString("product_code");
        var external = request.BizString("external_agreement_no");
        var signScene = request.BizString("sign_scene");
        var access = request.Biz.ValueKind == JsonValueKind.Object && request.Biz.TryGetProperty("access_params", out var a) ? a : default;
        var channel = AlipayRequest.StringOf(access, "channel");
        AlipayPeriodRule? rule = null;
        var problem =
            productCode is not (CyclePayAuth or GeneralWithholding) ? "product_code必须为CYCLE_PAY_AUTH或GENERAL_WITHHOLDING"
            : request.BizString("personal_product_code") != productCode + "_P" ? "personal_product_code必须为" + productCode + "_P"
            : string.IsNullOrEmpty(signScene) || !SignScenePattern().IsMatch(signScene) ? "sign_scene格式为INDUSTRY|场景"
            : external is null || !ExternalAgreementNoPattern().IsMatch(external) ? "external_agreement_no必填，1-32位字母或数字"
            : signScene == "DEFAULT|DEFAULT" ? "传入external_agreement_no时sign_scene不能为DEFAULT|DEFAULT"
            : channel is not ("ALIPAYAPP" or "QRCODE" or "QRCODEORSMS") ? "access_params.channel必须为ALIPAYAPP、QRCODE或QRCODEORSMS"
            : productCode == CyclePayAuth ? PeriodRuleProblem(request.Biz, out rule)
            : null;
        if (problem is not null)
        {
            invalid = AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.AgreementInvalidParameter, "参数无效：" + problem);
            return false;
        }

        var notifyUrl = Uri.TryCreate(request.NotifyUrl, UriKind.Absolute, out var notify) && notify.Scheme is "http" or "https" ? notify : null;
        agreement = new NewAgreement(request.AppId, external!, productCode!, signScene!, request.BizString("external_logon_id"), channel!, rule,
            notifyUrl, request.ReturnUrl);
        return true;
    }

    // period_rule_params: period_type DAY|MONTH, period (DAY ≥ 7), execute_time yyyy-MM-dd (MONTH: day ≤ 28),
    // single_amount in yuan, optional total_payments.
    private static string? PeriodRuleProblem(JsonElement biz, out AlipayPeriodRule? rule)
    {
        rule = null;
        if (biz.ValueKind != JsonValueKind.Object || !biz.TryGetProperty("period_rule_params", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return "周期扣款必须传入period_rule_params";
        }

        var type = AlipayRequest.StringOf(p, "period_type");
        var period = IntOf(p, "period");
        int? totalPayments = p.TryGetProperty("total_payments", out _) ? IntOf(p, "total_payments") ?? -1 : null;
        long single = 0;
        DateOnly execute = default;
        var problem =
            type is not ("DAY" or "MONTH") ? "period_type必须为DAY或MONTH"
            : period is not > 0 ? "period必须为正整数"
            : type == "DAY" && period < MinDayPeriod ? "period_type为DAY时period不能小于7"
            : !DateOnly.TryParseExact(AlipayRequest.StringOf(p, "execute_time"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out execute)
                ? "execute_time格式为yyyy-MM-dd"
            : type == "MONTH" && execute.Day > MaxMonthExecuteDay ? "period_type为MONTH时execute_time不能为29、30、31日"
            : !AlipayWire.TryParseYuan(AlipayRequest.StringOf(p, "single_amount"), out single) || single < 1 ? "single_amount必填，单位为元"
            : totalPayments is <= 0 ? "total_payments必须为正整数"
            : null;
        if (problem is null)
        {
            rule = new AlipayPeriodRule(type!, period!.Value, execute, single, totalPayments);
        }
        return problem;
    }

    // Alipay's SDK models send these as numbers; a digit string is accepted too.
    private static int? IntOf(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n
        : value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s
        : null;

    [GeneratedRegex("^[A-Za-z0-9]{1,32}$")]
    private static partial Regex ExternalAgreementNoPattern();

    [GeneratedRegex("^[A-Z0-9_]+\\|[A-Z0-9_]+$")]
    private static partial Regex SignScenePattern();
}
