using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.WeChatPay;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Payments;

/// <summary>A WeChat Pay notification reaching a gateway that has just restarted and holds no platform certificates (own fixture: it restarts).</summary>
public sealed class WeChatPayRestartTests(WeChatPayFixture fixture) : IClassFixture<WeChatPayFixture>
{
    [Fact]
    public async Task NotificationAfterClusterRestart_NoCertificatesCached_IsAcceptedAtFirstDelivery()
    {
        var merchant = fixture.WeChatMerchant();
        var created = await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", fixture.NewWeChatOrder("wx-restart", amount: 5100)));
        var id = (string)created["order_id"]!;
        Assert.Equal("pending", (string?)created["status"]);

        // Supervision's queries get no answer, so the notification is the first signed message the new silos see.
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { DelayMs = 20_000, Operations = [SimulatorOperation.Query] });
        var downloadsBefore = Downloads();

        // The whole gateway restarts; its new silos have never downloaded WeChat Pay platform certificates.
        await fixture.RestartGatewayAsync();
        fixture.Simulator.Pay(id, WeChatPayFixture.MchId);

        var first = await fixture.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.OutTradeNo == id, TimeSpan.FromSeconds(30));
        Assert.Equal((200, "ACK"), (first.ResponseStatus, first.Result));
        var order = await fixture.Cluster.Client.GetGrain<IOrderGrain>(id).GetAsync();
        Assert.Equal(OrderStatus.Succeeded, order!.Status);
        Assert.Equal(downloadsBefore + 1, Downloads());
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_review_item WHERE channel = 'wechatpay'"));
    }

    private int Downloads() => fixture.Simulator.Records.Count(r => r.Kind == WeChatPayRecordKind.Certificates);
}
