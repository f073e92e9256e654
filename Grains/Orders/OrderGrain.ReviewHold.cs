using PayGateway.Callbacks;
using PayGateway.Channels;

namespace PayGateway.Orders;

public sealed partial class OrderGrain
{
    private const string AmountMismatch = "AMOUNT_MISMATCH";

    /// <summary>
    /// The channel reports the order paid with another amount or currency. That is not this order's payment, so the
    /// order is not settled; but money was taken, so it must not be closed or failed either. It is held for an
    /// operator: one review item per answer (the same answer again, from supervision, a sync or reconciliation, files
    /// nothing), and supervision stops closing it and only watches, slowly, for the channel's answer to change.
    /// </summary>
    private async Task HoldForReviewAsync(ChannelQueryResult truth)
    {
        var s = state.State;
        if (s.ReviewHold is { } held && held.ReportedAmount == truth.Amount && held.ReportedCurrency == truth.Currency)
        {
            return;
        }
        // Filed before the hold is written, unlike other side effects: a hold without its item would keep the order
        // quiet with nobody told. A crash in between files the same answer once more on the next look, the lesser
        // harm; an item that could not be written leaves the order unheld, so the next look files it again.
        var filed = await review.RecordAsync(ReviewKinds.Query, s.Channel, s.AccountId, s.OrderId, AmountMismatch,
            $"Channel reports paid {truth.Amount} {truth.Currency}; order is {s.Amount} {s.Currency}. Order held open for review: not settled, not closed.", null);
        if (filed)
        {
            await MoveAsync(s.StatusValue, o => o with { ReviewHold = new StoredReviewHold(AmountMismatch, truth.Amount, truth.Currency, NowMs) });
        }
    }

    /// <summary>When a held order is next asked about: after the slowest step of the supervision schedule.</summary>
    private long HeldRecheckAtMs => NowMs + (long)supervision.Value.CheckDelays[^1].TotalMilliseconds;
}
