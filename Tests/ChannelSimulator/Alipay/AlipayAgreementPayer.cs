using PayGateway.ChannelSimulator.Records;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>Record kinds and behaviour operations of the agreement calls (beside the shared <see cref="RecordKind"/>).</summary>
public static class AlipayAgreementKinds
{
    /// <summary>A page.sign request reached the simulator (OutTradeNo: external_agreement_no; TradeNo: agreement_no).</summary>
    public const string SignRequest = "agreement_sign";
    /// <summary>alipay.user.agreement.query.</summary>
    public const string Query = "agreement_query";
    /// <summary>alipay.user.agreement.unsign.</summary>
    public const string Unsign = "agreement_unsign";
    /// <summary>alipay.user.agreement.executionplan.modify (OutTradeNo: external_agreement_no; Result: the sub code, or the new date).</summary>
    public const string PlanModify = "agreement_plan_modify";
    /// <summary>The payer signed: the agreement became NORMAL. Exactly one per agreement.</summary>
    public const string Signed = "agreement_signed";
    /// <summary>The agreement ended (payer or merchant). Exactly one per agreement.</summary>
    public const string Ended = "agreement_ended";
}

/// <summary>
/// What changes an agreement's state, whoever asks (the sign page, the test control, the unsign API): the store, the
/// record and the notify, always together.
/// </summary>
internal sealed class AlipayAgreementPayer(AlipayAgreementStore store, AlipayAgreementNotifier notifier, RecordLog records)
{
    /// <summary>The payer signs (TEMP → NORMAL) and the sign notify goes out.</summary>
    public (AgreementChangeOutcome Outcome, AlipayAgreement? Agreement) Sign(string agreementNo) =>
        Changed(store.Sign(agreementNo), AlipayAgreementKinds.Signed);

    /// <summary>The agreement ends (→ STOP) and the unsign notify goes out.</summary>
    public (AgreementChangeOutcome Outcome, AlipayAgreement? Agreement) Unsign(string agreementNo) =>
        Changed(store.Unsign(agreementNo), AlipayAgreementKinds.Ended);

    private (AgreementChangeOutcome, AlipayAgreement?) Changed((AgreementChangeOutcome Outcome, AlipayAgreement? Agreement) result, string kind)
    {
        if (result is { Outcome: AgreementChangeOutcome.Changed, Agreement: { } agreement })
        {
            records.Add(kind, agreement.AppId, agreement.ExternalAgreementNo, agreement.AgreementNo, null, null, 0, agreement.Status);
            notifier.Dispatch(agreement);
        }
        return result;
    }
}
