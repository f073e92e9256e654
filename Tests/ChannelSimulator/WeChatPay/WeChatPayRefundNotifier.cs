using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// The REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED notification of an ended refund, POSTed to the notify_url of
/// the refund request. Sealed like payment notifications (associated data <c>refund</c>) and delivered by the shared
/// <see cref="CallbackSender"/>: behaviours of operation <c>callback</c> for the out_refund_no, else for the refunded
/// order's out_trade_no, apply; each attempt is recorded as <c>callback_sent</c> with the out_refund_no as trade number.
/// </summary>
internal sealed class WeChatPayRefundNotifier(WeChatPayMerchants merchants, WeChatPayNotifier notifier, CallbackSender callbacks)
{
    /// <summary>Sends the notification in the background; nothing when the request named no notify_url.</summary>
    public void Send(WeChatPayRefundView refund)
    {
        if (refund.NotifyUrl is null)
        {
            return;
        }
        callbacks.Dispatch(
            new CallbackSubject(refund.MchId, refund.OutTradeNo, refund.OutRefundNo, "CNY"), behaviour => Prepare(refund, behaviour), refund.OutRefundNo, refund.OutTradeNo);
    }

    private PreparedCallback? Prepare(WeChatPayRefundView refund, SimulatorBehaviour behaviour)
    {
        if (!merchants.TryGet(refund.MchId, out var merchant))
        {
            return null;
        }
        var eventType = "REFUND." + refund.Status;
        var amount = behaviour.TamperCallbackAmount ? refund.Refund + 1 : refund.Refund;
        var plaintext = WeChatPayResponder.Serialize(WeChatPayRefundViews.Notification(refund, amount));
        var envelope = new WeChatPayNotifier.Envelope(
            WeChatPayNotifier.StableId($"{eventType}/{refund.MchId}/{refund.RefundId}"), refund.SuccessTime ?? refund.CreatedAt, eventType, Summary(refund.Status), "refund");
        return notifier.Seal(refund.NotifyUrl!, merchant, envelope, plaintext, amount, behaviour);
    }

    private static string Summary(string status) => status switch
    {
        WeChatPayRefundStatus.Success => "退款成功",
        WeChatPayRefundStatus.Abnormal => "退款异常",
        _ => "退款关闭",
    };
}
