using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;
using PayGateway.Tests.Reliability;

namespace PayGateway.Tests.Refunds;

/// <summary>
/// A refund and a transfer end to end over HTTP on WeChat Pay: the gateway's API and grains, the WeChat Pay adapter,
/// the simulator's v3 refund and batch transfer endpoints, the REFUND.SUCCESS notification and supervision.
/// </summary>
public sealed class WeChatPayFundsTests(WeChatPayFixture fixture) : IClassFixture<WeChatPayFixture>
{
    private const string MchId = WeChatPayFixture.MchId;

    private readonly MerchantClient _merchant = fixture.WeChatMerchant();

    [Fact]
    public async Task Refund_AcceptedByWeChat_IsCompletedByItsNotification()
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", fixture.NewWeChatOrder("wx-refund-e2e", amount: 2500)));
        var orderId = (string)created["order_id"]!;
        fixture.Simulator.Pay(orderId, MchId);
        await Eventually.HoldsAsync(() => OrderAsync(orderId), o => (string?)o["status"] == "succeeded", "order paid");

        var response = await _merchant.PostJsonAsync($"/v1/orders/{orderId}/refunds", new { out_refund_no = $"wxr-{Guid.NewGuid():N}", amount = 1000, reason = "退货" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refund = await MerchantClient.JsonAsync(response);
        var refundId = (string)refund["refund_id"]!;
        var done = await Eventually.HoldsAsync(
            async () => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/refunds/{refundId}")), r => (string?)r["status"] == "succeeded", "refund succeeded");
        var atWeChat = fixture.Simulator.WeChatPay.FindRefund(MchId, refundId)!;
        Assert.Equal(atWeChat.RefundId, (string?)done["channel_refund_no"]);
        Assert.Equal("退货", atWeChat.Reason);
        // The gateway verified and acknowledged WeChat's REFUND.SUCCESS notification.
        var notified = await fixture.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.TradeNo == refundId, TimeSpan.FromSeconds(10));
        Assert.Equal((200, "ACK"), (notified.ResponseStatus, notified.Result));
        Assert.Equal(1000, Assert.Single(fixture.Simulator.Records, r => r.Kind == RecordKind.Refunded && r.TradeNo == refundId).Amount);
        Assert.Equal(1000, (long)(await OrderAsync(orderId))["refunded_amount"]!);
    }

    [Fact]
    public async Task Transfer_ToAnOpenId_IsAcceptedThenSucceedsOnceWithTheNameDecryptedAtWeChat()
    {
        var response = await _merchant.PostJsonAsync("/v1/transfers", new
        {
            out_transfer_no = $"wxt-{Guid.NewGuid():N}",
            channel = "wechatpay",
            payee = new { type = "wechat_openid", account = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", name = "张三" },
            amount = 5000,
            currency = "CNY",
            remark = "佣金",
            notify_url = new Uri(fixture.Webhooks.Url, "wx-transfer-e2e").ToString(),
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var transferId = (string)(await MerchantClient.JsonAsync(response))["transfer_id"]!;
        var done = await Eventually.HoldsAsync(
            async () => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/transfers/{transferId}")), t => (string?)t["status"] == "succeeded", "transfer succeeded");
        var batch = fixture.Simulator.WeChatPay.FindTransfer(MchId, transferId)!;
        Assert.Equal(batch.BatchId, (string?)done["channel_transfer_no"]);
        Assert.Equal("张三", Assert.Single(batch.Details).UserName);
        Assert.Equal(5000, Assert.Single(fixture.Simulator.Records, r => r.Kind == RecordKind.Transferred && r.OutTradeNo == transferId).Amount);
    }

    private async Task<JsonObject> OrderAsync(string id) => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/orders/{id}"));
}
