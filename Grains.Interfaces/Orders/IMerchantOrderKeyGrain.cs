namespace PayGateway;

/// <summary>
/// The (app_id, out_trade_no) → order id index, keyed <c>{app_id}:{out_trade_no}</c>. It makes order creation
/// idempotent: the first request fixes the order id and the request's fingerprint; repeats are routed to that
/// order; a different request with the same out_trade_no is refused.
/// </summary>
public interface IMerchantOrderKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the order for this out_trade_no, or returns the one a previous identical request created.</summary>
    Task<OrderResult> CreateOrderAsync(CreateOrderCommand command);

    /// <summary>The order id assigned to this out_trade_no, if any.</summary>
    Task<string?> GetOrderIdAsync();
}

public static class MerchantOrderKey
{
    /// <summary>App ids and out_trade_nos are restricted to [A-Za-z0-9_-], so ':' cannot occur inside either.</summary>
    public static string For(string appId, string outTradeNo) => $"{appId}:{outTradeNo}";
}
