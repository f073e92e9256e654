using System.Net.Http.Json;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.WeChatPay;
using PayGateway.Channels;
using PayGateway.Channels.WeChatPay;
using Xunit;
using static PayGateway.Tests.Channels.WeChatPay.WeChatPaySimulatorHarness;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// The real WeChat Pay adapter's statement download (tradebill, signed answer, file download, SHA-1, parse) against
/// the simulator's bills over real HTTP. The simulator serves the current Beijing day's lines so far.
/// </summary>
public sealed class WeChatPayStatementSimulatorTests : IAsyncLifetime
{
    private static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(1);

    private WeChatPaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartAsync(o => o.WeChatPay.BillLinkLifetime = LinkLifetime);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private DateOnly Today => DateOnly.FromDateTime(_h.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    private Task<ChannelStatement> StatementAsync(DateOnly day) => _h.Channel.DownloadStatementAsync(_h.Account, day, default);

    private async Task<WeChatPayRefundView> SucceededRefundAsync(ChannelRefundRequest refund)
    {
        await _h.Channel.RefundAsync(_h.Account, refund, default);
        return await EventuallyAsync(
            () => Task.FromResult(_h.Simulator.WeChatPay.FindRefund(MchId, refund.RefundId)!),
            r => r.Status == WeChatPayRefundStatus.Success);
    }

    [Fact]
    public async Task PaymentsAndRefunds_AppearOnTheDaysStatement()
    {
        const string first = "wxbill000000000000000001", second = "wxbill000000000000000002";
        await _h.PaidOrderAsync(first);
        await _h.PaidOrderAsync(second, amount: 500);
        var refundAtSimulator = await SucceededRefundAsync(Refund(first, 1000));

        var statement = await StatementAsync(Today);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(3, statement.Lines.Count);
        var paid = _h.Simulator.FindTrade(first)!;
        Assert.Equal(
            new StatementLine(StatementLineKind.Payment, first, null, paid.TradeNo, null, 1234, "CNY", "0.07000",
                Seconds(paid.PaidAt!.Value), null),
            Assert.Single(statement.Lines, l => l.Kind == StatementLineKind.Payment && l.OrderId == first));
        Assert.Equal(500, Assert.Single(statement.Lines, l => l.OrderId == second).Amount);
        Assert.Equal(
            new StatementLine(StatementLineKind.Refund, first, $"{first}R001", paid.TradeNo, refundAtSimulator.RefundId, 1000, "CNY", "-0.06000",
                Seconds(refundAtSimulator.CreatedAt), "SUCCESS"),
            Assert.Single(statement.Lines, l => l.Kind == StatementLineKind.Refund));
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.StatementRequest && r.Result == "READY");
        Assert.Contains(_h.Simulator.Records, r => r.Kind == WeChatPayRecordKind.BillDownload && r.Result == "FILE");
    }

    [Fact]
    public async Task UnpaidOrders_AreNotOnTheStatement()
    {
        const string paid = "wxbill000000000000000003", unpaid = "wxbill000000000000000004";
        await _h.PaidOrderAsync(paid);
        await _h.Channel.CreatePaymentAsync(_h.Account, _h.Request(unpaid), default);

        var statement = await StatementAsync(Today);

        Assert.Equal(paid, Assert.Single(statement.Lines).OrderId);
    }

    [Fact]
    public async Task AbnormalRefund_ShowsTheBillsStatusForIt()
    {
        const string orderId = "wxbill000000000000000005";
        await _h.PaidOrderAsync(orderId);
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { RefundStatus = WeChatPayRefundStatus.Abnormal, Operations = [SimulatorOperation.Refund] });
        var refund = Refund(orderId, 300);
        await _h.Channel.RefundAsync(_h.Account, refund, default);
        await EventuallyAsync(() => Task.FromResult(_h.Simulator.WeChatPay.FindRefund(MchId, refund.RefundId)!), r => r.Status == WeChatPayRefundStatus.Abnormal);

        var statement = await StatementAsync(Today);

