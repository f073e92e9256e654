using System.Net;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reconciliation;

/// <summary>
/// A UnionPay payment whose backUrl notification was lost, made good later through a query (reconciliation's, or
/// supervision's if it asks first): the order is dated by UnionPay's own time of the payment (traceTime), so it stays
/// on the statement day whose file lists it. Its own fixture: the order is a line of today's file, which the other
/// UnionPay reconciliation test counts.
/// </summary>
public sealed class UnionPayHealingTests(UnionPayFixture fixture) : IClassFixture<UnionPayFixture>
{
    private readonly MerchantClient _merchant = fixture.UnionPayMerchant();

    private static DateOnly ClearingDay(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(9)).DateTime);

    [Fact]
    public async Task NotificationLost_HealedLater_OrderIsDatedByUnionPaysTimeNotTheHealing()
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", new
        {
            out_trade_no = $"heal-{Guid.NewGuid():N}",
            amount = 1800,
            currency = "CNY",
            subject = "对账测试",
            method = "APP",
            notify_url = "http://127.0.0.1:9/unreachable",
        }));
        var id = (string)created["order_id"]!;
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { SuppressCallbacks = true });
        fixture.Simulator.Pay(id);
        var paid = fixture.Simulator.FindTrade(id)!.PaidAt!.Value;
        // traceTime carries whole seconds, in Beijing time.
        var channelPaidAt = paid.AddTicks(-(paid.Ticks % TimeSpan.TicksPerSecond));
        // Healed well after the payment: an order dated by the gateway's clock would be at least this much later.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        using var admin = fixture.OperatorClient();
        var path = $"/admin/v1/reconciliations/unionpay/{UnionPayFixture.AccountId}/{ClearingDay(paid):yyyy-MM-dd}";
        var response = await admin.PostAsync(path, null);
        var report = await MerchantClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK && (string?)report["status"] == "completed", report.ToJsonString());
        var order = await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/orders/{id}"));
        var rerun = await MerchantClient.JsonAsync(await admin.PostAsync(path, null));

        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Equal(channelPaidAt, order["paid_at"]!.GetValue<DateTimeOffset>());
        // Healed by this run, unless supervision's query got there first; either way nothing is left open about it.
        Assert.All(report["items"]!.AsArray().Where(i => (string?)i!["order_id"] == id), i => Assert.Equal("healed", (string?)i!["action"]));
        Assert.DoesNotContain(rerun["items"]!.AsArray(), i => (string?)i!["order_id"] == id && (string?)i["action"] == "reported");
    }
}
