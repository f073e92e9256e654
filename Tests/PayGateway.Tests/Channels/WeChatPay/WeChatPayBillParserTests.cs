using System.IO.Compression;
using System.Text;
using System.Text.Json;
using PayGateway.Channels;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// The trade-bill parser and the download check against the public vectors in Vectors/reconciliation/wechatpay:
/// wechatpay-php's ALL bill (45 rows), WxJava's ALL/SUCCESS/REFUND layouts, and the gzip + tradebill answer made
/// from the php bill. Expected counts and sums were taken from the files independently (Python) and are literals.
/// </summary>
public sealed class WeChatPayBillParserTests
{
    private const string PhpSummary = "`45.0,`0.47,`0.14,`0.0,`0.08,`0.47,`0.14";

    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Vectors", "reconciliation", "wechatpay");

    private static byte[] Vector(string name) => File.ReadAllBytes(Path.Combine(Root, name));

    private static string PhpText() => Encoding.UTF8.GetString(Vector("php-bill.ALL.csv"));

    private static ChannelStatement ParseText(string text) => WeChatPayBillParser.Parse(Encoding.UTF8.GetBytes(text));

    private static string WxJava(string layout) => JsonDocument.Parse(Vector("wxjava-bill-samples.json")).RootElement.GetProperty(layout).GetString()!;

    [Fact]
    public void PhpBill_IsReady_With31PaymentsAnd14Refunds()
    {
        var statement = WeChatPayBillParser.Parse(Vector("php-bill.ALL.csv"));

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        var payments = statement.Lines.Where(l => l.Kind == StatementLineKind.Payment).ToList();
        var refunds = statement.Lines.Where(l => l.Kind == StatementLineKind.Refund).ToList();
        Assert.Equal((31, 14), (payments.Count, refunds.Count));
        // 订单总金额 0.47 and 申请退款总金额 0.14 of the summary.
        Assert.Equal((47L, 14L), (payments.Sum(l => l.Amount), refunds.Sum(l => l.Amount)));
        Assert.Equal(45, statement.Lines.Select(l => l.OrderId).Distinct().Count());
        Assert.Equal(14, refunds.Select(l => l.RefundId).Distinct().Count());
        Assert.All(statement.Lines, l => Assert.Equal("CNY", l.Currency));
        Assert.All(payments, l => Assert.Null(l.RefundId));
        Assert.All(payments, l => Assert.Null(l.ChannelStatus));
        Assert.All(refunds, l => Assert.Equal("SUCCESS", l.ChannelStatus));
        Assert.All(statement.Lines, l => Assert.Equal(new DateOnly(2019, 2, 19), DateOnly.FromDateTime(l.OccurredAt!.Value.DateTime)));
    }

    [Fact]
    public void PhpBill_RefundRow_MapsEveryField()
    {
        var statement = WeChatPayBillParser.Parse(Vector("php-bill.ALL.csv"));

        var refund = statement.Lines[0];
        Assert.Equal(
            new StatementLine(StatementLineKind.Refund, "autotest_20190216081946_82335", "REF4200000263201902167700963919", "4200000263201902167700134212",
                "50000709672019011908420787722", 1, "CNY", "0.00000", new DateTimeOffset(2019, 2, 19, 5, 1, 46, TimeSpan.FromHours(8)), "SUCCESS"),
            refund);
    }

    [Fact]
    public void PhpBill_PaymentRow_MapsEveryField()
    {
        var statement = WeChatPayBillParser.Parse(Vector("php-bill.ALL.csv"));

        var payment = Assert.Single(statement.Lines, l => l.OrderId == "autotest_20190219015232_89201");
        Assert.Equal(
            new StatementLine(StatementLineKind.Payment, "autotest_20190219015232_89201", null, "4200000263201902167700134902", null, 3, "CNY", "0.01000",
                new DateTimeOffset(2019, 2, 19, 1, 52, 32, TimeSpan.FromHours(8)), null),
            payment);
    }

