using System.Globalization;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// 周期扣款 plans (channel-protocols-2.md §2.1): Alipay keeps each CYCLE_PAY_AUTH agreement's next deduction date, refuses
/// a deduction off it (ACQ.CYCLE_PAY_DATE_NOT_MATCH), keeps it after a failure and advances it one period only after a
/// success. A period the gateway gives up or skips therefore leaves the plan behind for good, unless it is moved with
/// <c>alipay.user.agreement.executionplan.modify</c> (only later; MONTH agreements not on the 29th–31st).
/// </summary>
public sealed partial class AlipayChannel
{
    private const string ExecutionPlanModifyMethod = "alipay.user.agreement.executionplan.modify";

    /// <summary>Why the plan moves, as Alipay keeps it with the change.</summary>
    private const string ExecutionPlanMemo = "上期未扣款，顺延至下期";

    public async Task<ChannelPlanResult> MoveDeductionPlanAsync(ChannelAccount account, ChannelContractRef contract, DateOnly date, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(contract);

        // 商家扣款 agreements have no schedule: Alipay charges them on any day.
        if (!AlipayAgreementSettings.Of(account).IsCycle)
        {
            return ChannelPlanResult.NoPlan;
        }

        // Nothing is sent without the agreement number, so this refusal is definitive.
        if (string.IsNullOrEmpty(contract.ChannelContractNo))
        {
            return new ChannelPlanResult(ChannelPlanState.Refused, "AGREEMENT_NO_REQUIRED", "Moving a deduction plan needs the agreement_no of a signed agreement.");
        }

        var deductTime = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var biz = new Dictionary<string, object?>
        {
            ["agreement_no"] = contract.ChannelContractNo,
            ["deduct_time"] = deductTime,
            ["memo"] = ExecutionPlanMemo,
        };
        var call = await CallAsync(account, ExecutionPlanModifyMethod, biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelPlanResult.Unknown(call.Problem!);
        }

        switch (call.Code)
        {
            // The answer echoes both fields; one that names another agreement or date is not about this request.
            case "10000" when Str(payload, "agreement_no") is { } answeredNo && answeredNo != contract.ChannelContractNo:
                LogOtherAgreement(ExecutionPlanModifyMethod, account.AccountId, contract.ContractId, answeredNo);
                return ChannelPlanResult.Unknown("Alipay's plan answer names another agreement.");
            case "10000" when Str(payload, "deduct_time") is { } answeredDate && !SameDate(answeredDate, deductTime):
                return ChannelPlanResult.Unknown("Alipay's plan answer carries another deduct_time.");
            case "10000":
                return new ChannelPlanResult(ChannelPlanState.Moved);
            case "40004":
                // "Only later" also refuses a repeat whose first call moved the plan but whose answer was lost: the
                // agreement's own next_deduct_time says whether the plan is already where it should be.
                var planned = await PlannedDateAsync(account, contract, cancellationToken).ConfigureAwait(false);
                return planned switch
                {
                    null => new ChannelPlanResult(ChannelPlanState.Unknown, call.SubCode ?? call.Code, call.SubMessage ?? call.Message),
                    { } p when SameDate(p, deductTime) => new ChannelPlanResult(ChannelPlanState.Moved),
                    _ => new ChannelPlanResult(ChannelPlanState.Refused, call.SubCode ?? call.Code, call.SubMessage ?? call.Message),
                };
            default:
                return new ChannelPlanResult(ChannelPlanState.Unknown, call.SubCode ?? call.Code ?? "CHANNEL_UNKNOWN", call.SubMessage ?? call.Message);
        }
    }

    /// <summary>The agreement's <c>next_deduct_time</c> by <c>alipay.user.agreement.query</c>; null when that is not certain.</summary>
    private async Task<string?> PlannedDateAsync(ChannelAccount account, ChannelContractRef contract, CancellationToken cancellationToken)
    {
        var call = await CallAsync(account, AgreementQueryMethod, AgreementKey(AlipayAgreementSettings.Of(account), contract), cancellationToken).ConfigureAwait(false);
        return call is { Code: "10000", Payload: { } payload } && NamesAgreement(payload, contract) ? Str(payload, "next_deduct_time") : null;
    }

    // Alipay writes the date alone (yyyy-MM-dd); a date with a time of day is the same day.
    private static bool SameDate(string answered, string requested) =>
        answered.Length >= requested.Length && answered.AsSpan(0, requested.Length).SequenceEqual(requested);
}
