namespace PayGateway.Channels.Alipay;

/// <summary>
/// Decodes the sign and unsign notifies (<c>notify_type</c> <c>dut_user_sign</c> / <c>dut_user_unsign</c>) of an
/// agreement. The fields must already be verified and belong to the account's app: this only reads them.
/// </summary>
public static class AlipayAgreementNotify
{
    public const string SignNotifyType = "dut_user_sign";
    public const string UnsignNotifyType = "dut_user_unsign";

    /// <summary>Whether a notify_type is one of the agreement notifies.</summary>
    public static bool IsAgreementNotify(string? notifyType) => notifyType is SignNotifyType or UnsignNotifyType;

    /// <summary>
    /// The contract event a verified agreement notify reports: signed (<c>status=NORMAL</c>) or ended
    /// (<c>status=UNSIGN</c>), named by the gateway contract id Alipay echoes as external_agreement_no.
    /// </summary>
    public static ChannelCallbackParseResult Parse(IReadOnlyDictionary<string, string> fields, string appId)
    {
        ArgumentNullException.ThrowIfNull(fields);

        // The status must agree with the notify type: a sign notify that does not say NORMAL proves nothing.
        var (state, timeField) = (fields.GetValueOrDefault("notify_type"), fields.GetValueOrDefault("status")) switch
        {
            (SignNotifyType, "NORMAL") => (ChannelContractState.Signed, "sign_time"),
            (UnsignNotifyType, "UNSIGN") => (ChannelContractState.Terminated, "unsign_time"),
            _ => (ChannelContractState.Unknown, null),
        };
        if (timeField is null)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFY", "The agreement notify's status does not match its notify_type.");
        }

        if (fields.GetValueOrDefault("external_agreement_no") is not { Length: > 0 } contractId
            || fields.GetValueOrDefault("agreement_no") is not { Length: > 0 } agreementNo)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFY", "The agreement notify lacks external_agreement_no or agreement_no.");
        }

        AlipayFormats.TryParseBeijingTime(fields.GetValueOrDefault(timeField), out var at);
        return ChannelCallbackParseResult.AcceptedContract(new ChannelContractCallback(
            contractId,
            state,
            agreementNo,
            appId,
            at,
            fields.GetValueOrDefault("notify_id")));
    }
}
