using PayGateway.Reliability;

namespace PayGateway.Tests.Reliability;

/// <summary>
/// The checker against hand-made data: a clean world passes, and each kind of damage is reported under the right
/// invariant with the order it concerns. (A checker that cannot fail proves nothing.)
/// </summary>
public sealed class InvariantCheckerTests
{
    private const string Merchant = "sim-m";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);
    private static readonly CheckOptions Options = new()
    {
        ChannelMerchantByAccount = new Dictionary<string, string> { ["mock/acc"] = Merchant },
        WebhookUrlPrefix = "http://hooks/",
    };

    private static string EventBody(string orderId, int n, string status, long amount = 100) =>
        $$$"""{"id":"evt_{{{orderId}}}_{{{n}}}","type":"order.{{{status}}}","created":1,"order":{"order_id":"{{{orderId}}}","status":"{{{status}}}","amount":{{{amount}}}}}""";

    private static StoredNotificationRecord Event(string orderId, string status, string delivery = "delivered", int n = 1) =>
        new($"evt_{orderId}_{n}", $"order.{status}", EventBody(orderId, n, status), delivery, 1, delivery == "pending" ? Now.ToUnixTimeMilliseconds() : null);

    private static StoredOrder Order(string id, string status, long amount = 100, int version = 3, long? nextSupervision = null,
        long? nextCheck = null, IReadOnlyList<StoredNotificationRecord>? events = null, string outTradeNo = "") =>
        new(id, version, id, "app", outTradeNo == "" ? "out-" + id : outTradeNo, status, amount, "CNY", "mock", "acc", "http://hooks/x",
            nextSupervision, nextCheck ?? nextSupervision, events ?? (InvariantChecker.IsFinal(status) ? [Event(id, status)] : []), null);

    private static ProjectedOrder Row(StoredOrder o) =>
        new(o.OrderId!, o.AppId!, o.OutTradeNo!, o.Status!, o.Amount, o.Currency!, o.Channel!, o.AccountId!,
            o.NextCheckAtMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null, o.Version);

    private static ChannelRecord Charge(string id, long amount = 100, string merchant = Merchant) => new("charge", merchant, id, amount, "CNY", 0, "SUCCEEDED");

    private static WebhookDelivery Delivered(StoredNotificationRecord n, int status = 200) => new(n.EventId, n.Body, status);

    private static CheckInput World(IReadOnlyList<StoredOrder> orders, IReadOnlyList<ChannelRecord>? channel = null,
        IReadOnlyList<WebhookDelivery>? webhooks = null, IReadOnlyList<ProjectedOrder>? projection = null) => new()
        {
            Gateway = new GatewaySnapshot(Now, projection ?? [.. orders.Select(Row)], orders, []),
            Channel = channel ?? [],
            Webhooks = webhooks ?? [.. orders.SelectMany(o => o.Notifications).Where(n => n.Status == "delivered").Select(n => Delivered(n))],
        };

    private static readonly StoredOrder Paid = Order("O1", "succeeded", 100);
    private static readonly StoredOrder Closed = Order("O2", "closed", 50);
    private static readonly StoredOrder Open = Order("O3", "pending", 70, nextSupervision: Now.ToUnixTimeMilliseconds() + 1000);

    private static Violation Single(InvariantReport report, string invariant, string orderId)
    {
        Assert.False(report.Passed, "the damage was not detected");
        Assert.Contains(report.Violations, x => x.Invariant == invariant && x.OrderId == orderId);
        return report.Violations.First(x => x.Invariant == invariant && x.OrderId == orderId);
    }

    [Fact]
    public void CleanWorld_Passes_WithFigures()
    {
        var report = InvariantChecker.Check(World([Paid, Closed, Open], [Charge("O1")]), Options);

        Assert.True(report.Passed, report.Format());
        Assert.Equal(3, report.Figure("orders"));
        Assert.Equal(1, report.Figure("channel.charges"));
        Assert.Equal(100, report.Figure($"paid.gateway.{Merchant}"));
        Assert.Equal(2, report.Figure("notifications.delivered"));
    }

    [Fact]
    public void I1_OpenOrderWithoutSupervision_IsReported()
    {
        var stuck = Order("O4", "unknown");

        var report = InvariantChecker.Check(World([Paid, stuck], [Charge("O1")]), Options);

        Assert.Contains("no supervision scheduled", Single(report, "I1", "O4").Seen);
    }

    [Fact]
    public void I1_ProjectionThatDisagreesWithState_OrIsMissing_IsReported()
    {
        var rows = new[] { Row(Paid) with { Status = "pending" } };

        var report = InvariantChecker.Check(World([Paid, Closed], [Charge("O1")], projection: rows), Options);

        Assert.Contains("status state=succeeded row=pending", Single(report, "I1", "O1").Seen);
        Assert.Contains("no paygw_order row", Single(report, "I1", "O2").Seen);
    }

    [Fact]
    public void I1_OverdueSupervisionAndUnsettledRun_AreReportedWhenAsked()
    {
        var late = Order("O5", "pending", nextSupervision: Now.ToUnixTimeMilliseconds() - 600_000);

        var report = InvariantChecker.Check(World([late]), Options with { MaxOverdue = TimeSpan.FromMinutes(1), RequireFinal = true });

        Assert.Contains(report.Violations, x => x.Seen.Contains("overdue", StringComparison.Ordinal));
        Assert.Contains(report.Violations, x => x.Seen.Contains("after the run settled", StringComparison.Ordinal));
    }

    [Fact]
    public void I1_UnreadableStoredState_IsReported()
    {
        var broken = new StoredOrder("O9", 1, null, null, null, null, 0, null, null, null, null, null, null, [], "'x' is an invalid start of a value");

        var report = InvariantChecker.Check(World([broken], projection: []), Options);

        Assert.Contains("cannot be read", Single(report, "I1", "O9").Seen);
    }

    [Fact]
    public void I2_DoubleCharge_AndChargeForUnknownOrder_AreReported()
    {
        var report = InvariantChecker.Check(World([Paid], [Charge("O1"), Charge("O1"), Charge("GHOST", 5)]), Options);

        Assert.Contains("charged 2 times", Single(report, "I2", "O1").Seen);
        Assert.Contains("no such order", Single(report, "I2", "GHOST").Seen);
        Assert.Equal(1, report.Figure("channel.duplicate_charges"));
    }

    [Fact]
    public void I2_TwoOrdersForOneOutTradeNo_IsReported()
    {
        var twin = Order("O7", "closed", outTradeNo: Paid.OutTradeNo!);

        var report = InvariantChecker.Check(World([Paid, twin], [Charge("O1")]), Options);

        Assert.Contains(report.Violations, x => x.Invariant == "I2" && x.Seen.Contains("2 orders for app/out-O1", StringComparison.Ordinal));
    }

    [Fact]
    public void I3_SucceededWithoutCharge_ChargedButClosed_AndAmountMismatch_AreReported()
    {
        var report = InvariantChecker.Check(World([Paid, Closed, Order("O6", "succeeded", 30)], [Charge("O2", 50), Charge("O6", 31)]), Options);

        Assert.Contains("no charge", Single(report, "I3", "O1").Seen);
        Assert.Contains("closed but charged", Single(report, "I3", "O2").Seen);
        Assert.Contains("charged 31 CNY", Single(report, "I3", "O6").Seen);
        Assert.Contains(report.Violations, x => x.Invariant == "I3" && x.OrderId is null && x.Seen.Contains($"merchant {Merchant}", StringComparison.Ordinal));
    }

    [Fact]
    public void I4_FinalWithoutNotification_IsReported()
    {
        var silent = Order("O1", "succeeded", events: []);

        var report = InvariantChecker.Check(World([silent], [Charge("O1")]), Options);

        Assert.Contains("no merchant notification", Single(report, "I4", "O1").Seen);
    }

    [Fact]
    public void I4_DuplicateDeliveryWithDifferentBody_IsReported()
    {
        var n = Paid.Notifications[0];

        var report = InvariantChecker.Check(World([Paid], [Charge("O1")], [Delivered(n), new WebhookDelivery(n.EventId, n.Body.Replace("100", "101", StringComparison.Ordinal), 200)]), Options);

        Assert.Contains("2 different bodies", Single(report, "I4", "O1").Seen);
    }

    [Fact]
    public void I4_DeliveredButNeverAcknowledged_FailedAndUnscheduled_AreReported()
    {
        var failed = Order("O2", "closed", 50, events: [Event("O2", "closed", "failed")]);
        var unscheduled = Order("O8", "closed", 50, events: [Event("O8", "closed", "pending") with { NextAttemptAtMs = null }]);

        var report = InvariantChecker.Check(World([Paid, failed, unscheduled], [Charge("O1")], webhooks: []), Options);

        Assert.Contains("never acknowledged", Single(report, "I4", "O1").Seen);
        Assert.Contains("failed after", Single(report, "I4", "O2").Seen);
        Assert.Contains("no attempt scheduled", Single(report, "I4", "O8").Seen);
        Assert.DoesNotContain(InvariantChecker.Check(World([failed]), Options with { AllowFailedNotifications = true }).Violations, x => x.OrderId == "O2");
    }

    [Fact]
    public void I5_LeavingFinalState_BetweenSnapshots_AndInEvents_IsReported()
    {
        var earlier = new GatewaySnapshot(Now.AddSeconds(-10), [], [Order("O2", "closed", 50, version: 5)], []);
        var reopened = Order("O2", "succeeded", 50, version: 4, events: [Event("O2", "closed"), Event("O2", "succeeded", n: 2)]);

        var report = InvariantChecker.Check(World([reopened], [Charge("O2", 50)]) with { History = [earlier] }, Options);

        var seen = report.Violations.Where(x => x.Invariant == "I5" && x.OrderId == "O2").Select(x => x.Seen).ToList();
        Assert.Contains(seen, s => s.Contains("left a final state", StringComparison.Ordinal) && s.Contains("was closed", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Contains("version went back", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.Contains("order.closed then order.succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public void I6_CallerToldOfAnOrderThatIsNotStored_OrOfTwoIds_IsReported()
    {
        var callers = new[]
        {
            new CallerObservation("app", "out-O1", 200, "O1", "pending", null),
            new CallerObservation("app", "out-O1", 200, "OX", "pending", null),
            new CallerObservation("app", "lost-key", 503, null, null, "SERVICE_UNAVAILABLE"),
            new CallerObservation("app", "lost-key", 200, "LOST", "pending", null),
        };

        var report = InvariantChecker.Check(World([Paid], [Charge("O1")]) with { Callers = callers }, Options);

        Assert.Contains("2 different order ids", Single(report, "I6", "O1").Seen);
        Assert.Contains("lost", Single(report, "I6", "LOST").Seen);
        Assert.Equal(1, report.Figure("callers.lost_orders"));
    }

    [Fact]
    public void I5_CallerSawAFinalStatusTheOrderNoLongerHas_IsReported()
    {
        var callers = new[] { new CallerObservation("app", "out-O2", 200, "O2", "succeeded", null) };

        var report = InvariantChecker.Check(World([Closed]) with { Callers = callers }, Options);

        Assert.Contains("callers saw succeeded", Single(report, "I5", "O2").Seen);
    }

    [Fact]
    public void Report_NamesEveryViolationWithItsOrder()
    {
        var report = InvariantChecker.Check(World([Order("O4", "unknown")], [Charge("O1"), Charge("O1")]), Options);

        var text = report.Format();
        Assert.Contains("I1: 1 violation(s)", text, StringComparison.Ordinal);
        Assert.Contains("order O4:", text, StringComparison.Ordinal);
        Assert.Contains("I2:", text, StringComparison.Ordinal);
        Assert.Contains("order O1: charged 2 times", text, StringComparison.Ordinal);
    }

    [Fact]
    public void StoredOrderJson_ReadsTheStorageContractFieldNames()
    {
        var json = """{"order_id":"O1","app_id":"a","out_trade_no":"t","status":"succeeded","amount":5,"currency":"CNY","channel":"mock","account_id":"acc","notify_url":"http://h/","next_supervision_at_ms":null,"next_check_at_ms":12,"notifications":[{"event_id":"evt_O1_1","type":"order.succeeded","body":"{}","status":"pending","attempts":2,"next_attempt_at_ms":12}],"a_future_field":{"x":1}}"""u8.ToArray();

        var order = StoredOrderJson.Parse("O1", 7, json);

        Assert.Null(order.ParseError);
        Assert.Equal(("O1", "succeeded", 5L, 12L, 7), (order.OrderId, order.Status, order.Amount, order.NextCheckAtMs!.Value, order.Version));
        Assert.Equal(("evt_O1_1", "pending", 2, 12L), (order.Notifications[0].EventId, order.Notifications[0].Status, order.Notifications[0].Attempts, order.Notifications[0].NextAttemptAtMs!.Value));
        Assert.NotNull(StoredOrderJson.Parse("O1", 1, "not json"u8.ToArray()).ParseError);
    }
}
