using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// <see cref="AlipayChannel"/> statements against the simulator's Alipay side over real HTTP: the signed link query,
/// the unsigned zip download and the parse. One fake clock drives the simulator and the adapter, so bill days and the
/// link's 30 s lifetime do not depend on when the test runs.
/// </summary>
public sealed class AlipayStatementSimulatorTests : IAsyncLifetime
{
    private const string OrderA = "20261120120000123AA0100A";
    private const string OrderB = "20261120120100123AA0100B";
    private const string OrderUnpaid = "20261120120200123AA0100C";
    private const string RefundA1 = OrderA + "R001";
    private const string RefundA2 = OrderA + "R002";

    // 12:00 Beijing time on 2026-11-20.
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 4, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day = new(2026, 11, 20);
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private readonly FakeTimeProvider _time = new(Start);
    private AlipaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await AlipaySimulatorHarness.StartAsync(_time);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<SimulatorTrade> PaidAsync(string orderId, long amount)
    {
        var request = AlipaySimulatorHarness.Request(orderId, amount: amount) with { ExpiresAt = _time.GetUtcNow().AddMinutes(15) };
        Assert.Equal(ChannelOutcome.Accepted, (await _h.Channel.CreatePaymentAsync(_h.Account, request, default)).Outcome);
        _time.Advance(TimeSpan.FromSeconds(30));
        var (outcome, trade) = _h.Simulator.Pay(orderId);
        Assert.Equal(PayOutcome.Paid, outcome);
        return trade;
    }

