using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reconciliation;

/// <summary>
/// The payment fixture with supervision slowed to ten minutes: drift a test injects (a missed callback, a refund whose
/// answer was lost) must still be there when reconciliation runs, not quietly fixed by a supervision query first.
/// </summary>
public sealed class ReconciliationFixture : PaymentFixture
{
    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Gateway:Supervision:CheckDelays:0"] = "00:10:00",
        ["Gateway:Supervision:CheckDelays:1"] = "00:10:00",
    };
}
