namespace PayGateway;

/// <summary>Where a recurring-payment contract stands.</summary>
public enum ContractStatus
{
    /// <summary>Recorded; the payer has not signed yet (or the channel has not said so).</summary>
    Signing = 0,
    /// <summary>Signed and in force: the gateway charges it every period.</summary>
    Active = 1,
    /// <summary>Ended after it was signed (by the payer, the merchant or the channel). Final.</summary>
    Terminated = 2,
    /// <summary>Never signed: the sign window passed, or the channel refused to start it. Final.</summary>
    Closed = 3,
}

public static class ContractStatusRules
{
    public static bool IsFinal(this ContractStatus status) => status is ContractStatus.Terminated or ContractStatus.Closed;

    /// <summary>
    /// One-way moves: signing → active | closed | terminated, active → terminated; a final state never changes.
    /// Staying put is allowed (a write that only records progress). A contract that was never active can still be
    /// reported terminated (signed and ended between two checks).
    /// </summary>
    public static bool CanMove(this ContractStatus from, ContractStatus to) => from == to || from switch
    {
        ContractStatus.Signing => to is ContractStatus.Active or ContractStatus.Closed or ContractStatus.Terminated,
        ContractStatus.Active => to is ContractStatus.Terminated,
        _ => false,
    };

    public static string ToWire(this ContractStatus status) => status switch
    {
        ContractStatus.Signing => "signing",
        ContractStatus.Active => "active",
        ContractStatus.Terminated => "terminated",
        ContractStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static ContractStatus FromWire(string wire) => wire switch
    {
        "signing" => ContractStatus.Signing,
        "active" => ContractStatus.Active,
        "terminated" => ContractStatus.Terminated,
        "closed" => ContractStatus.Closed,
        _ => throw new ArgumentOutOfRangeException(nameof(wire), wire, "Unknown contract status."),
    };
}

/// <summary>The period units a contract can be charged by (Alipay's <c>period_type</c>).</summary>
public static class ContractPeriodUnits
{
    public const string Day = "DAY";
    public const string Month = "MONTH";

    public static bool IsValid(string? unit) => unit is Day or Month;
}
