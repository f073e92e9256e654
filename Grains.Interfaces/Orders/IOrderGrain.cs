namespace PayGateway;

/// <summary>
/// One payment order, keyed by its gateway order id. The single writer of that order's state: every change to
/// the order goes through here, one call at a time.
/// </summary>
public interface IOrderGrain : IGrainWithStringKey
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
}
