using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;

namespace PayGateway.Tests.Transfers;

/// <summary>
/// Transfers end to end over HTTP on WeChat Pay: the gateway's API and transfer grain, the WeChat Pay adapter, the
/// simulator's v3 batch transfer endpoints (accepted, then each detail ends SUCCESS or FAIL), supervision (WeChat
/// sends no transfer notifications, so the gateway learns the outcome by asking) and merchant webhooks.
/// </summary>
public sealed class WeChatPayTransferTests(WeChatPayFixture fixture) : IClassFixture<WeChatPayFixture>
{
    private const string MchId = WeChatPayFixture.MchId;
    private const string OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";

    private readonly MerchantClient _merchant = fixture.WeChatMerchant();

    private object NewTransfer(string tag, long amount = 5000, string openId = OpenId, string? name = "张三") => new
    {
        out_transfer_no = $"{tag}-{Guid.NewGuid():N}",
        channel = "wechatpay",
        payee = new { type = "wechat_openid", account = openId, name },
        amount,
        currency = "CNY",
        remark = "佣金",
        notify_url = new Uri(fixture.Webhooks.Url, tag).ToString(),
    };

    private async Task<JsonObject> TransferAsync(object body)
    {
        var response = await _merchant.PostJsonAsync("/v1/transfers", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await MerchantClient.JsonAsync(response);
    }

    private Task<JsonObject> TransferSettledAsync(string transferId, string status) =>
        Eventually.HoldsAsync(
            async () => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/transfers/{transferId}")),
            t => (string?)t["status"] == status, $"transfer {transferId} {status}", TimeSpan.FromSeconds(30));

    private int ChannelTransferCount(string transferId) =>
        fixture.Simulator.Records.Count(r => r.Kind == RecordKind.Transferred && r.OutTradeNo == transferId);

    [Fact]
    public async Task Transfer_ToAnOpenId_IsAcceptedThenSucceedsOnceWithTheNameDecryptedAtWeChat()
    {
        var transfer = await TransferAsync(NewTransfer("wx-transfer-e2e"));

        var transferId = (string)transfer["transfer_id"]!;
        Assert.Equal("pending", (string?)transfer["status"]); // the batch is ACCEPTED, its detail PROCESSING
        var done = await TransferSettledAsync(transferId, "succeeded");
        var batch = fixture.Simulator.WeChatPay.FindTransfer(MchId, transferId)!;
        Assert.Equal(batch.BatchId, (string?)done["channel_transfer_no"]);
        Assert.Equal("张三", Assert.Single(batch.Details).UserName);
        Assert.Equal(5000, Assert.Single(fixture.Simulator.Records, r => r.Kind == RecordKind.Transferred && r.OutTradeNo == transferId).Amount);
        var byNumber = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/transfers/by-out-transfer-no/{transfer["out_transfer_no"]}"));
        Assert.Equal(transferId, (string?)byNumber["transfer_id"]);
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("wx-transfer-e2e", d => d.Count >= 1));
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
        var evt = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("transfer.succeeded", (string?)evt["type"]);
        Assert.Equal(transferId, (string?)evt["transfer"]!["transfer_id"]);
        Assert.Equal("succeeded", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_transfer WHERE transfer_id = @t", ("@t", transferId)));
    }

    [Fact]
    public async Task TransferFailedByWeChat_IsFailedWithTheFailReasonAndMerchantIsNotified()
    {
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TransferFailReason = "ACCOUNT_FROZEN", Operations = [SimulatorOperation.Transfer], Times = 1 });
        try
        {
            var transfer = await TransferAsync(NewTransfer("wx-transfer-fail", amount: 1800));
            var transferId = (string)transfer["transfer_id"]!;

            var failed = await TransferSettledAsync(transferId, "failed");

            Assert.Equal("ACCOUNT_FROZEN", (string?)failed["failure"]!["code"]);
            Assert.Equal("FAIL", Assert.Single(fixture.Simulator.WeChatPay.FindTransfer(MchId, transferId)!.Details).Status);
            var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("wx-transfer-fail", d => d.Count >= 1));
            var evt = JsonNode.Parse(delivery.Body)!;
            Assert.Equal("transfer.failed", (string?)evt["type"]);
            Assert.Equal("ACCOUNT_FROZEN", (string?)evt["transfer"]!["failure"]!["code"]);
            Assert.Equal(0, ChannelTransferCount(transferId));
            Assert.Equal("failed", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_transfer WHERE transfer_id = @t", ("@t", transferId)));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task PayeeNameNotTheRegisteredOne_TransferFailsNameNotCorrect()
    {
        const string openId = "oWrongName0000000000000000001";
        fixture.Simulator.WeChatPay.SetPayeeName(openId, "李四");

        var transfer = await TransferAsync(NewTransfer("wx-transfer-name", amount: 500, openId: openId, name: "张三"));
        var transferId = (string)transfer["transfer_id"]!;

        var failed = await TransferSettledAsync(transferId, "failed");
        Assert.Equal("NAME_NOT_CORRECT", (string?)failed["failure"]!["code"]);
        Assert.Equal(0, ChannelTransferCount(transferId));
    }

    [Fact]
    public async Task ChannelTimeoutDuringTransfer_IsUnknownThenSupervisionResolvesItAndPaysOnce()
    {
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Transfer], Times = 1 });
        try
        {
            var transfer = await TransferAsync(NewTransfer("wx-transfer-timeout", amount: 777));
            var transferId = (string)transfer["transfer_id"]!;

            Assert.Equal("unknown", (string?)transfer["status"]);
            var settled = await TransferSettledAsync(transferId, "succeeded");
            Assert.Equal(777, (long)settled["amount"]!);
            Assert.Equal(fixture.Simulator.WeChatPay.FindTransfer(MchId, transferId)!.BatchId, (string?)settled["channel_transfer_no"]);
            await fixture.Webhooks.WaitForAsync("wx-transfer-timeout", d => d.Count >= 1);
            // Past supervision's next check: nothing is sent again and the merchant hears once.
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.Equal(1, ChannelTransferCount(transferId));
            Assert.Equal(1, fixture.Simulator.Records.Count(r => r.Kind == RecordKind.TransferRequest && r.OutTradeNo == transferId));
            var delivery = Assert.Single(fixture.Webhooks.For("wx-transfer-timeout"));
            Assert.Equal("transfer.succeeded", (string?)JsonNode.Parse(delivery.Body)!["type"]);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task DetailNotYetVisibleAtFirstSupervisionCheck_IsNotSentAgainAndSucceedsOnce()
    {
        // WeChat took the batch but answers its detail NOT_FOUND while processing it: that is no reason to send it again.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { HoldTransferDetail = true, Operations = [SimulatorOperation.TransferQuery], Times = 1 });
        try
        {
            var transfer = await TransferAsync(NewTransfer("wx-transfer-held", amount: 888));
            var transferId = (string)transfer["transfer_id"]!;

            var settled = await TransferSettledAsync(transferId, "succeeded");

            Assert.Equal(fixture.Simulator.WeChatPay.FindTransfer(MchId, transferId)!.BatchId, (string?)settled["channel_transfer_no"]);
            Assert.Contains(fixture.Simulator.Records, r => r.Kind == RecordKind.TransferQuery && r.OutTradeNo == transferId && r.Result == "NOT_FOUND");
            Assert.Equal(1, fixture.Simulator.Records.Count(r => r.Kind == RecordKind.TransferRequest && r.OutTradeNo == transferId));
            Assert.Equal(1, ChannelTransferCount(transferId));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task TransferThatNeverReachedWeChat_IsSentAgainBySupervisionAndPaysOnce()
    {
        // A 500 before WeChat took the batch: the detail and the batch query both find nothing, so it is sent again.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_ERROR", "系统错误", 500), Operations = [SimulatorOperation.Transfer], Times = 1 });
        try
        {
            var transfer = await TransferAsync(NewTransfer("wx-transfer-resend", amount: 999));
            var transferId = (string)transfer["transfer_id"]!;

            Assert.Equal("unknown", (string?)transfer["status"]);
            await TransferSettledAsync(transferId, "succeeded");
            Assert.Equal([500, 200], fixture.Simulator.Records.Where(r => r.Kind == RecordKind.TransferRequest && r.OutTradeNo == transferId).Select(r => r.ResponseStatus));
            Assert.Equal(1, ChannelTransferCount(transferId));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task RepeatedTransferRequest_ReturnsTheSameTransferAndPaysOnce()
    {
        var body = NewTransfer("wx-transfer-rep", amount: 1200);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _merchant.PostJsonAsync("/v1/transfers", body)));
        var ids = new List<string>();
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            ids.Add((string)(await MerchantClient.JsonAsync(r))["transfer_id"]!);
        }

        var transferId = Assert.Single(ids.Distinct());
        await TransferSettledAsync(transferId, "succeeded");
        Assert.Equal(1, ChannelTransferCount(transferId));
    }
}