    [Fact]
    public void PhpBill_Layout_Has27ColumnsAnd45RowsAndItsSummary()
    {
        Assert.True(WeChatPayBillFile.TryRead(Vector("php-bill.ALL.csv"), out var file, out var problem), problem);

        Assert.Equal(27, file!.Columns.Count);
        Assert.Equal("交易时间", file.Columns[0]);
        Assert.Equal(45, file.Rows.Count);
        Assert.Equal("45.0", file.Summary["总交易单数"]);
        Assert.Equal("0.47", file.Summary["应结订单总金额"]);
        Assert.Equal("0.14", file.Summary["退款总金额"]);
        // Values lose their backtick; an empty value is a lone backtick on the wire.
        Assert.Equal("", file.Rows[0]["商户数据包"]);
        Assert.True(WeChatPayBillParser.CheckSummary(file, out problem), problem);
    }

    [Fact]
    public void SyntheticGzip_VerifiesAgainstTheTradeBillHash_AndIsThePhpBill()
    {
        var answer = JsonDocument.Parse(Vector("synthetic-tradebill-response.json")).RootElement.GetProperty("tradebill_response");
        Assert.Equal("SHA1", answer.GetProperty("hash_type").GetString());

        var opened = WeChatPayBillDownload.TryOpen(Vector("synthetic-bill.ALL.csv.gz"), answer.GetProperty("hash_value").GetString()!.ToUpperInvariant(), out var csv, out var problem);

        Assert.True(opened, problem);
        Assert.Equal(Vector("php-bill.ALL.csv"), csv);
        Assert.Equal(45, WeChatPayBillParser.Parse(csv).Lines.Count);
    }

