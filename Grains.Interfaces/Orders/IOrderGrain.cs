namespace PayGateway;

/// <summary>
/// One payment order, keyed by its gateway order id. The single writer of that order's state: every change to
/// the order goes through here, one call at a time.
/// </summary>
public interface IOrderGrain : IWebhookOutboxOwner
{
    /// <summary>
    /// Creates the order and its payment at the channel. Idempotent: a repeat with the same fingerprint returns
    /// the order as it stands (and finishes a creation a crash interrupted); a different fingerprint is refused.
    /// </summary>
    Task<OrderResult> CreateAsync(CreateOrderCommand command, string fingerprint, ChannelRoute route);

    /// <summary>The order, or null when no order was ever created under this id.</summary>
    Task<OrderView?> GetAsync();

    /// <summary>Closes an unpaid order at the channel and here. A paid order cannot be closed.</summary>
    Task<OrderResult> CloseAsync();

    /// <summary>
    /// Applies a verified channel callback after checking it is about this order's money (channel, account,
    /// amount, currency). Repeats and stale news change nothing and are still accepted.
    /// </summary>
    Task<CallbackOutcome> HandleCallbackAsync(CallbackNotice notice);

    /// <summary>Asks the channel now and follows its answer (merchant-requested sync).</summary>
    Task<OrderResult> SyncAsync();

    /// <summary>
    /// A channel statement lists money this order does not show (a payment, or a succeeded refund): ask the channel
    /// now about the payment and every open refund, and follow what it answers, exactly as supervision would. The
    /// statement itself is never trusted to change anything. Null when no order was ever created under this id.
    /// </summary>
    Task<OrderView?> ReconcileWithChannelAsync();

    /// <summary>
    /// Does whatever is due: a supervision check, expiry, notification attempts. Safe to call at any time and
    /// any number of times; calls that find nothing due do nothing.
    /// </summary>
    Task WakeAsync();

    /// <summary>Operator resend of a notification (delivered or failed): a new round of attempts, same event id and body.</summary>
    Task<OrderResult> ResendNotificationAsync(string eventId);

    /// <summary>
    /// Refunds (part of) the paid order. The order grain holds every refund of the order in its own state, so the sum
    /// of succeeded and open refunds can never exceed the paid amount, however requests interleave. Idempotent on
    /// out_refund_no: a repeat with the same fingerprint returns the refund as it stands (and resumes one a crash
    /// interrupted); a different fingerprint is refused.
    /// </summary>
    Task<RefundResult> RefundAsync(CreateRefundCommand command, string fingerprint);

    /// <summary>
    /// Read-only: the refusal <see cref="RefundAsync"/> would give right now, or null. Lets the key grain refuse a
    /// request that cannot be served without writing anything.
    /// </summary>
    Task<GatewayError?> CheckRefundAsync(CreateRefundCommand command, string fingerprint);

    /// <summary>One refund of this order by gateway refund id, or null.</summary>
    Task<RefundView?> GetRefundAsync(string refundId);

    /// <summary>One refund of this order by the merchant's out_refund_no, or null.</summary>
    Task<RefundView?> FindRefundAsync(string outRefundNo);

    /// <summary>
    /// Applies a verified channel notification about a refund after checking channel, account, amount and
    /// currency. Repeats and stale news change nothing and are still accepted.
    /// </summary>
    Task<CallbackOutcome> HandleRefundCallbackAsync(RefundCallbackNotice notice);
}
