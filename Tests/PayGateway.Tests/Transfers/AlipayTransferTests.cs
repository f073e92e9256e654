using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using MySqlConnector;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;

namespace PayGateway.Tests.Transfers;

/// <summary>
/// Transfers (payouts) end to end over HTTP on Alipay: merchant API → transfer grain → AlipayChannel
/// (<c>alipay.fund.trans.uni.transfer</c>, <c>alipay.fund.trans.common.query</c>, RSA2) → simulated Alipay;
/// supervision and merchant webhooks. What Alipay recorded (one <c>transferred</c> per transfer that paid) is
/// compared with what the gateway holds.
/// </summary>
/// <remarks>
/// Behaviours are set globally with <c>Times = 1</c> because the transfer id (Alipay's <c>out_biz_no</c>) is issued by
/// the gateway during the request; tests in one class run one at a time, so no other transfer takes them.
/// </remarks>
public sealed class AlipayTransferTests(AlipayFixture fixture) : IClassFixture<AlipayFixture>
{
    private const string PayeeUserId = "2088301234567890";

    private readonly MerchantClient _merchant = fixture.AlipayMerchant();

    private object NewTransfer(string tag, string payeeType = "alipay_user_id", string payeeAccount = PayeeUserId, string? payeeName = null,
        long amount = 5000, string? outTransferNo = null) => new
        {
            out_transfer_no = outTransferNo ?? $"{tag}-{Guid.NewGuid():N}",
            channel = "alipay",
            payee = new { type = payeeType, account = payeeAccount, name = payeeName },
            amount,
            currency = "CNY",
            remark = "11月佣金结算",
            notify_url = new Uri(fixture.Webhooks.Url, tag).ToString(),
        };

    /// <summary>Asks for a transfer; 503s are repeated with the same body (the same out_transfer_no is the same transfer).</summary>
    private Task<HttpResponseMessage> PostTransferAsync(object body) => _merchant.PostJsonRepeatingUnavailableAsync("/v1/transfers", body);

