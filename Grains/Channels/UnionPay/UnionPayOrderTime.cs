using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// The <c>txnTime</c> of a gateway order. UnionPay identifies a transaction by <c>orderId</c> + <c>txnTime</c>, and a
/// query must repeat both, but <see cref="IPaymentChannel.QueryPaymentAsync"/> receives only the order id. Gateway
/// order ids begin with the UTC instant they were issued (<c>yyyyMMddHHmmssfff</c>, see <see cref="OrderId"/>), so
/// create, query and close all derive the same <c>txnTime</c> from the id: that instant in Beijing time, to the second.
/// </summary>
public static class UnionPayOrderTime
{
    /// <summary>The instant the id was issued; false for anything that is not a gateway order id.</summary>
    public static bool TryGetIssuedAt(string? orderId, [NotNullWhen(true)] out DateTimeOffset? issuedAt)
    {
        issuedAt = null;
        if (!OrderId.IsValid(orderId)
            || !DateTime.TryParseExact(orderId.AsSpan(0, 17), "yyyyMMddHHmmssfff", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            return false;
        }

        issuedAt = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }

    /// <summary>The order's txnTime; false for anything that is not a gateway order id.</summary>
    public static bool TryGetTxnTime(string? orderId, [NotNullWhen(true)] out string? txnTime)
    {
        txnTime = TryGetIssuedAt(orderId, out var issuedAt) ? UnionPayFormats.ToBeijingTime(issuedAt.Value) : null;
        return txnTime is not null;
    }
}
