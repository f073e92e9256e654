using System.Globalization;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// The biz_content of <c>alipay.user.agreement.page.sign</c>, and the Alipay rules a sign request can be checked
/// against before anything is sent (channel-protocols-2.md §2.1).
/// </summary>
public static class AlipayAgreementSignRequest
{
    /// <summary>Alipay's shortest daily period: a DAY agreement charges at most once a week.</summary>
    public const int MinDayPeriod = 7;

    /// <summary>MONTH agreements may not plan deductions on the 29th–31st (not every month has them).</summary>
    public const int MaxMonthExecuteDay = 28;

    private const int MaxExternalAgreementNoLength = 32;

    /// <summary>
    /// Why Alipay would refuse this request, as (error code, message); null when it passes the local checks. A refusal
    /// here is definitive: nothing has been sent.
    /// </summary>
    public static (string Code, string Message)? Problem(ChannelSignRequest request, AlipayAgreementSettings settings, string currency)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);

        if (!string.Equals(request.Currency, currency, StringComparison.OrdinalIgnoreCase))
        {
            return ("CURRENCY_NOT_SUPPORTED", $"Alipay agreements here are in {currency} only.");
        }

        if (request.AmountPerDeduction <= 0)
        {
            return ("INVALID_AMOUNT", "The amount per deduction must be positive.");
        }

        if (request.MaxDeductions is <= 0)
        {
            return ("INVALID_MAX_DEDUCTIONS", "The number of deductions must be positive when given.");
        }

        if (request.ContractId.Length is 0 or > MaxExternalAgreementNoLength || !request.ContractId.All(char.IsAsciiLetterOrDigit))
        {
            return ("INVALID_CONTRACT_ID", $"external_agreement_no must be 1-{MaxExternalAgreementNoLength} letters or digits.");
        }

        if (!settings.IsCycle)
        {
            return null;
        }

        return request.Period switch
        {
            { Unit: not ("DAY" or "MONTH") } => ("PERIOD_NOT_SUPPORTED", "Alipay periods are DAY or MONTH."),
            { Every: < 1 } => ("PERIOD_NOT_SUPPORTED", "The period must be at least one unit."),
            { Unit: "DAY", Every: < MinDayPeriod } => ("PERIOD_TOO_SHORT", $"Alipay DAY periods are at least {MinDayPeriod} days."),
            { Unit: "MONTH", FirstDeductionDate.Day: > MaxMonthExecuteDay } =>
                ("EXECUTE_DAY_NOT_ALLOWED", $"Alipay MONTH agreements cannot plan deductions after day {MaxMonthExecuteDay} of a month."),
            _ => null,
        };
    }

    /// <summary>
    /// The biz_content: product codes, sign scene, external_agreement_no (the gateway contract id), what the payer
    /// sees, how the sign page is reached, and for 周期扣款 the schedule.
    /// </summary>
    public static Dictionary<string, object?> BizContent(ChannelSignRequest request, AlipayAgreementSettings settings, string accessChannel)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);

        var biz = new Dictionary<string, object?>
        {
            ["personal_product_code"] = settings.PersonalProductCode,
            ["product_code"] = settings.ProductCode,
            ["sign_scene"] = settings.SignScene,
            ["external_agreement_no"] = request.ContractId,
            ["external_logon_id"] = string.IsNullOrEmpty(request.DisplayAccount) ? null : request.DisplayAccount,
            ["access_params"] = new Dictionary<string, string> { ["channel"] = accessChannel },
        };

        if (settings.IsCycle)
        {
            var rule = new Dictionary<string, object>
            {
                ["period_type"] = request.Period.Unit,
                ["period"] = request.Period.Every,
                ["execute_time"] = request.Period.FirstDeductionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["single_amount"] = AlipayFormats.ToYuan(request.AmountPerDeduction),
            };
            if (request.MaxDeductions is { } max)
            {
                rule["total_payments"] = max;
            }

            biz["period_rule_params"] = rule;
        }

        return biz;
    }
}
