using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;
using PayGateway.Tests.Reliability;

namespace PayGateway.Tests.Transfers;

/// <summary>Transfers (payouts) end to end over HTTP on the mock channel: success, refusal, unknown outcome, idempotency.</summary>
public sealed class TransferTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private readonly MerchantClient _merchant = fixture.HmacMerchant();

    private object NewTransfer(string tag, long amount = 5000, string payeeAccount = "payee-1", string payeeType = "mock_account", string? outTransferNo = null) => new
    {
        out_transfer_no = outTransferNo ?? $"{tag}-{Guid.NewGuid():N}",
        channel = "mock",
        payee = new { type = payeeType, account = payeeAccount, name = "Li Lei" },
        amount,
        currency = "CNY",
        remark = "seller payout",
        notify_url = new Uri(fixture.Webhooks.Url, tag).ToString(),
    };

    private async Task<JsonObject> TransferAsync(object body)
    {
        var response = await _merchant.PostJsonAsync("/v1/transfers", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await MerchantClient.JsonAsync(response);
    }

    private long ChannelTransferred(string transferId) =>
        fixture.Simulator.Records.Where(r => r.Kind == RecordKind.Transferred && r.OutTradeNo == transferId).Sum(r => r.Amount ?? 0);

    private int ChannelTransferCount(string transferId) =>
        fixture.Simulator.Records.Count(r => r.Kind == RecordKind.Transferred && r.OutTradeNo == transferId);

    [Fact]
    public async Task Transfer_SucceedsIsFoundBothWaysAndNotifiesMerchant()
    {
        var body = NewTransfer("xfer-ok", amount: 5000);

        var transfer = await TransferAsync(body);

        var transferId = (string)transfer["transfer_id"]!;
        Assert.StartsWith("T", transferId);
        Assert.Equal("succeeded", (string?)transfer["status"]);
        Assert.Equal(5000, (long)transfer["amount"]!);
        Assert.NotNull(transfer["channel_transfer_no"]);
        var byId = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/transfers/{transferId}"));
        Assert.Equal("succeeded", (string?)byId["status"]);
        var byNumber = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/transfers/by-out-transfer-no/{transfer["out_transfer_no"]}"));
        Assert.Equal(transferId, (string?)byNumber["transfer_id"]);
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("xfer-ok", d => d.Count >= 1));
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
        var evt = JsonNode.Parse(delivery.Body)!;
        Assert.Equal("transfer.succeeded", (string?)evt["type"]);
        Assert.Equal(transferId, (string?)evt["transfer"]!["transfer_id"]);
        Assert.Equal(5000, ChannelTransferred(transferId));
        Assert.Equal("succeeded", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_transfer WHERE transfer_id = @t", ("@t", transferId)));
    }

    [Fact]
    public async Task RepeatedTransferRequest_ReturnsOriginalPaysOnceAndDifferentBodyIsConflict()
    {
        var number = "xfer-rep-" + Guid.NewGuid().ToString("N");
        var body = NewTransfer("xfer-rep", amount: 1200, outTransferNo: number);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _merchant.PostJsonAsync("/v1/transfers", body)));
        var ids = new List<string>();
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            ids.Add((string)(await MerchantClient.JsonAsync(r))["transfer_id"]!);
        }
        var different = await _merchant.PostJsonAsync("/v1/transfers", NewTransfer("xfer-rep", amount: 1300, outTransferNo: number));

        Assert.Single(ids.Distinct());
        await ProblemAssert.IsProblemAsync(different, 409, ErrorCodes.OutTransferNoConflict, "same number, other amount");
        Assert.Equal(1, ChannelTransferCount(ids[0]));
    }

    [Fact]
    public async Task PayeeTheChannelRefuses_TransferFailsAndMerchantIsNotified()
    {
        var transfer = await TransferAsync(NewTransfer("xfer-fail", payeeAccount: "closed-payee-9"));

        Assert.Equal("failed", (string?)transfer["status"]);
        Assert.Equal("PAYEE_ACCOUNT_CLOSED", (string?)transfer["failure"]!["code"]);
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("xfer-fail", d => d.Count >= 1));
        Assert.Equal("transfer.failed", (string?)JsonNode.Parse(delivery.Body)!["type"]);
        Assert.Equal(0, ChannelTransferred((string)transfer["transfer_id"]!));
    }

    [Fact]
    public async Task ChannelTimeoutDuringTransfer_IsUnknownThenSupervisionResolvesItOnce()
    {
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Transfer], Times = 1 });
        try
        {
            var transfer = await TransferAsync(NewTransfer("xfer-timeout", amount: 777));
            var transferId = (string)transfer["transfer_id"]!;

            Assert.Equal("unknown", (string?)transfer["status"]);
            var settled = await Eventually.HoldsAsync(
                async () => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/transfers/{transferId}")),
                t => (string?)t["status"] == "succeeded", "supervision resolved the transfer", TimeSpan.FromSeconds(30));
            Assert.Equal(777, (long)settled["amount"]!);
            Assert.Equal(1, ChannelTransferCount(transferId));
            await fixture.Webhooks.WaitForAsync("xfer-timeout", d => d.Count >= 1);
            await ReliabilityCheck.AssertHoldsAsync(fixture); // transfers: I1 scheduled, I2 paid once, I3 paid ⇔ succeeded, I4 notified
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
    }

    [Fact]
    public async Task RetryOfTransferWhoseAnswerWasNotWritten_AsksTheChannelFirstAndEndsSucceeded()
    {
        await StorageFaults.InstallAsync(fixture.Database);
        var number = $"xfer-lost-{Guid.NewGuid():N}";
        var body = NewTransfer("xfer-lost", amount: 880, outTransferNo: number);
        // The transfer is recorded (its first write), the channel pays, and writing its answer down fails.
        await StorageFaults.FailWritesAsync(fixture.Database, number, "update");
        HttpResponseMessage lost;
        try
        {
            lost = await _merchant.PostJsonAsync("/v1/transfers", body);
        }
        finally
        {
            await StorageFaults.HealWritesAsync(fixture.Database, number);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        var transferId = await fixture.Database.ScalarAsync<string>("SELECT transfer_id FROM paygw_transfer WHERE out_transfer_no = @n", ("@n", number));
        Assert.Equal(1, ChannelTransferCount(transferId));
        Assert.Equal("pending", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_transfer WHERE transfer_id = @t", ("@t", transferId)));

        // A re-send would be refused with a final code, as WeChat Pay (NOT_ENOUGH, USER_ACCOUNT_ABNORMAL) may answer a duplicate.
        fixture.Simulator.SetBehaviour(transferId, new SimulatorBehaviour { Fail = new SimulatorFailure("PAYEE_ACCOUNT_CLOSED", "payee account closed", 409), Operations = [SimulatorOperation.Transfer], Times = 1 });
        var retried = await TransferAsync(body);

        Assert.Equal(transferId, (string?)retried["transfer_id"]);
        Assert.Equal("succeeded", (string?)retried["status"]);
        Assert.Equal(880, ChannelTransferred(transferId));
        Assert.Equal("succeeded", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_transfer WHERE transfer_id = @t", ("@t", transferId)));
    }

    [Fact]
    public async Task InvalidTransferRequests_AreProblemsThatCreateNothing()
    {
        var before = await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_transfer");

        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/transfers", NewTransfer("xfer-bad", payeeType: "wechat_openid")), 422, ErrorCodes.PayeeTypeNotSupported, "mock pays mock accounts only");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/transfers", NewTransfer("xfer-bad", amount: 0)), 400, ErrorCodes.ValidationFailed, "zero amount");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/transfers", new { out_transfer_no = "x", channel = "mock", amount = 100, currency = "CNY", notify_url = "https://example.com/n" }), 400, ErrorCodes.ValidationFailed, "no payee");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/transfers", new { out_transfer_no = "x2", channel = "alipay", payee = new { type = "alipay_logon_id", account = "a@b.c", name = "Li Lei" }, amount = 100, currency = "CNY", notify_url = "https://example.com/n" }), 422, ErrorCodes.ChannelNotAllowed, "app has no alipay route");
        await ProblemAssert.IsProblemAsync(await _merchant.GetAsync("/v1/transfers/T0000"), 404, ErrorCodes.TransferNotFound, "malformed id");
        var mine = await TransferAsync(NewTransfer("xfer-own"));
        await ProblemAssert.IsProblemAsync(await fixture.RsaMerchant().GetAsync($"/v1/transfers/{mine["transfer_id"]}"), 404, ErrorCodes.TransferNotFound, "another app's transfer");

        Assert.Equal(before + 1, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_transfer"));
    }
}
