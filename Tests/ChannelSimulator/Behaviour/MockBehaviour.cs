namespace PayGateway.ChannelSimulator.Behaviour;

/// <summary>Behaviour fields only the mock protocol honours (see docs/channels/mock.md).</summary>
public sealed partial record SimulatorBehaviour
{
    /// <summary>
    /// Mock refunds: answer PROCESSING, then become SUCCEEDED after <see cref="AsyncRefundDelayMs"/> and send a
    /// refund callback to the refund's notify_url.
    /// </summary>
    public bool AsyncRefund { get; init; }

    /// <summary>How long an <see cref="AsyncRefund"/> stays PROCESSING; 0 or less means 200 ms.</summary>
    public int AsyncRefundDelayMs { get; init; }

    /// <summary>
    /// Mock deductions: answer PENDING ("processing"), then become SUCCEEDED after <see cref="AsyncDeductionDelayMs"/>
    /// and send a normal payment callback to the deduction's notify_url.
    /// </summary>
    public bool AsyncDeduction { get; init; }

    /// <summary>How long an <see cref="AsyncDeduction"/> stays PENDING; 0 or less means 200 ms.</summary>
    public int AsyncDeductionDelayMs { get; init; }

    /// <summary>
    /// Mock payment queries: answer a paid trade with amount + 1, correctly signed, as a channel whose record of the
    /// payment disagrees with the order's amount would. This tests the gateway's own amount check on queries.
    /// </summary>
    public bool TamperQueryAmount { get; init; }
}
