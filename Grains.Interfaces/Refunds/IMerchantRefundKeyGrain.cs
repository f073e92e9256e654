namespace PayGateway;

/// <summary>
/// The (app_id, out_refund_no) → order index, keyed <c>{app_id}:{out_refund_no}</c>. out_refund_no is unique per
/// app (as WeChat Pay's is per merchant): the first request fixes the order and the request's fingerprint, repeats
/// reach the same refund, a different request with the same number is refused, and concurrent duplicates queue here.
/// </summary>
public interface IMerchantRefundKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the refund for this out_refund_no, or returns the one an identical earlier request created.</summary>
    Task<RefundResult> RefundAsync(CreateRefundCommand command);

    /// <summary>The order the refund with this out_refund_no belongs to, if any.</summary>
    Task<string?> GetOrderIdAsync();
}

public static class MerchantRefundKey
{
    /// <summary>App ids and out_refund_nos are restricted to [A-Za-z0-9_-], so ':' cannot occur inside either.</summary>
    public static string For(string appId, string outRefundNo) => $"{appId}:{outRefundNo}";
}
