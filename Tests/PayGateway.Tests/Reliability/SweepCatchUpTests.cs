using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Reliability;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reliability;

/// <summary>
/// Scenarios 12 and 14 in-process: payments that happen while no silo runs (callbacks lost, every supervision
/// tick missed) are caught by the sweep after a full cluster restart; doubled sweeps and wake-ups afterwards are
/// no-ops (no write, no second notification). Its own fixture: the API host is not used after the restart.
/// </summary>
public sealed class SweepCatchUpTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    [Fact]
    public async Task PaymentsDuringAnOutage_AreCaughtBySweepAfterRestart_AndDuplicateTicksAreNoOps()
    {
        var merchant = fixture.HmacMerchant();
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var created = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", fixture.NewOrderWithWebhook("catchup", amount: 500 + i)));
            var id = (string)created["order_id"]!;
            fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { SuppressCallbacks = true });
            ids.Add(id);
        }
        var paid = ids.Take(6).ToList();

        // Every silo goes away; the payers pay meanwhile; no callback reaches the gateway; every tick is missed.
        await fixture.Cluster.StopAllSilosAsync();
        foreach (var id in paid)
        {
            fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        }
        await fixture.RestartClusterAsync();
        var grains = fixture.Cluster.Client;

        foreach (var id in paid)
        {
            await Eventually.HoldsAsync(() => grains.GetGrain<IOrderGrain>(id).GetAsync(), o => o?.Status == OrderStatus.Succeeded,
                $"{id} found paid by the sweep after the restart", TimeSpan.FromSeconds(45));
        }
        await fixture.Webhooks.WaitForAsync("catchup", d => d.Where(x => x.AnsweredWith == 200).Select(x => x.EventId).Distinct().Count() == paid.Count, TimeSpan.FromSeconds(30));
        var settled = await GatewayStateReader.ReadAsync(fixture.Database.ConnectionString, fixture.ServiceId);

        // Doubled and concurrent ticks: every shard swept several times at once, every order woken several times.
        await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => Enumerable.Range(0, 2).Select(shard => grains.GetGrain<ISupervisorGrain>(shard).SweepAsync())));
        await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(0, 4).Select(_ => grains.GetGrain<IOrderGrain>(id).WakeAsync())));

        var after = await GatewayStateReader.ReadAsync(fixture.Database.ConnectionString, fixture.ServiceId);
        foreach (var id in paid)
        {
            var was = settled.Orders.Single(o => o.OrderId == id);
            var now = after.Orders.Single(o => o.OrderId == id);
            Assert.True(was.Version == now.Version, $"{id}: a doubled tick wrote the final order again ({was.Version} → {now.Version})");
            Assert.Single(now.Notifications);
            Assert.Equal(1, fixture.Simulator.ChargeCount(id, PaymentFixture.MockMerchantId));
        }
        foreach (var id in ids.Skip(6))
        {
            Assert.Equal("pending", after.Orders.Single(o => o.OrderId == id).Status);
        }
        var report = InvariantChecker.Check(new CheckInput
        {
            Gateway = after,
            History = [settled],
            Channel = ReliabilityCheck.ChannelRecords(fixture.Simulator),
            Webhooks = ReliabilityCheck.Webhooks(fixture.Webhooks),
        }, ReliabilityCheck.OptionsFor(fixture));
        Assert.True(report.Passed, report.Format());
    }
}