    [Fact]
    public void SyntheticGzip_WithAnotherHash_IsRefused()
    {
        var opened = WeChatPayBillDownload.TryOpen(Vector("synthetic-bill.ALL.csv.gz"), "2f7bbb2c841ec4f3c3ebeb3a315b3af7956e5a0b", out _, out var problem);

        // That is the SHA-1 of the gzip bytes: WeChat's hash is over the decompressed file.
        Assert.False(opened);
        Assert.Contains("SHA-1", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void GzipOfAlteredBill_WithTheOriginalHash_IsRefused()
    {
        var hash = JsonDocument.Parse(Vector("synthetic-tradebill-response.json")).RootElement.GetProperty("tradebill_response").GetProperty("hash_value").GetString()!;
        var altered = Encoding.UTF8.GetBytes(PhpText().Replace("`0.03,`0.00,`0,`0,", "`0.04,`0.00,`0,`0,", StringComparison.Ordinal));
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            zip.Write(altered);
        }

        Assert.False(WeChatPayBillDownload.TryOpen(gz.ToArray(), hash, out _, out _));
    }

    [Fact]
    public void CorruptGzip_IsRefused()
    {
        var gzip = Vector("synthetic-bill.ALL.csv.gz");
        var corrupt = gzip[..(gzip.Length / 2)];

        Assert.False(WeChatPayBillDownload.TryOpen(corrupt, "9bb6cd819be348f17a9cbcedddc8eb62fefbd790", out _, out _));
    }

    [Theory]
    [InlineData("ALL", 27)]
    [InlineData("SUCCESS", 20)]
    [InlineData("REFUND", 29)]
    public void WxJavaLayouts_AreReadByColumnName(string layout, int columns)
    {
        Assert.True(WeChatPayBillFile.TryRead(Encoding.UTF8.GetBytes(WxJava(layout)), out var file, out var problem), problem);

        Assert.Equal(columns, file!.Columns.Count);
        Assert.Single(file.Rows);
    }

    [Fact]
    public void WxJavaAll_RowMapsToAPayment_ButTruncatedSampleIsUnknown()
    {
        var bytes = Encoding.UTF8.GetBytes(WxJava("ALL"));
        Assert.True(WeChatPayBillFile.TryRead(bytes, out var file, out _));

        Assert.True(WeChatPayBillParser.TryLines(file!, out var lines, out var problem), problem);
        Assert.Equal(
            new StatementLine(StatementLineKind.Payment, "XXXXXXXXXX", null, "XXXXXXXXXXXXX", null, 600, "CNY", "0.04000",
                new DateTimeOffset(2019, 7, 25, 8, 35, 41, TimeSpan.FromHours(8)), null),
            Assert.Single(lines));
        // The test data keeps the full bill's summary (48 rows) with one row: the totals cannot be trusted.
        var statement = WeChatPayBillParser.Parse(bytes);
        Assert.Equal((StatementAvailability.Unknown, "BILL_TOTAL_MISMATCH"), (statement.Availability, statement.ErrorCode));
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public void WxJavaSuccess_WithAMatchingSummary_IsReady()
    {
        var text = WxJava("SUCCESS").Replace("`31,`3.05,`0.00,`0.00,`0.02000,`3.05,`0.00", "`1,`0.01,`0.00,`0.00,`0.00000,`0.01,`0.00", StringComparison.Ordinal);

        var statement = ParseText(text);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        var line = Assert.Single(statement.Lines);
        Assert.Equal((StatementLineKind.Payment, "XXX", "XXX", 1L, "0.00000"), (line.Kind, line.OrderId, line.ChannelTradeNo, line.Amount, line.Fee));
    }

    [Fact]
    public void WxJavaRefund_WithAMatchingSummary_IsReadyWithTheRefund()
    {
        var text = WxJava("REFUND").Replace("`4,`0.00,`2.02,`0.00,`-0.02000,`0.00,`2.02", "`1,`0.00,`0.01,`0.00,`0.00000,`0.00,`0.01", StringComparison.Ordinal);

        var statement = ParseText(text);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(
            new StatementLine(StatementLineKind.Refund, "xxxx", "xxx", "xxx", "xxxx", 1, "CNY", "0.00000",
                new DateTimeOffset(2019, 7, 23, 20, 53, 36, TimeSpan.FromHours(8)), "SUCCESS"),
            Assert.Single(statement.Lines));
    }

    [Theory]
    [InlineData("`45.0,`0.48,`0.14,`0.0,`0.08,`0.47,`0.14")] // 应结订单总金额
    [InlineData("`45.0,`0.47,`0.15,`0.0,`0.08,`0.47,`0.14")] // 退款总金额
    [InlineData("`45.0,`0.47,`0.14,`0.01,`0.08,`0.47,`0.14")] // 充值券退款总金额
    [InlineData("`45.0,`0.47,`0.14,`0.0,`0.08,`0.46,`0.14")] // 订单总金额
    [InlineData("`45.0,`0.47,`0.14,`0.0,`0.08,`0.47,`0.13")] // 申请退款总金额
    [InlineData("`44,`0.47,`0.14,`0.0,`0.08,`0.47,`0.14")] // 总交易单数
    [InlineData("`45.5,`0.47,`0.14,`0.0,`0.08,`0.47,`0.14")]
    public void TamperedSummary_IsUnknown(string summary)
    {
        var statement = ParseText(PhpText().Replace(PhpSummary, summary, StringComparison.Ordinal));

        Assert.Equal((StatementAvailability.Unknown, "BILL_TOTAL_MISMATCH"), (statement.Availability, statement.ErrorCode));
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public void TamperedRowAmount_NoLongerAddsUpToTheSummary_IsUnknown()
    {
        // One NATIVE payment of 0.03 becomes 0.04 in both amount columns; the summary still says 0.47.
        var text = PhpText();
        const string row = "`NATIVE,`SUCCESS,`OTHERS,`CNY,`0.03,`0.00,`0,`0,`0.00,`0.00,`,`,`autotest,`,`0.01000,`39.00%,`0.03,";
        var at = text.IndexOf(row, StringComparison.Ordinal);
        var tampered = text[..at] + row.Replace("0.03", "0.04", StringComparison.Ordinal) + text[(at + row.Length)..];

        var statement = ParseText(tampered);

        Assert.Equal((StatementAvailability.Unknown, "BILL_TOTAL_MISMATCH"), (statement.Availability, statement.ErrorCode));
    }

    [Fact]
    public void SummaryOnlyAddsUpWithTheRowsTampered_StillMatchesAmounts()
    {
        // Control for the test above: the same change with a summary that follows it is read, and shows the change.
        var text = PhpText();
        const string row = "`NATIVE,`SUCCESS,`OTHERS,`CNY,`0.03,`0.00,`0,`0,`0.00,`0.00,`,`,`autotest,`,`0.01000,`39.00%,`0.03,";
        var at = text.IndexOf(row, StringComparison.Ordinal);
        var tampered = text[..at] + row.Replace("0.03", "0.04", StringComparison.Ordinal) + text[(at + row.Length)..];
        tampered = tampered.Replace(PhpSummary, "`45.0,`0.48,`0.14,`0.0,`0.08,`0.48,`0.14", StringComparison.Ordinal);

        var statement = ParseText(tampered);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(48, statement.Lines.Where(l => l.Kind == StatementLineKind.Payment).Sum(l => l.Amount));
    }

    [Fact]
    public void RevokedRow_GivesNoLine_ButCountsInTheSummary()
    {
        var text = PhpText().Replace("`autotest_20190219015232_89201,`wxab8acb865bb1637e,`NATIVE,`SUCCESS,", "`autotest_20190219015232_89201,`wxab8acb865bb1637e,`NATIVE,`REVOKED,", StringComparison.Ordinal);

        var statement = ParseText(text);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(44, statement.Lines.Count);
        Assert.DoesNotContain(statement.Lines, l => l.OrderId == "autotest_20190219015232_89201");
    }

    [Theory]
    [InlineData("`JSAPI,`SUCCESS,", "`JSAPI,`CLOSED,")] // unrecognised 交易状态
    [InlineData("`JSAPI,`SUCCESS,`OTHERS,`CNY,", "`JSAPI,`SUCCESS,`OTHERS,`XXX,")] // unknown currency
    [InlineData("`JSAPI,`SUCCESS,`OTHERS,`CNY,`0.01,", "`JSAPI,`SUCCESS,`OTHERS,`CNY,`0.01,`extra,")] // a value too many
    [InlineData("`2019-02-19 18:19:32,", "`2019-02-19T18:19:32,")] // time format
    [InlineData("`REF4200000263201902167700963919,", "`0,")] // a refund row without its refund number
    [InlineData("`39.00%,`0.00,`0.01,`\r\n", "`39.00%,`0.00,`0.001,`\r\n")] // a refund's 申请退款金额 with three decimals
    public void MalformedRow_IsUnknown(string original, string replacement)
    {
        var text = PhpText();
        var at = text.IndexOf(original, StringComparison.Ordinal);
        Assert.True(at >= 0, "the vector holds the text to alter");

        var statement = ParseText(text[..at] + replacement + text[(at + original.Length)..]);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public void BillWithoutSummary_IsUnknown()
    {
        var text = PhpText();
        var truncated = text[..text.IndexOf("总交易单数", StringComparison.Ordinal)];

        Assert.Equal((StatementAvailability.Unknown, "BILL_UNREADABLE"), (ParseText(truncated).Availability, ParseText(truncated).ErrorCode));
    }

    [Fact]
    public void BillCutInsideARow_IsUnknown()
    {
        var bytes = Vector("php-bill.ALL.csv");

        Assert.Equal(StatementAvailability.Unknown, WeChatPayBillParser.Parse(bytes.AsSpan(0, bytes.Length / 2)).Availability);
    }

    [Fact]
    public void InvalidUtf8_IsUnknown()
    {
        byte[] bytes = [.. Vector("php-bill.ALL.csv")];
        bytes[200] = 0xFF;

        Assert.Equal((StatementAvailability.Unknown, "BILL_UNREADABLE"), (WeChatPayBillParser.Parse(bytes).Availability, WeChatPayBillParser.Parse(bytes).ErrorCode));
    }

    [Fact]
    public void BillWithoutBomOrCr_ReadsTheSame()
    {
        var text = PhpText().TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);

        var statement = ParseText(text);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(WeChatPayBillParser.Parse(Vector("php-bill.ALL.csv")).Lines, statement.Lines);
    }
}
