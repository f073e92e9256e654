namespace PayGateway;

/// <summary>
/// Gateway refund ids: the order id, <c>R</c>, and the refund's number on that order in three digits, e.g.
/// <c>20261126125300123AA01000AR001</c>. The id names its order, so a refund is found (and its home datacenter
/// known) without a lookup, and it is what the channel receives as its refund request number.
/// </summary>
public static class RefundId
{
    public const int Length = OrderId.Length + 4;
    public const int MaxPerOrder = 999;

    public static string For(string orderId, int number) =>
        number is >= 1 and <= MaxPerOrder
            ? $"{orderId}R{number:D3}"
            : throw new ArgumentOutOfRangeException(nameof(number), number, "A refund number is 1-999.");

    /// <summary>True for a well-formed refund id; <paramref name="orderId"/> is then the order it belongs to.</summary>
    public static bool TryParse(string? refundId, out string orderId)
    {
        orderId = "";
        if (refundId is null || refundId.Length != Length || refundId[OrderId.Length] != 'R')
        {
            return false;
        }
        var order = refundId[..OrderId.Length];
        var digits = refundId.AsSpan(OrderId.Length + 1);
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        if (!OrderId.IsValid(order) || digits.SequenceEqual("000"))
        {
            return false;
        }
        orderId = order;
        return true;
    }
}