    private async Task RefundedAsync(string refundId, string orderId, long amount, long paid)
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        var result = await _h.Channel.RefundAsync(_h.Account, new ChannelRefundRequest(refundId, orderId, null, amount, paid, "CNY", "退货", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero)), default);
        Assert.Equal(ChannelFundsState.Succeeded, result.State);
    }

    private Task<ChannelStatement> StatementAsync(DateOnly day, AlipayChannel? channel = null) =>
        (channel ?? _h.Channel).DownloadStatementAsync(_h.Account, day, default);

    private async Task DriftAsync(string merchantNumber, long amount)
    {
        using var client = new HttpClient { BaseAddress = _h.Simulator.BaseAddress };
        using var response = await client.PutAsJsonAsync($"mock/control/bill-drift/{merchantNumber}", new { amount });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    // ---- what the bill holds

    [Fact]
    public async Task PaidTradesAndPartialRefunds_LinesWithIdsAmountsAndTimes()
    {
        var a = await PaidAsync(OrderA, 1234);
        var paidA = _time.GetUtcNow();
        var b = await PaidAsync(OrderB, 500);
        var request = AlipaySimulatorHarness.Request(OrderUnpaid, amount: 99) with { ExpiresAt = _time.GetUtcNow().AddMinutes(15) };
        await _h.Channel.CreatePaymentAsync(_h.Account, request, default);
        await RefundedAsync(RefundA1, OrderA, 300, 1234);
        var refundedA1 = _time.GetUtcNow();
        await RefundedAsync(RefundA2, OrderA, 200, 1234);

        var statement = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(
        [
            (StatementLineKind.Payment, OrderA, null, a.TradeNo, 1234L),
            (StatementLineKind.Payment, OrderB, null, b.TradeNo, 500L),
            (StatementLineKind.Refund, OrderA, RefundA1, a.TradeNo, 300L),
            (StatementLineKind.Refund, OrderA, (string?)RefundA2, a.TradeNo, 200L),
        ], statement.Lines.Select(l => (l.Kind, l.OrderId, l.RefundId, l.ChannelTradeNo, l.Amount)));
        Assert.All(statement.Lines, l => Assert.Equal(("CNY", "0.00", (string?)null), (l.Currency, l.Fee, l.ChannelStatus)));
        Assert.Equal(paidA, statement.Lines[0].OccurredAt);
        Assert.Equal(Beijing, statement.Lines[0].OccurredAt!.Value.Offset);
        Assert.Equal(refundedA1, statement.Lines[2].OccurredAt);
        Assert.Equal(TimeSpan.FromHours(8), _h.Channel.StatementDayOffset);
    }

    [Fact]
    public async Task FullyRefundedTrade_PaymentAndRefundBothOnTheBill()
    {
        var a = await PaidAsync(OrderA, 1234);
        await RefundedAsync(RefundA1, OrderA, 1234, 1234);

        var statement = await StatementAsync(Day);

        // The full refund closes the trade at Alipay; it was still paid that day.
        Assert.Equal(ChannelTradeState.Closed, (await _h.Channel.QueryPaymentAsync(_h.Account, OrderA, default)).State);
        Assert.Equal(
            [(StatementLineKind.Payment, 1234L), (StatementLineKind.Refund, 1234L)],
            statement.Lines.Select(l => (l.Kind, l.Amount)));
        Assert.All(statement.Lines, l => Assert.Equal(a.TradeNo, l.ChannelTradeNo));
    }

    [Fact]
    public async Task BillDrift_LineShowsTheDriftedAmountAndTheBillStillAddsUp()
    {
        await PaidAsync(OrderA, 1234);
        await PaidAsync(OrderB, 500);
        await RefundedAsync(RefundA1, OrderA, 300, 1234);
        await DriftAsync(OrderA, 1200);
        await DriftAsync(RefundA1, 301);

        var statement = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal([1200L, 500L, 301L], statement.Lines.Select(l => l.Amount));
    }

    [Fact]
    public async Task BillDriftToZero_RowLeftOutAndTheBillStillAddsUp()
    {
        await PaidAsync(OrderA, 1234);
        await PaidAsync(OrderB, 500);
        await RefundedAsync(RefundA1, OrderA, 300, 1234);
        _h.Simulator.SetBillAmount(OrderB, 0);
        _h.Simulator.SetBillAmount(RefundA1, 0);

        var statement = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal([(OrderA, 1234L)], statement.Lines.Select(l => (l.OrderId, l.Amount)));
    }

    [Fact]
    public async Task PaymentsEitherSideOfBeijingMidnight_EachOnItsOwnDay()
    {
        _time.SetUtcNow(new DateTimeOffset(2026, 11, 20, 15, 59, 0, TimeSpan.Zero));
        await PaidAsync(OrderA, 1234);
        _time.Advance(TimeSpan.FromSeconds(45));
        await PaidAsync(OrderB, 500);

        var first = await StatementAsync(Day);
        var second = await StatementAsync(Day.AddDays(1));

        Assert.Equal([OrderA], first.Lines.Select(l => l.OrderId));
        Assert.Equal([OrderB], second.Lines.Select(l => l.OrderId));
    }

    [Fact]
    public async Task DayWithoutBusiness_ReadyWithNoLines()
    {
        await PaidAsync(OrderA, 1234);

        var statement = await StatementAsync(Day.AddDays(-1));

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Empty(statement.Lines);
        Assert.Equal("EMPTY_DATA_WITH_BILL_FILE", LastStatementRecord().Result);
    }

    [Fact]
    public async Task FutureDay_NotReadyBillNotExist()
    {
        await PaidAsync(OrderA, 1234);

        var statement = await StatementAsync(Day.AddDays(1));

        Assert.Equal(StatementAvailability.NotReady, statement.Availability);
        Assert.Equal("isp.bill_not_exist", statement.ErrorCode);
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public async Task SimulatorZip_GbkEntryNamesWithoutUtf8FlagAndAlipayQuirks()
    {
        await PaidAsync(OrderA, 1234);
        await RefundedAsync(RefundA1, OrderA, 300, 1234);
        using var tap = new BillTap(_time, TimeSpan.Zero);

        var statement = await StatementAsync(Day, tap.Channel());

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        var zip = tap.Downloaded!;
        var account = tap.DownloadUrl!.Query.Split('&').Single(p => p.StartsWith("userId=", StringComparison.Ordinal))["userId=".Length..];
        Assert.Matches("^2088[0-9]{12}0156$", account);
        Assert.Contains($"downloadFileName={account}_20261120.csv.zip", tap.DownloadUrl.Query, StringComparison.Ordinal);

        // First local header: general purpose flag bit 11 (UTF-8 names) off, name bytes GBK.
        Assert.Equal(0x04034b50u, BinaryPrimitives.ReadUInt32LittleEndian(zip));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(6)) & 0x0800);
        var gbk = AlipayBillSamples.Gbk;
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(26));
        Assert.Equal($"{account}_20261120_业务明细.csv", gbk.GetString(zip, 30, nameLength));

        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read, false, gbk);
        Assert.Equal([$"{account}_20261120_业务明细.csv", $"{account}_20261120_业务明细(汇总).csv"], archive.Entries.Select(e => e.Name));
        using var reader = new StreamReader(archive.Entries[0].Open(), gbk);
        var text = await reader.ReadToEndAsync();
        Assert.StartsWith("#支付宝业务明细查询\r\n#账号：[" + account + "]\r\n#起始日期：[2026年11月20日 00:00:00]   终止日期：[2026年11月21日 00:00:00]\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"\t,{OrderA}\t,交易\t,", text, StringComparison.Ordinal);
        Assert.Contains($",-3.00,-3.00,", text, StringComparison.Ordinal);
        Assert.Contains("#交易合计：1笔，商家实收共12.34元，商家优惠共0.00元\r\n#退款合计：1笔，商家实收退款共-3.00元，商家优惠退款共0.00元\r\n", text, StringComparison.Ordinal);
    }

    // ---- failures are never Ready

    [Fact]
    public async Task LinkUsedAfter30Seconds_UnknownAndTheDownloadWas404()
    {
        await PaidAsync(OrderA, 1234);
        using var tap = new BillTap(_time, TimeSpan.FromSeconds(31));

        var statement = await StatementAsync(Day, tap.Channel());

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Equal(HttpStatusCode.NotFound, tap.DownloadStatus);
    }

    [Fact]
    public async Task LinkUsedWithin30Seconds_Ready()
    {
        await PaidAsync(OrderA, 1234);
        using var tap = new BillTap(_time, TimeSpan.FromSeconds(29));

        var statement = await StatementAsync(Day, tap.Channel());

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(HttpStatusCode.OK, tap.DownloadStatus);
    }

    [Fact]
    public async Task FailBehaviourBillNotExist_NotReady()
    {
        await PaidAsync(OrderA, 1234);
        _h.Simulator.SetBehaviour(new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("40004", "账单不存在", SubCode: "isp.bill_not_exist"),
            Operations = [SimulatorOperation.Statement],
        });

        var statement = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.NotReady, statement.Availability);
    }

    [Fact]
    public async Task FailBehaviourSystemError_Unknown()
    {
        await PaidAsync(OrderA, 1234);
        _h.Simulator.SetBehaviour(new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("20000", "系统繁忙", SubCode: "isp.unknow-error"),
            Operations = [SimulatorOperation.Statement],
        });

        var statement = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Equal("isp.unknow-error", statement.ErrorCode);
    }

    [Fact]
    public async Task FailBehaviourForOneBillDate_OtherDaysUnaffected()
    {
        await PaidAsync(OrderA, 1234);
        _h.Simulator.SetBehaviour("2026-11-19", new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("20000", "系统繁忙", SubCode: "isp.unknow-error"),
            Operations = [SimulatorOperation.Statement],
        });

        var failed = await StatementAsync(Day.AddDays(-1));
        var today = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.Unknown, failed.Availability);
        Assert.Equal(StatementAvailability.Ready, today.Availability);
    }

    [Fact]
    public async Task BadSignature_Unknown()
    {
        await PaidAsync(OrderA, 1234);
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Statement] });

        var statement = await StatementAsync(Day);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }

    [Fact]
    public async Task SlowerThanTheClientTimeout_Unknown()
    {
        await PaidAsync(OrderA, 1234);
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = 3000, Operations = [SimulatorOperation.Statement] });

        var statement = await StatementAsync(Day, _h.ImpatientChannel);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }

    [Fact]
    public async Task StatementBehaviour_LeavesPaymentsAlone()
    {
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("20000", SubCode: "isp.unknow-error"), Operations = [SimulatorOperation.Statement] });

        await PaidAsync(OrderA, 1234);

        Assert.Equal(ChannelTradeState.Succeeded, (await _h.Channel.QueryPaymentAsync(_h.Account, OrderA, default)).State);
    }

    private SimulatorRecord LastStatementRecord() => _h.Simulator.Records.Last(r => r.Kind == RecordKind.StatementRequest);

    /// <summary>
    /// An HTTP client pipeline for the adapter that moves the fake clock on by <c>afterLink</c> once the signed link
    /// query has been answered (so the download happens that much later), and keeps what the download returned.
    /// </summary>
    private sealed class BillTap(FakeTimeProvider time, TimeSpan afterLink) : DelegatingHandler(new SocketsHttpHandler()), IHttpClientFactory
    {
        public byte[]? Downloaded { get; private set; }

        public HttpStatusCode? DownloadStatus { get; private set; }

        public Uri? DownloadUrl { get; private set; }

        public AlipayChannel Channel() => new(this, NullLogger<AlipayChannel>.Instance, time);

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false) { Timeout = AlipaySimulatorHarness.ClientTimeout };

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == HttpMethod.Post)
            {
                time.Advance(afterLink);
            }
            else
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                (DownloadUrl, DownloadStatus, Downloaded) = (request.RequestUri, response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
            }

            return response;
        }
    }
}
