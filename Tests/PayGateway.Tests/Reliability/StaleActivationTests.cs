using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;

namespace PayGateway.Tests.Reliability;

/// <summary>
/// A second activation that does not know it is stale (its silo was cut off during a membership change) must not
/// send a re-send the gateway no longer wants: each re-send is preceded by a write, which fails on the version check.
/// The row is moved on behind the grain by hand, to a failed record without the notification the other activation
/// would have written: this class has its own fixture so no whole-database invariant check sees that record.
/// </summary>
public sealed class StaleActivationTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private readonly MerchantClient _merchant = fixture.HmacMerchant();

    private async Task<string> PaidOrderAsync(long amount)
    {
        var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", fixture.NewOrderWithWebhook("stale-order", amount)));
        var id = (string)created["order_id"]!;
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await Eventually.HoldsAsync(() => fixture.Grains.GetGrain<IOrderGrain>(id).GetAsync(), o => o?.Status == OrderStatus.Succeeded, "order paid");
        return id;
    }

    [Fact]
    public async Task StaleActivationOfATransferFailedElsewhere_DoesNotSendItAgain()
    {
        // The channel's answer is lost (a 503 is an unknown outcome): the transfer stays open and unanswered, and the
        // channel holds no such transfer, so supervision would send it again. Armed to the end: a first request the channel
        // handles late still gets the 503.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_ERROR", "try again later", 503), Operations = [SimulatorOperation.Transfer], Times = 1 });
        try
        {
            var transfer = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/transfers", new
            {
                out_transfer_no = $"xfer-stale-{Guid.NewGuid():N}",
                channel = "mock",
                payee = new { type = "mock_account", account = "payee-1", name = "Li Lei" },
                amount = 640L,
                currency = "CNY",
                notify_url = new Uri(fixture.Webhooks.Url, "xfer-stale").ToString(),
            }));
            var transferId = (string)transfer["transfer_id"]!;
            Assert.Equal("unknown", (string?)transfer["status"]);
            var grain = fixture.Grains.GetGrain<ITransferGrain>(transferId);

            int SentRequests() => fixture.Simulator.Records.Count(r => r.Kind == RecordKind.TransferRequest && r.OutTradeNo == transferId);
            var sentBefore = SentRequests();

            // Meanwhile another activation (this one's silo was cut off during a membership change) sent the transfer, was
            // refused, and wrote it failed: the row moved on behind this activation, which still holds it open.
            await fixture.Database.ExecuteAsync("""
                UPDATE paygw_projected_state
                SET Version = Version + 1,
                    PayloadBinary = JSON_SET(CONVERT(PayloadBinary USING utf8mb4), '$.status', 'failed', '$.next_supervision_at_ms', NULL)
                WHERE GrainTypeString = 'transfer' AND GrainIdExtensionString = @id
                """, ("@id", transferId));

            // Supervision wakes the stale activation once the check is due: the channel holds no such transfer. Its write
            // fails on the version check, and the next activation loads the failed transfer.
            var reloaded = await Eventually.HoldsAsync(async () =>
            {
                await Record.ExceptionAsync(grain.WakeAsync);
                return await grain.GetAsync();
            }, t => t?.Status == FundsStatus.Failed, "the stale activation gave way to the stored failed transfer", TimeSpan.FromSeconds(30));

            // A transfer the gateway calls failed was never paid: the stale activation sent nothing before its write failed.
            Assert.Equal(FundsStatus.Failed, reloaded!.Status);
            Assert.Equal(sentBefore, SentRequests());
            Assert.DoesNotContain(fixture.Simulator.Records, r => r.Kind == RecordKind.Transferred && r.OutTradeNo == transferId);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task StaleActivationOfARefundFailedElsewhere_DoesNotSendItAgain()
    {
        var orderId = await PaidOrderAsync(730);
        var order = fixture.Grains.GetGrain<IOrderGrain>(orderId);
        // The payment's webhook delivered and recorded first: only supervision writes to this order from here on.
        await Eventually.HoldsAsync(() => order.GetAsync(), o => o!.Notifications.All(n => n.Status == "delivered"), "the order.succeeded webhook recorded as delivered");
        // The channel's answer is lost (a 503 is an unknown outcome): the refund stays open and unanswered, and the
        // channel holds no such refund, so supervision would send it again. Armed to the end: a first request the channel
        // handles late still gets the 503.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_ERROR", "try again later", 503), Operations = [SimulatorOperation.Refund], Times = 1 });
        try
        {
            var refund = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{orderId}/refunds", new { out_refund_no = $"R{Guid.NewGuid():N}", amount = 730L, reason = "customer returned the goods" }));
            var refundId = (string)refund["refund_id"]!;
            Assert.Equal("unknown", (string?)refund["status"]);

            int SentRequests() => fixture.Simulator.Records.Count(r => r.Kind == RecordKind.RefundRequest && r.TradeNo == refundId);
            var sentBefore = SentRequests();

            // Meanwhile another activation (this one's silo was cut off during a membership change) sent the refund, was
            // refused, and wrote it failed, releasing its amount: the row moved on behind this activation.
            await fixture.Database.ExecuteAsync("""
                UPDATE paygw_projected_state
                SET Version = Version + 1,
                    PayloadBinary = JSON_SET(CONVERT(PayloadBinary USING utf8mb4), '$.refunds[0].status', 'failed', '$.refunds[0].next_check_at_ms', NULL)
                WHERE GrainTypeString = 'order' AND GrainIdExtensionString = @id
                """, ("@id", orderId));

            // Supervision wakes the stale activation once the check is due: the channel holds no such refund. Its write
            // fails on the version check, and the next activation loads the failed refund.
            var reloaded = await Eventually.HoldsAsync(async () =>
            {
                await Record.ExceptionAsync(order.WakeAsync);
                return await order.GetAsync();
            }, o => o!.Refunds.Single().Status == FundsStatus.Failed, "the stale activation gave way to the stored failed refund", TimeSpan.FromSeconds(30));

            // A refund the gateway calls failed (its amount refundable again) was never executed: no over-refund.
            Assert.Equal(FundsStatus.Failed, reloaded!.Refunds.Single().Status);
            Assert.Equal(sentBefore, SentRequests());
            Assert.DoesNotContain(fixture.Simulator.Records, r => r.Kind == RecordKind.Refunded && r.TradeNo == refundId);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }
}
