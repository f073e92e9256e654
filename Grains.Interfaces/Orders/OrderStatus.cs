namespace PayGateway;

/// <summary>Where an order stands. Pending and Unknown are open; the other three are final.</summary>
public enum OrderStatus
{
    /// <summary>Created at the channel, awaiting the payer.</summary>
    Pending = 0,
    /// <summary>The channel's answer is not known (timeout, transport failure): supervision will ask.</summary>
    Unknown = 1,
    /// <summary>Paid. Final.</summary>
    Succeeded = 2,
    /// <summary>Closed unpaid (by the merchant, by expiry, or by the channel). Final.</summary>
    Closed = 3,
    /// <summary>The channel definitively refused the payment. Final.</summary>
    Failed = 4,
}

/// <summary>The one place that says which status changes are allowed.</summary>
public static class OrderStatusRules
{
    public static bool IsFinal(this OrderStatus status) =>
        status is OrderStatus.Succeeded or OrderStatus.Closed or OrderStatus.Failed;

    /// <summary>The wire and storage spelling: lower case.</summary>
    public static string ToWire(this OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.Unknown => "unknown",
        OrderStatus.Succeeded => "succeeded",
        OrderStatus.Closed => "closed",
        OrderStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static OrderStatus FromWire(string wire) => wire switch
    {
        "pending" => OrderStatus.Pending,
        "unknown" => OrderStatus.Unknown,
        "succeeded" => OrderStatus.Succeeded,
        "closed" => OrderStatus.Closed,
        "failed" => OrderStatus.Failed,
        _ => throw new FormatException($"Unknown order status '{wire}'."),
    };
}
