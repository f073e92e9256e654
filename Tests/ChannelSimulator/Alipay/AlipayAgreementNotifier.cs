using System.Security.Cryptography;
using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// The agreement notifies: <c>dut_user_sign</c> (<c>status=NORMAL</c>) when the payer signs and <c>dut_user_unsign</c>
/// (<c>status=UNSIGN</c>) when the agreement ends, form POSTs to the sign request's notify_url signed exactly like the
/// trade notifies (platform key, every parameter but <c>sign</c> and <c>sign_type</c>), acknowledged by
/// <c>success</c>. Behaviours for the callback operation apply, looked up by external_agreement_no.
/// </summary>
internal sealed class AlipayAgreementNotifier(CallbackSender callbacks, AlipayPlatformKey platformKey, AlipaySimulatorOptions alipay, SimulatorOptions options)
{
    public const string SignNotifyType = "dut_user_sign";
    public const string UnsignNotifyType = "dut_user_unsign";

    /// <summary>Alipay's "no end date" for an open-ended agreement.</summary>
    private const string OpenEnded = "2115-02-01 00:00:00";

    /// <summary>Sends the notify for the agreement's current state (NORMAL: sign; STOP: unsign) in the background.</summary>
    public void Dispatch(AlipayAgreement agreement)
    {
        var subject = new CallbackSubject(agreement.AppId, agreement.ExternalAgreementNo, agreement.AgreementNo, null);
        callbacks.Dispatch(subject, behaviour => Prepare(agreement, behaviour), agreement.ExternalAgreementNo);
    }

    private PreparedCallback? Prepare(AlipayAgreement agreement, SimulatorBehaviour behaviour)
    {
        // Nothing to tell about an agreement the payer never signed (opened, then cancelled by the merchant).
        if (agreement.NotifyUrl is not { } notifyUrl || agreement.SignedAt is null)
        {
            return null;
        }
        var signed = agreement.Status == AlipayAgreementStatus.Normal;
        var notifyType = signed ? SignNotifyType : UnsignNotifyType;

        HttpRequestMessage NewAttempt()
        {
            var fields = new List<KeyValuePair<string, string>>
            {
                new("notify_id", NotifyId(agreement, notifyType)),
                new("notify_time", AlipayWire.BeijingTime(options.TimeProvider.GetUtcNow())),
                new("notify_type", notifyType),
                new("charset", "utf-8"),
                new("version", "1.0"),
                new("app_id", agreement.AppId),
                new("auth_app_id", agreement.AppId),
                new("agreement_no", agreement.AgreementNo),
                new("external_agreement_no", agreement.ExternalAgreementNo),
                new("alipay_user_id", alipay.BuyerId),
                new("alipay_logon_id", alipay.BuyerLogonId),
                new("external_logon_id", agreement.ExternalLogonId ?? ""),
                new("personal_product_code", agreement.PersonalProductCode),
                new("sign_scene", agreement.SignScene),
                new("status", signed ? AlipayAgreementStatus.Normal : "UNSIGN"),
            };
            if (signed)
            {
                fields.Add(new("sign_time", AlipayWire.BeijingTime(agreement.SignedAt!.Value)));
                fields.Add(new("valid_time", AlipayWire.BeijingTime(agreement.SignedAt.Value)));
                fields.Add(new("invalid_time", OpenEnded));
            }
            else
            {
                fields.Add(new("unsign_time", AlipayWire.BeijingTime(agreement.UnsignedAt!.Value)));
            }
            fields.RemoveAll(f => f.Value.Length == 0);
            var sign = platformKey.Sign(AlipayWire.SignContent(fields, includeSignType: false), wrongKey: behaviour.BadSignature);
            fields.Add(new(AlipayWire.SignTypeParameter, AlipayWire.SignType));
            fields.Add(new(AlipayWire.SignParameter, sign));

            var content = new StringContent(AlipayWire.EncodeForm(fields), Encoding.UTF8, "application/x-www-form-urlencoded");
            return new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = content };
        }

        return new PreparedCallback(0, NewAttempt, static (code, body) => code == 200 && body == AlipayNotifyFormat.Acknowledgement);
    }

    // Stable per (agreement, notify type), so a redelivery carries the same notify_id.
    private static string NotifyId(AlipayAgreement agreement, string notifyType) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(agreement.AgreementNo + "/" + notifyType)))[..34];
}
