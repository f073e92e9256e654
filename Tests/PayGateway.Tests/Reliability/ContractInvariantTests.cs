using PayGateway.Reliability;

namespace PayGateway.Tests.Reliability;

/// <summary>The contract checks against hand-made data: a healthy contract passes; each kind of damage is reported under its invariant.</summary>
public sealed class ContractInvariantTests
{
    private const string ContractId = "C20261127000000000AA01001";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);
    private static readonly long Later = Now.ToUnixTimeMilliseconds() + 60_000;

    private static StoredNotificationRecord Event(string status) =>
        new($"evt_{ContractId}_1", $"contract.{status}", "{}", "delivered", 1, null);

    private static StoredDeductionRecord Deduction(int period, int attempt, string status, string orderId) =>
        new(period, attempt, $"{ContractId}-{period}-{attempt}", orderId, status);

    private static StoredContract Contract(string status = "active", int succeeded = 1, long? nextAction = null, params StoredDeductionRecord[] deductions) =>
        new(ContractId, status, null, succeeded, nextAction, nextAction, deductions, [Event(status)]);

    private static StoredOrder Order(string id, string status) =>
        new(id, 3, id, "app", "out-" + id, status, 100, "CNY", "mock", "acc", "http://hooks/x", null, null,
            [new($"evt_{id}_1", $"order.{status}", $$$"""{"id":"evt_{{{id}}}_1","type":"order.{{{status}}}","order":{"order_id":"{{{id}}}","status":"{{{status}}}","amount":100}}""", "delivered", 1, null)], null);

    private static InvariantReport Check(StoredContract contract, IReadOnlyList<StoredOrder> orders, IReadOnlyList<ChannelRecord>? charges = null)
    {
        var projection = orders.Select(o => new ProjectedOrder(o.OrderId!, o.AppId!, o.OutTradeNo!, o.Status!, o.Amount, o.Currency!, o.Channel!, o.AccountId!, null, o.Version)).ToList();
        var input = new CheckInput
        {
            Gateway = new GatewaySnapshot(Now, projection, orders, [], Contracts: [contract]),
            Channel = charges ?? [.. orders.Where(o => o.Status == "succeeded").Select(o => new ChannelRecord("charge", "sim-m", o.OrderId, 100, "CNY", 0, "SUCCEEDED"))],
            Webhooks = [.. orders.SelectMany(o => o.Notifications).Select(n => new WebhookDelivery(n.EventId, n.Body, 200))],
        };
        return InvariantChecker.Check(input, new CheckOptions
        {
            ChannelMerchantByAccount = new Dictionary<string, string> { ["mock/acc"] = "sim-m" },
            WebhookUrlPrefix = "http://hooks/",
        });
    }

    [Fact]
    public void HealthyContract_WithARetriedPeriod_Passes()
    {
        var report = Check(Contract(nextAction: Later, deductions: [Deduction(1, 1, "failed", "D1"), Deduction(1, 2, "succeeded", "D2")]),
            [Order("D1", "failed"), Order("D2", "succeeded")]);

        Assert.True(report.Passed, report.Format());
        Assert.Equal(1, report.Figure("contracts"));
    }

    [Fact]
    public void ActiveContractWithNothingScheduled_IsI1()
    {
        var report = Check(Contract(nextAction: null, deductions: [Deduction(1, 1, "succeeded", "D1")]), [Order("D1", "succeeded")]);

        Assert.Contains(report.Violations, x => x.Invariant == "I1" && x.OrderId == ContractId);
    }

    [Fact]
    public void PeriodChargedTwice_IsI2()
    {
        var report = Check(Contract(succeeded: 2, nextAction: Later, deductions: [Deduction(1, 1, "succeeded", "D1"), Deduction(1, 2, "succeeded", "D2")]),
            [Order("D1", "succeeded"), Order("D2", "succeeded")]);

        Assert.Contains(report.Violations, x => x.Invariant == "I2" && x.OrderId == ContractId && x.Seen.Contains("period 1", StringComparison.Ordinal));
    }

    [Fact]
    public void DeductionThatDisagreesWithItsOrder_OrACountThatDoesNotAddUp_IsI3()
    {
        var disagrees = Check(Contract(nextAction: Later, deductions: [Deduction(1, 1, "succeeded", "D1")]), [Order("D1", "failed")]);
        var miscounted = Check(Contract(succeeded: 2, nextAction: Later, deductions: [Deduction(1, 1, "succeeded", "D1")]), [Order("D1", "succeeded")]);

        Assert.Contains(disagrees.Violations, x => x.Invariant == "I3" && x.Seen.Contains("its order D1 is failed", StringComparison.Ordinal));
        Assert.Contains(miscounted.Violations, x => x.Invariant == "I3" && x.Seen.Contains("counts 2", StringComparison.Ordinal));
    }

    [Fact]
    public void TerminatedContractWithoutItsNotification_IsI4()
    {
        var silent = Contract(status: "terminated", succeeded: 0) with { Notifications = [] };

        var report = Check(silent, []);

        Assert.Contains(report.Violations, x => x.Invariant == "I4" && x.OrderId == ContractId);
    }
}
