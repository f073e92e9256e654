using PayGateway.Callbacks;
using PayGateway.Channels;

namespace PayGateway.Orders;

public sealed partial class OrderGrain
{
    public async Task<CallbackOutcome> HandleCallbackAsync(CallbackNotice notice)
    {
        var s = state.State;
        if (!s.Exists)
        {
            return CallbackOutcome.Reject("ORDER_NOT_FOUND", "No order with this id exists.");
        }
        if (notice.Channel != s.Channel || notice.AccountId != s.AccountId)
        {
            return CallbackOutcome.Reject("ACCOUNT_MISMATCH", $"The order belongs to {s.Channel}/{s.AccountId}, not {notice.Channel}/{notice.AccountId}.");
        }
        switch (notice.State)
        {
            case ReportedPaymentState.Succeeded:
                return await PaymentReportedAsync(notice);
            case ReportedPaymentState.Closed:
                // A late "closed" never undoes "succeeded"; for an open order it is the channel's word.
                await MoveAsync(OrderStatus.Closed, o => o with { ClosedAtMs = NowMs });
                return CallbackOutcome.Ok;
            case ReportedPaymentState.Failed:
                await MoveAsync(OrderStatus.Failed, o => o with { Failure = new StoredError(ErrorCodes.ChannelRejected, "The channel reported the payment failed.") });
                return CallbackOutcome.Ok;
            default:
                return CallbackOutcome.Ok;
        }
    }

    private async Task<CallbackOutcome> PaymentReportedAsync(CallbackNotice notice)
    {
        var s = state.State;
        if (notice.Amount != s.Amount)
        {
            return CallbackOutcome.Reject("AMOUNT_MISMATCH", $"Callback amount {notice.Amount} differs from the order's {s.Amount}.");
        }
        if (notice.Currency != s.Currency)
        {
            return CallbackOutcome.Reject("CURRENCY_MISMATCH", $"Callback currency {notice.Currency} differs from the order's {s.Currency}.");
        }
        switch (s.StatusValue)
        {
            case OrderStatus.Succeeded:
                return CallbackOutcome.Ok; // a repeat: acknowledged, nothing changes
            case OrderStatus.Pending or OrderStatus.Unknown:
                await MoveAsync(OrderStatus.Succeeded, o => o with
                {
                    PaidAtMs = (notice.PaidAt ?? clock.GetUtcNow()).ToUnixTimeMilliseconds(),
                    ChannelTradeNo = notice.ChannelTradeNo ?? o.ChannelTradeNo,
                });
                return CallbackOutcome.Ok;
        }

        // Paid, says the callback; closed or failed, says the order. Ask the channel which is true.
        var truth = await QueryChannelAsync();
        if (truth.State == ChannelTradeState.Succeeded)
        {
            // Money was taken for an order that is final here. States never go back: an operator refunds.
            var filed = await review.RecordAsync(ReviewKinds.Contradiction, s.Channel, s.AccountId, s.OrderId, "PAID_AFTER_FINAL",
                $"The channel confirms payment of an order that is {s.Status}. Refund required.", null);
            return filed ? CallbackOutcome.Ok : ReviewItemNotFiled();
        }
        return CallbackOutcome.Reject("CONTRADICTED_BY_CHANNEL", $"The callback reports payment but the channel's query says {truth.State}.");
    }

    /// <summary>
    /// The answer to a callback whose review item could not be written. The item is the only prompt record that money
    /// moved on a final record, so the callback is not acknowledged: the channel sends it again and the item is filed then.
    /// </summary>
    private static CallbackOutcome ReviewItemNotFiled() =>
        CallbackOutcome.Reject("REVIEW_ITEM_NOT_FILED", "The review item this callback calls for could not be written; the callback must be sent again.");
}