        var line = Assert.Single(statement.Lines, l => l.Kind == StatementLineKind.Refund);
        Assert.Equal((refund.RefundId, 300L, "CHANGE"), (line.RefundId, line.Amount, line.ChannelStatus));
    }

    [Fact]
    public async Task Drift_ChangesTheAmountsTheStatementShows()
    {
        const string orderId = "wxbill000000000000000006";
        await _h.PaidOrderAsync(orderId);
        var refund = Refund(orderId, 1000);
        await SucceededRefundAsync(refund);
        _h.Simulator.SetBillAmount(orderId, 1200);
        _h.Simulator.SetBillAmount(refund.RefundId, 999);

        var statement = await StatementAsync(Today);

        // The bill is consistent with itself (hash, totals), so it is Ready: the difference is the reconciler's to find.
        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(1200, Assert.Single(statement.Lines, l => l.Kind == StatementLineKind.Payment).Amount);
        Assert.Equal(999, Assert.Single(statement.Lines, l => l.Kind == StatementLineKind.Refund).Amount);
    }

    [Fact]
    public async Task DriftToZero_LeavesTheLinesOut()
    {
        const string kept = "wxbill000000000000000016", missing = "wxbill000000000000000017";
        await _h.PaidOrderAsync(kept);
        await _h.PaidOrderAsync(missing);
        var refund = Refund(kept, 100);
        await SucceededRefundAsync(refund);
        _h.Simulator.SetBillAmount(missing, 0);
        _h.Simulator.SetBillAmount(refund.RefundId, 0);

        var statement = await StatementAsync(Today);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(kept, Assert.Single(statement.Lines).OrderId);
    }

    [Fact]
    public async Task RefundOfAnEarlierDaysPayment_IsOnTheDayItWasAccepted()
    {
        const string orderId = "wxbill000000000000000018";
        await _h.PaidOrderAsync(orderId);
        var payDay = Today;
        _h.Time.Advance(TimeSpan.FromDays(1));
        var refund = Refund(orderId, 400);
        await SucceededRefundAsync(refund);

        var first = await StatementAsync(payDay);
        var second = await StatementAsync(Today);

        Assert.Equal(StatementLineKind.Payment, Assert.Single(first.Lines).Kind);
        var line = Assert.Single(second.Lines);
        Assert.Equal((StatementLineKind.Refund, orderId, refund.RefundId, 400L), (line.Kind, line.OrderId, line.RefundId, line.Amount));
        Assert.Equal(_h.Simulator.FindTrade(orderId)!.TradeNo, line.ChannelTradeNo);
    }

    [Fact]
    public void Channel_DatesRefundsByAcceptance()
    {
        IStatementChannel channel = _h.Channel;

        Assert.True(channel.DatesRefundsByAcceptance);
        Assert.Equal(TimeSpan.FromHours(8), channel.StatementDayOffset);
    }

    [Fact]
    public async Task TradesOfOtherDays_AreOnTheirOwnDaysStatement()
    {
        const string yesterday = "wxbill000000000000000007", today = "wxbill000000000000000008";
        await _h.PaidOrderAsync(yesterday);
        var firstDay = Today;
        _h.Time.Advance(TimeSpan.FromDays(1));
        await _h.PaidOrderAsync(today, amount: 77);

        var first = await StatementAsync(firstDay);
        var second = await StatementAsync(Today);

        Assert.Equal(yesterday, Assert.Single(first.Lines).OrderId);
        Assert.Equal((today, 77L), (Assert.Single(second.Lines).OrderId, Assert.Single(second.Lines).Amount));
    }

    [Fact]
    public async Task FutureDay_IsNotReady()
    {
        await _h.PaidOrderAsync("wxbill000000000000000009");

        var statement = await StatementAsync(Today.AddDays(1));

        Assert.Equal((StatementAvailability.NotReady, "STATEMENT_CREATING"), (statement.Availability, statement.ErrorCode));
    }

    [Fact]
    public async Task PastDayWithoutTrades_IsReadyAndEmpty()
    {
        var statement = await StatementAsync(Today.AddDays(-1));

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Empty(statement.Lines);
        Assert.Contains(_h.Simulator.Records, r => r.Kind == RecordKind.StatementRequest && r.Result == "NO_STATEMENT_EXIST");
    }

    [Fact]
    public async Task TodayWithoutTradesYet_IsNotReady()
    {
        var statement = await StatementAsync(Today);

        // NO_STATEMENT_EXIST while the day is still running says nothing about its trades to come.
        Assert.Equal((StatementAvailability.NotReady, "NO_STATEMENT_EXIST"), (statement.Availability, statement.ErrorCode));
    }

    [Fact]
    public async Task DownloadFailure_IsUnknown()
    {
        await _h.PaidOrderAsync("wxbill000000000000000010");
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_ERROR", HttpStatus: 500), Operations = [WeChatPayOperation.BillDownload] });

        var statement = await StatementAsync(Today);

        Assert.Equal((StatementAvailability.Unknown, "SYSTEM_ERROR"), (statement.Availability, statement.ErrorCode));
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public async Task TradeBillFailure_IsUnknown()
    {
        await _h.PaidOrderAsync("wxbill000000000000000011");
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_ERROR", HttpStatus: 500), Operations = [SimulatorOperation.Statement] });

        var statement = await StatementAsync(Today);

        Assert.Equal((StatementAvailability.Unknown, "SYSTEM_ERROR"), (statement.Availability, statement.ErrorCode));
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == WeChatPayRecordKind.BillDownload);
    }

    [Fact]
    public async Task BadlySignedTradeBillAnswer_IsUnknown_AndNothingIsDownloaded()
    {
        await _h.PaidOrderAsync("wxbill000000000000000012");
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Statement] });

        var statement = await StatementAsync(Today);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.DoesNotContain(_h.Simulator.Records, r => r.Kind == WeChatPayRecordKind.BillDownload);
    }

    [Fact]
    public async Task FileThatIsNotTheHashedOne_IsUnknown()
    {
        await _h.PaidOrderAsync("wxbill000000000000000013");
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { TamperBill = true, Operations = [WeChatPayOperation.BillDownload] });

        var statement = await StatementAsync(Today);

        Assert.Equal((StatementAvailability.Unknown, "BILL_HASH_MISMATCH"), (statement.Availability, statement.ErrorCode));
        Assert.Contains(_h.Simulator.Records, r => r.Kind == WeChatPayRecordKind.BillDownload && r.Result == "FILE");
    }

    [Fact]
    public async Task ExpiredDownloadLink_IsUnknown()
    {
        await _h.PaidOrderAsync("wxbill000000000000000014");
        // The download waits (real time) after its Authorization is checked; meanwhile the link outlives its lifetime.
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = 1000, Operations = [WeChatPayOperation.BillDownload] });

        var download = StatementAsync(Today);
        await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.StatementRequest, TimeSpan.FromSeconds(5));
        _h.Time.Advance(LinkLifetime * 2);
        var statement = await download;

        Assert.Equal((StatementAvailability.Unknown, "INVALID_REQUEST"), (statement.Availability, statement.ErrorCode));
        Assert.Contains(_h.Simulator.Records, r => r.Kind == WeChatPayRecordKind.BillDownload && r.Result == "INVALID_REQUEST");
    }

    [Fact]
    public async Task UnreachableChannel_IsUnknown()
    {
        var account = AccountFor(new Uri("http://127.0.0.1:9/"), _h.Account.NotifyUrl, Merchant.PrivateKeyPem);

        var statement = await _h.Channel.DownloadStatementAsync(account, Today, default);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }

    [Fact]
    public async Task SimulatorBill_HasWeChatsFileQuirks()
    {
        const string orderId = "wxbill000000000000000015";
        await _h.PaidOrderAsync(orderId);
        await SucceededRefundAsync(Refund(orderId, 234));

        using var answer = await SignedGetAsync($"/v3/bill/tradebill?bill_date={Today:yyyy-MM-dd}&bill_type=ALL&tar_type=GZIP");
        var link = await answer.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        using var file = await SignedGetAsync(new Uri(link.GetProperty("download_url").GetString()!).PathAndQuery);
        var gzip = await file.Content.ReadAsByteArrayAsync();
        using var plain = new MemoryStream();
        using (var unzip = new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress))
        {
            await unzip.CopyToAsync(plain);
        }
        var csv = plain.ToArray();
        var lines = System.Text.Encoding.UTF8.GetString(csv[3..]).Split("\r\n");

        Assert.Equal("SHA1", link.GetProperty("hash_type").GetString());
        Assert.Equal(link.GetProperty("hash_value").GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(csv)));
        Assert.False(file.Headers.Contains("Wechatpay-Signature"));
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        Assert.Equal(6, lines.Length); // header, payment, refund, summary header, summary, "" after the last CRLF
        Assert.DoesNotContain('\n', string.Concat(lines));
        // The same 27-column header as WeChat's own ALL bill (the wechatpay-php fixture).
        var phpHeader = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Vectors", "reconciliation", "wechatpay", "php-bill.ALL.csv"))[0].TrimStart('\uFEFF');
        Assert.Equal(phpHeader, lines[0]);
        Assert.All(lines[1..3].Concat([lines[4]]), line => Assert.All(line.Split(','), value => Assert.StartsWith("`", value)));
        Assert.StartsWith("总交易单数,", lines[3]);
        Assert.Equal("`2,`12.34,`2.34,`0.00,`0.06000,`12.34,`2.34", lines[4]);
        Assert.Equal("", lines[5]);
    }

    private async Task<HttpResponseMessage> SignedGetAsync(string pathAndQuery)
    {
        using var key = System.Security.Cryptography.RSA.Create();
        key.ImportFromPem(Merchant.PrivateKeyPem);
        var authorization = WeChatPayAuthorization.CreateHeader(
            MchId, Merchant.SerialNo, key, "GET", pathAndQuery, _h.Time.GetUtcNow().ToUnixTimeSeconds(), WeChatPayAuthorization.NewNonce(), []);
        using var http = new HttpClient { BaseAddress = _h.Simulator.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static DateTimeOffset Seconds(DateTimeOffset at) =>
        DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds()).ToOffset(TimeSpan.FromHours(8));
}
