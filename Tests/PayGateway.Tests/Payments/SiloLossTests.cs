using System.Net;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Payments;

/// <summary>Durability of the notification outbox across the loss of every silo.</summary>
public sealed class SiloLossTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    [Fact]
    public async Task SilosStoppedBetweenCallbackAndNotification_NotificationIsStillDelivered()
    {
        fixture.Webhooks.AnswerWith("outage", 500);
        var merchant = fixture.HmacMerchant();
        var created = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", fixture.NewOrderWithWebhook("outage", amount: 6100)));
        var id = (string)created["order_id"]!;
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await fixture.Webhooks.WaitForAsync("outage", d => d.Count >= 1);

        // The order is succeeded and its event recorded; every silo goes away before it is delivered.
        await fixture.RestartClusterAsync();
        fixture.Webhooks.AnswerWith("outage", 200);

        var deliveries = await fixture.Webhooks.WaitForAsync("outage", d => d.Any(x => x.AnsweredWith == 200), TimeSpan.FromSeconds(60));
        Assert.Single(deliveries.Select(d => d.EventId).Distinct());
        var order = await fixture.Cluster.Client.GetGrain<IOrderGrain>(id).GetAsync();
        Assert.Equal(OrderStatus.Succeeded, order!.Status);
        Assert.Equal("delivered", order.Notifications.Single().Status);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id, PaymentFixture.MockMerchantId));
    }
}

/// <summary>Supervision across the loss of every silo (its own fixture: the API host is not used after the restart).</summary>
public sealed class ClusterRestartSupervisionTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    [Fact]
    public async Task PendingOrderAcrossClusterRestart_IsStillSupervisedToItsOutcome()
    {
        var merchant = fixture.HmacMerchant();
        var created = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 990)));
        var id = (string)created["order_id"]!;
        fixture.Simulator.SetBehaviour(id, new ChannelSimulator.Behaviour.SimulatorBehaviour { SuppressCallbacks = true });

        await fixture.RestartClusterAsync();
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        var order = await Eventually.HoldsAsync(() => fixture.Cluster.Client.GetGrain<IOrderGrain>(id).GetAsync(),
            o => o?.Status == OrderStatus.Succeeded, "supervision finds the payment after the restart", TimeSpan.FromSeconds(30));
        Assert.Equal(990, order!.Amount);
    }
}
