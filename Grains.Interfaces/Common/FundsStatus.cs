namespace PayGateway;

/// <summary>
/// Where money the gateway sends out stands: a refund or a transfer. Pending and Unknown are open (a refund's amount
/// stays reserved against the order); the other two are final.
/// </summary>
public enum FundsStatus
{
    /// <summary>Recorded, sent to the channel or accepted by it, not yet done.</summary>
    Pending = 0,
    /// <summary>The channel's answer is not known (timeout, transport failure): supervision will ask.</summary>
    Unknown = 1,
    /// <summary>The money reached the payer (refund) or the payee (transfer). Final.</summary>
    Succeeded = 2,
    /// <summary>The channel definitively refused or closed it; no money moved. Final.</summary>
    Failed = 3,
}

/// <summary>The one place that says which refund and transfer status changes are allowed.</summary>
public static class FundsStatusRules
{
    public static bool IsFinal(this FundsStatus status) => status is FundsStatus.Succeeded or FundsStatus.Failed;

    /// <summary>
    /// True while the amount must count as gone: succeeded, or possibly about to be (an unknown outcome may have
    /// happened at the channel). For refunds: what counts against the order's refundable amount.
    /// </summary>
    public static bool HoldsAmount(this FundsStatus status) => status != FundsStatus.Failed;


    public static string ToWire(this FundsStatus status) => status switch
    {
        FundsStatus.Pending => "pending",
        FundsStatus.Unknown => "unknown",
        FundsStatus.Succeeded => "succeeded",
        FundsStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static FundsStatus FromWire(string wire) => wire switch
    {
        "pending" => FundsStatus.Pending,
        "unknown" => FundsStatus.Unknown,
        "succeeded" => FundsStatus.Succeeded,
        "failed" => FundsStatus.Failed,
        _ => throw new FormatException($"Unknown refund status '{wire}'."),
    };
}
