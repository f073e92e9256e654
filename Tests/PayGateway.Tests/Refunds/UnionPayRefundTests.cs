using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Refunds;

/// <summary>
/// UnionPay refunds through the gateway: the order grain sends backTransReq (txnType 04) named by the refund id and
/// the refund's stored creation time (txnTime), and follows the refund notification or, when that is lost, a query
/// that must repeat the same orderId + txnTime.
/// </summary>
public sealed class UnionPayRefundTests(UnionPayFixture fixture) : IClassFixture<UnionPayFixture>
{
    private readonly MerchantClient _merchant = fixture.UnionPayMerchant();

    private async Task<string> PaidOrderAsync(long amount)
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", new
        {
            out_trade_no = $"upref-{Guid.NewGuid():N}",
            amount,
            currency = "CNY",
            subject = "退款测试",
            method = "APP",
            notify_url = "http://127.0.0.1:9/unreachable",
        }));
        var id = (string)created["order_id"]!;
        fixture.Simulator.Pay(id);
        await Eventually.HoldsAsync(async () => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/orders/{id}")),
            o => (string?)o["status"] == "succeeded", $"order {id} paid");
        return id;
    }

    private async Task<System.Text.Json.Nodes.JsonObject> RefundAsync(string orderId, long amount) =>
        await MerchantClient.JsonAsync(await _merchant.PostJsonRepeatingUnavailableAsync($"/v1/orders/{orderId}/refunds",
            new { out_refund_no = $"upr-{Guid.NewGuid():N}", amount }));

    [Fact]
    public async Task Refund_AcceptedThenNotified_Succeeded()
    {
        var orderId = await PaidOrderAsync(1500);

        var refund = await RefundAsync(orderId, 500);
        var refundId = (string)refund["refund_id"]!;

        var settled = await Eventually.HoldsAsync(async () => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/refunds/{refundId}")),
            r => (string?)r["status"] == "succeeded", $"refund {refundId} settled", TimeSpan.FromSeconds(30));
        Assert.Equal(500, (long)settled["amount"]!);
        Assert.Single(fixture.Simulator.Records, r => r.Kind == RecordKind.RefundRequest && r.OutTradeNo == refundId);
    }

    [Fact]
    public async Task RefundAnswerAndNotificationLost_SupervisionQueriesWithTheStoredTxnTimeAndSettlesIt()
    {
        var orderId = await PaidOrderAsync(900);
        // The refund is made, but its answer never comes and its notification is never sent: only a query that names
        // the refund by the same orderId + txnTime can find it. A txnTime taken from "now" would find nothing and
        // send the refund again (answered 12, duplicate), so the refund would never settle.
        fixture.Simulator.SetBehaviour(RefundId.For(orderId, 1), new SimulatorBehaviour
        {
            TimeoutAfterCharge = true,
            SuppressCallbacks = true,
            Operations = [SimulatorOperation.Refund, SimulatorOperation.Callback],
        });

        var refund = await RefundAsync(orderId, 900);
        var refundId = (string)refund["refund_id"]!;

        Assert.Equal(RefundId.For(orderId, 1), refundId);
        Assert.Equal("unknown", (string?)refund["status"]);
        await Eventually.HoldsAsync(async () => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/refunds/{refundId}")),
            r => (string?)r["status"] == "succeeded", "supervision resolved the refund", TimeSpan.FromSeconds(60));
        Assert.Single(fixture.Simulator.Records, r => r.Kind == RecordKind.RefundRequest && r.OutTradeNo == refundId);
        Assert.Contains(fixture.Simulator.Records, r => r.Kind == RecordKind.Query && r.OutTradeNo == refundId && r.Result == "SUCCESS");
    }
}
