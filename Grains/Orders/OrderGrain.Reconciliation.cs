namespace PayGateway.Orders;

public sealed partial class OrderGrain
{
    public async Task<OrderView?> ReconcileWithChannelAsync()
    {
        if (!state.State.Exists)
        {
            return null;
        }
        if (!state.State.StatusValue.IsFinal())
        {
            // Same path as a merchant's sync: only the channel's verified query answer can move the order.
            await ApplyChannelTruthAsync(await QueryChannelAsync());
        }
        foreach (var refundId in state.State.Refunds.Where(r => !r.StatusValue.IsFinal()).Select(r => r.RefundId).ToList())
        {
            await SuperviseRefundAsync(refundId);
        }
        DispatchNotifications();
        return state.State.ToView();
    }
}