    private async Task<JsonObject> TransferAsync(object body)
    {
        var response = await PostTransferAsync(body);
        var transfer = await MerchantClient.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"transfer answered {(int)response.StatusCode}: {transfer}");
        Assert.Equal("alipay", (string?)transfer["channel"]);
        return transfer;
    }

    private async Task<JsonObject> GetTransferAsync(string transferId) => await MerchantClient.JsonAsync(await _merchant.GetRepeatingUnavailableAsync($"/v1/transfers/{transferId}"));

    private List<SimulatorRecord> AlipayRecords(string kind, string transferId) =>
        [.. fixture.Simulator.Records.Where(r => r.Kind == kind && r.OutTradeNo == transferId).OrderBy(r => r.Sequence)];

    private async Task<JsonNode> SingleEventAsync(string tag, string type)
    {
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync(tag, d => d.Count >= 1));
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)), "webhook signature");
        var evt = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(type, (string?)evt["type"]);
        return evt;
    }

    /// <summary>A time taken from Alipay's Beijing-time fields: an offset mistake would show as hours off.</summary>
    private static void AssertAboutNow(JsonNode? at, string what) =>
        Assert.True(at is not null && Math.Abs((DateTimeOffset.Parse((string)at!, CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow).TotalMinutes) < 2, $"{what}: {at}");

    /// <summary>
    /// Every transfer the gateway holds against what Alipay paid (the invariant checker covers orders and refunds, not
    /// transfers): succeeded was paid exactly once and for its amount, failed never, open at most once and still
    /// supervised; and Alipay paid nothing the gateway does not know.
    /// </summary>
    private async Task AssertGatewayAndAlipayAgreeAsync()
    {
        var transfers = new List<(string Id, string Status, long Amount, bool Scheduled)>();
        await using (var connection = new MySqlConnection(fixture.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT transfer_id, status, amount, next_check_at IS NOT NULL FROM paygw_transfer WHERE channel = 'alipay'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                transfers.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3) == 1));
            }
        }
        var paid = fixture.Simulator.Records.Where(r => r.Kind == RecordKind.Transferred).ToList();
        var violations = new List<string>();
        violations.AddRange(paid.Where(r => !transfers.Exists(t => t.Id == r.OutTradeNo)).Select(r => $"Alipay paid {r.Amount} for {r.OutTradeNo}, which the gateway does not have"));
        foreach (var t in transfers)
        {
            var moved = paid.Where(r => r.OutTradeNo == t.Id).ToList();
            var wrong = t.Status switch
            {
                "succeeded" => moved.Count != 1 || moved[0].Amount != t.Amount,
                "failed" => moved.Count != 0,
                _ => moved.Count > 1 || moved.Exists(r => r.Amount != t.Amount) || !t.Scheduled,
            };
            if (wrong)
            {
                violations.Add($"{t.Id} is {t.Status} ({t.Amount}, check scheduled: {t.Scheduled}); Alipay paid [{string.Join(", ", moved.Select(r => r.Amount))}]");
            }
        }
        Assert.True(transfers.Count > 0, "no transfers to compare");
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task TransferToAlipayUserId_SucceedsWithAlipayOrderIdIsFoundBothWaysAndNotifiesMerchant()
    {
        var number = "xuid-" + Guid.NewGuid().ToString("N");

        var transfer = await TransferAsync(NewTransfer("xuid", amount: 5000, outTransferNo: number));

        var transferId = (string)transfer["transfer_id"]!;
        Assert.Matches("^T[0-9A-Z]{24}$", transferId);
        Assert.Equal("succeeded", (string?)transfer["status"]);
        Assert.Equal((5000L, "CNY", "alipay_user_id", PayeeUserId), ((long)transfer["amount"]!, (string?)transfer["currency"], (string?)transfer["payee_type"], (string?)transfer["payee_account"]));
        AssertAboutNow(transfer["succeeded_at"], "succeeded_at from Alipay's trans_date (Beijing time)");
        // Alipay paid once, under our transfer id as out_biz_no; its order_id is the channel's number for the transfer.
        var transferred = Assert.Single(AlipayRecords(RecordKind.Transferred, transferId));
        Assert.Equal((5000L, AlipayFixture.AlipayAppId), (transferred.Amount!.Value, transferred.MerchantId));
        Assert.Matches("^[0-9]{32}$", transferred.TradeNo);
        Assert.Equal(transferred.TradeNo, (string?)transfer["channel_transfer_no"]);
        Assert.Equal("SUCCESS", Assert.Single(AlipayRecords(RecordKind.TransferRequest, transferId)).Result);

        Assert.Equal("succeeded", (string?)(await GetTransferAsync(transferId))["status"]);
        Assert.Equal(transferId, (string?)(await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/transfers/by-out-transfer-no/{number}")))["transfer_id"]);
        var evt = await SingleEventAsync("xuid", "transfer.succeeded");
        Assert.Equal((transferId, transferred.TradeNo), ((string?)evt["transfer"]!["transfer_id"], (string?)evt["transfer"]!["channel_transfer_no"]));
        Assert.Equal("succeeded", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_transfer WHERE transfer_id = @t", ("@t", transferId)));
        Assert.Equal(transferred.TradeNo, await fixture.Database.ScalarAsync<string>("SELECT channel_transfer_no FROM paygw_transfer WHERE transfer_id = @t", ("@t", transferId)));
    }

    [Fact]
    public async Task TransferToAlipayLogonIdWithName_Succeeds()
    {
        // Alipay refuses a login-id transfer without the holder's name (INVALID_PARAMETER), so paying shows it was sent.
        var transfer = await TransferAsync(NewTransfer("xlogon", payeeType: "alipay_logon_id", payeeAccount: "payee@example.com", payeeName: "张三", amount: 1999));

        var transferId = (string)transfer["transfer_id"]!;
        Assert.Equal("succeeded", (string?)transfer["status"]);
        Assert.Equal(("alipay_logon_id", "payee@example.com", "张三"), ((string?)transfer["payee_type"], (string?)transfer["payee_account"], (string?)transfer["payee_name"]));
        Assert.Equal(1999, Assert.Single(AlipayRecords(RecordKind.Transferred, transferId)).Amount);
        await SingleEventAsync("xlogon", "transfer.succeeded");
    }

    [Fact]
    public async Task PayeeAlipayDoesNotKnow_TransferFailsWithPayeeNotExistAndMerchantIsNotified()
    {
        // Alipay user ids are 2088 + 12 digits: this one names nobody.
        var body = NewTransfer("xnopayee", payeeAccount: "2088000000", amount: 3000);

        var transfer = await TransferAsync(body);
        var again = await TransferAsync(body);

        var transferId = (string)transfer["transfer_id"]!;
        Assert.Equal("failed", (string?)transfer["status"]);
        Assert.Equal("PAYEE_NOT_EXIST", (string?)transfer["failure"]!["code"]);
        Assert.Null(transfer["channel_transfer_no"]);
        // A refusal is final only once the query agrees nothing was paid; the repeat returns the failure and sends nothing.
        Assert.Equal(["PAYEE_NOT_EXIST"], AlipayRecords(RecordKind.TransferRequest, transferId).Select(r => r.Result));
        Assert.Equal(["ORDER_NOT_EXIST"], AlipayRecords(RecordKind.TransferQuery, transferId).Select(r => r.Result));
        Assert.Empty(AlipayRecords(RecordKind.Transferred, transferId));
        Assert.Equal((transferId, "failed"), ((string?)again["transfer_id"], (string?)again["status"]));
        var evt = await SingleEventAsync("xnopayee", "transfer.failed");
        Assert.Equal("PAYEE_NOT_EXIST", (string?)evt["transfer"]!["failure"]!["code"]);
        Assert.Equal("failed", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_transfer WHERE transfer_id = @t", ("@t", transferId)));
    }

    [Fact]
    public async Task RefusalWithBadSignature_NeverFailsTheTransferWhichSupervisionCompletes()
    {
        // A definitive-looking refusal that does not verify against Alipay's key: nobody can say Alipay sent it.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("40004", "收款账号不存在", SubCode: "PAYEE_NOT_EXIST"),
            BadSignature = true,
            Operations = [SimulatorOperation.Transfer],
            Times = 1,
        });
        JsonObject transfer;
        try
        {
            transfer = await TransferAsync(NewTransfer("xforged", amount: 880));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var transferId = (string)transfer["transfer_id"]!;
        Assert.Equal("unknown", (string?)transfer["status"]);

        await Eventually.HoldsAsync(() => GetTransferAsync(transferId), t => (string?)t["status"] == "succeeded", "supervision re-sent the transfer", TimeSpan.FromSeconds(30));

        Assert.Equal(["PAYEE_NOT_EXIST", "SUCCESS"], AlipayRecords(RecordKind.TransferRequest, transferId).Select(r => r.Result));
        Assert.Equal(880, Assert.Single(AlipayRecords(RecordKind.Transferred, transferId)).Amount);
        await SingleEventAsync("xforged", "transfer.succeeded");
        await AssertGatewayAndAlipayAgreeAsync();
    }

    [Fact]
    public async Task LogonIdWithoutName_RefusedAsBadRequestStoringNothing()
    {
        var number = "xnoname-" + Guid.NewGuid().ToString("N");

        var refused = await _merchant.PostJsonAsync("/v1/transfers", NewTransfer("xnoname", payeeType: "alipay_logon_id", payeeAccount: "13800138000", amount: 1000, outTransferNo: number));

        await ProblemAssert.IsProblemAsync(refused, 400, ErrorCodes.ValidationFailed, "Alipay needs the name of a login-id payee");
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_transfer WHERE out_transfer_no = @n", ("@n", number)));
        // The number is not used up: the corrected request goes through.
        var corrected = NewTransfer("xnoname", payeeType: "alipay_logon_id", payeeAccount: "13800138000", amount: 1000, outTransferNo: number, payeeName: "张三");
        Assert.Equal("succeeded", (string?)(await TransferAsync(corrected))["status"]);
    }

    [Fact]
    public async Task AlipayTimesOutAfterPaying_UnknownThenSupervisionFindsTheTransferAndPaysOnce()
    {
        // Alipay pays, then never answers: the gateway's call times out.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Transfer], Times = 1 });
        JsonObject transfer;
        try
        {
            transfer = await TransferAsync(NewTransfer("xtimeout", amount: 777));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var transferId = (string)transfer["transfer_id"]!;
        Assert.Equal("unknown", (string?)transfer["status"]);
        Assert.Single(AlipayRecords(RecordKind.Transferred, transferId)); // the money did move

        var settled = await Eventually.HoldsAsync(() => GetTransferAsync(transferId), t => (string?)t["status"] == "succeeded", "supervision resolved the transfer", TimeSpan.FromSeconds(30));

        var transferred = Assert.Single(AlipayRecords(RecordKind.Transferred, transferId));
        Assert.Equal(777, transferred.Amount);
        Assert.Equal(transferred.TradeNo, (string?)settled["channel_transfer_no"]);
        AssertAboutNow(settled["succeeded_at"], "succeeded_at from the transfer query's pay_date (Beijing time)");
        // Supervision asked Alipay (the query found the payment) rather than paying again.
        Assert.Contains(AlipayRecords(RecordKind.TransferQuery, transferId), r => r.Result == "SUCCESS");
        Assert.Single(AlipayRecords(RecordKind.TransferRequest, transferId));
        Assert.Equal(transferId, (string?)(await SingleEventAsync("xtimeout", "transfer.succeeded"))["transfer"]!["transfer_id"]);
        await AssertGatewayAndAlipayAgreeAsync();
    }

    [Fact]
    public async Task TransferThatNeverReachedAlipay_SupervisionSendsItAgainAndAlipayPaysOnce()
    {
        // Alipay's gateway is down for the transfer call (code 20000: nothing done, outcome unknown to the caller).
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("20000", "服务暂不可用", SubCode: "isp.unknow-error"),
            Operations = [SimulatorOperation.Transfer],
            Times = 1,
        });
        JsonObject transfer;
        try
        {
            transfer = await TransferAsync(NewTransfer("xresend", amount: 4321));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var transferId = (string)transfer["transfer_id"]!;
        Assert.Equal("unknown", (string?)transfer["status"]);
        Assert.Empty(AlipayRecords(RecordKind.Transferred, transferId));

        await Eventually.HoldsAsync(() => GetTransferAsync(transferId), t => (string?)t["status"] == "succeeded", "supervision re-sent the transfer", TimeSpan.FromSeconds(30));

        // The query found no such transfer, so supervision sent it again under the same out_biz_no; Alipay paid once.
        Assert.Equal("ORDER_NOT_EXIST", AlipayRecords(RecordKind.TransferQuery, transferId)[0].Result);
        Assert.Equal(["isp.unknow-error", "SUCCESS"], AlipayRecords(RecordKind.TransferRequest, transferId).Select(r => r.Result));
        Assert.Equal(4321, Assert.Single(AlipayRecords(RecordKind.Transferred, transferId)).Amount);
        await SingleEventAsync("xresend", "transfer.succeeded");
        await AssertGatewayAndAlipayAgreeAsync();
    }

    [Fact]
    public async Task AlipaySlowerThanTheGateway_TransferSentAgainWhileTheFirstIsInFlightAndAlipayPaysOnce()
    {
        // Alipay handles the transfer call 10 s late, after the gateway gave up (3 s): supervision's query (due at 4 s)
        // finds no transfer, so it is sent again while the first request is still on its way.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = 10_000, Operations = [SimulatorOperation.Transfer], Times = 1 });
        JsonObject transfer;
        try
        {
            transfer = await TransferAsync(NewTransfer("xslow", amount: 2500));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var transferId = (string)transfer["transfer_id"]!;
        Assert.Equal("unknown", (string?)transfer["status"]);

        var settled = await Eventually.HoldsAsync(() => GetTransferAsync(transferId), t => (string?)t["status"] == "succeeded", "supervision re-sent the transfer", TimeSpan.FromSeconds(30));
        // Then the late first request arrives as well.
        var requests = await Eventually.HoldsAsync(() => Task.FromResult(AlipayRecords(RecordKind.TransferRequest, transferId)), r => r.Count == 2, "the late request handled", TimeSpan.FromSeconds(30));

        Assert.Equal("ORDER_NOT_EXIST", AlipayRecords(RecordKind.TransferQuery, transferId)[0].Result);
        Assert.All(requests, r => Assert.Equal("SUCCESS", r.Result));
        // Two requests for the same out_biz_no, one payment: Alipay answered the late one with the original result.
        var transferred = Assert.Single(AlipayRecords(RecordKind.Transferred, transferId));
        Assert.Equal(2500, transferred.Amount);
        Assert.All(requests, r => Assert.Equal(transferred.TradeNo, r.TradeNo));
        Assert.Equal(transferred.TradeNo, (string?)settled["channel_transfer_no"]);
        await SingleEventAsync("xslow", "transfer.succeeded");
        await AssertGatewayAndAlipayAgreeAsync();
    }

    [Fact]
    public async Task ConcurrentRepeatsOfOneTransfer_OneTransferPaidOnceAndDifferentBodyIsConflict()
    {
        var number = "xrep-" + Guid.NewGuid().ToString("N");
        var body = NewTransfer("xrep", amount: 1200, outTransferNo: number);

        var transfers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => TransferAsync(body)));
        var different = await PostTransferAsync(NewTransfer("xrep", amount: 1300, outTransferNo: number));

        var transferId = Assert.Single(transfers.Select(t => (string)t["transfer_id"]!).Distinct());
        Assert.All(transfers, t => Assert.Equal("succeeded", (string?)t["status"]));
        await ProblemAssert.IsProblemAsync(different, 409, ErrorCodes.OutTransferNoConflict, "same number, other amount");
        Assert.Single(AlipayRecords(RecordKind.TransferRequest, transferId));
        Assert.Equal(1200, Assert.Single(AlipayRecords(RecordKind.Transferred, transferId)).Amount);
        await SingleEventAsync("xrep", "transfer.succeeded");
        await AssertGatewayAndAlipayAgreeAsync();
    }
}
