using System.IO.Compression;
using System.Text;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;
using static PayGateway.Tests.Channels.Alipay.AlipayBillSamples;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// <see cref="AlipayStatementParser"/> on bills built in the test (<see cref="AlipayBillSamples"/>): no public Alipay
/// bill sample has a licence that allows committing it.
/// </summary>
public sealed class AlipayStatementParserTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private static ChannelStatement Parse(string detail) => AlipayStatementParser.Parse(Zip(detail));

    private static ChannelStatement ParseRows(IEnumerable<string> rows, IEnumerable<string> footer) => Parse(Detail(rows, footer));

    [Fact]
    public void ValidBill_PaymentsAndRefundReadWithIdsAmountsAndTimes()
    {
        var statement = AlipayStatementParser.Parse(Zip(ValidDetail()));

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(
        [
            new StatementLine(StatementLineKind.Payment, OrderA, null, TradeA, null, 1234, "CNY", "-0.07", new DateTimeOffset(2026, 11, 26, 12, 53, 8, Beijing), null),
            new StatementLine(StatementLineKind.Refund, OrderA, RefundA, TradeA, null, 1000, "CNY", "0.05", new DateTimeOffset(2026, 11, 26, 13, 10, 0, Beijing), null),
            new StatementLine(StatementLineKind.Payment, OrderB, null, TradeB, null, 1, "CNY", "0.00", new DateTimeOffset(2026, 11, 26, 23, 59, 59, Beijing), null),
        ], statement.Lines);
    }

    [Fact]
    public void RefundRow_NegativeAmountBecomesPositiveRefundLine()
    {
        var statement = Parse(ValidDetail());

        var refund = Assert.Single(statement.Lines, l => l.Kind == StatementLineKind.Refund);
        Assert.Equal(1000, refund.Amount);
        Assert.Equal(RefundA, refund.RefundId);
    }

    [Fact]
    public void RefundRowWithPositiveAmount_Unknown()
    {
        var positiveRefund = Row(TradeA, OrderA, "退款", "2026-11-26 12:53:00", "2026-11-26 13:10:00", "10.00", RefundA);

        var statement = ParseRows([Header, PaymentA, positiveRefund, PaymentB], [PaymentFooter, "#退款合计：1笔，商家实收退款共10.00元，商家优惠退款共0.00元"]);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Equal(AlipayStatementParser.Unparseable, statement.ErrorCode);
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public void RefundRowWithoutRequestNumber_Unknown()
    {
        var anonymous = Row(TradeA, OrderA, "退款", "2026-11-26 12:53:00", "2026-11-26 13:10:00", "-10.00", refundId: "");

        var statement = ParseRows([Header, PaymentA, anonymous, PaymentB], [PaymentFooter, RefundFooter]);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }

    [Fact]
    public void ValuesPaddedWithTabsAndSpaces_Trimmed()
    {
        var padded = string.Join(',', PaymentA.Split(',').Select(v => " \t" + v + " \t "));

        var statement = ParseRows([Header, padded, RefundRowA, PaymentB], [PaymentFooter, RefundFooter]);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        var line = statement.Lines[0];
        Assert.Equal((OrderA, TradeA, 1234L, "-0.07"), (line.OrderId, line.ChannelTradeNo, line.Amount, line.Fee));
        Assert.All(statement.Lines, l => Assert.DoesNotContain('\t', l.OrderId + l.RefundId + l.ChannelTradeNo));
    }

    [Fact]
    public void ColumnsInAnotherOrder_ReadByHeaderName()
    {
        static string Reverse(string line) => string.Join(',', line.Split(',').Reverse());

        var statement = ParseRows([Reverse(Header), Reverse(PaymentA), Reverse(RefundRowA), Reverse(PaymentB)], [PaymentFooter, RefundFooter]);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(Parse(ValidDetail()).Lines, statement.Lines);
    }

    [Fact]
    public void UnixLineEndings_SameLinesAsCrlf()
    {
        var crlf = Parse(ValidDetail("\r\n"));
        var lf = Parse(ValidDetail("\n"));

        Assert.Equal(StatementAvailability.Ready, lf.Availability);
        Assert.Equal(crlf.Lines, lf.Lines);
    }

    [Fact]
    public void MarkersWithOtherDashCounts_FoundByTheirWords()
    {
        var detail = ValidDetail().Replace(StartMarker, "#---业务明细列表---", StringComparison.Ordinal).Replace(EndMarker, "#-业务明细列表结束-----", StringComparison.Ordinal);

        var statement = Parse(detail);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(3, statement.Lines.Count);
    }

    [Fact]
    public void QuotedProductNameWithComma_StaysOneValue()
    {
        var row = Row(TradeB, OrderB, "交易", "2026-11-26 23:59:58", "2026-11-26 23:59:59", "0.01", subject: "\"礼盒, 大号\"");

        var statement = ParseRows([Header, PaymentA, RefundRowA, row], [PaymentFooter, RefundFooter]);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal((OrderB, 1L), (statement.Lines[2].OrderId, statement.Lines[2].Amount));
    }

    [Fact]
    public void NoRowsAndZeroFooter_ReadyWithNoLines()
    {
        var statement = ParseRows([Header], ["#交易合计：0笔，商家实收共0.00元，商家优惠共0.00元", "#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元"]);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Empty(statement.Lines);
    }

    // ---- the footer must add up

    [Theory]
    [InlineData("#交易合计：2笔，商家实收共12.36元，商家优惠共0.00元", RefundFooter)]
    [InlineData("#交易合计：3笔，商家实收共12.35元，商家优惠共0.00元", RefundFooter)]
    [InlineData(PaymentFooter, "#退款合计：1笔，商家实收退款共-9.99元，商家优惠退款共0.00元")]
    [InlineData(PaymentFooter, "#退款合计：2笔，商家实收退款共-10.00元，商家优惠退款共0.00元")]
    public void TamperedFooterTotal_UnknownTotalsMismatch(string paymentFooter, string refundFooter)
    {
        var statement = ParseRows([Header, PaymentA, RefundRowA, PaymentB], [paymentFooter, refundFooter]);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Equal(AlipayStatementParser.TotalsMismatch, statement.ErrorCode);
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public void RowAmountTampered_UnknownTotalsMismatch()
    {
        var statement = Parse(ValidDetail().Replace("12.34,12.34", "12.34,12.33", StringComparison.Ordinal));

        Assert.Equal(AlipayStatementParser.TotalsMismatch, statement.ErrorCode);
    }

    [Fact]
    public void RowMissing_UnknownTotalsMismatch()
    {
        var statement = ParseRows([Header, PaymentA, RefundRowA], [PaymentFooter, RefundFooter]);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Equal(AlipayStatementParser.TotalsMismatch, statement.ErrorCode);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void FooterLineMissing_Unknown(bool withPaymentFooter, bool withRefundFooter)
    {
        var statement = ParseRows([Header, PaymentA, RefundRowA, PaymentB], [.. withPaymentFooter ? [PaymentFooter] : Array.Empty<string>(), .. withRefundFooter ? [RefundFooter] : Array.Empty<string>()]);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Equal(AlipayStatementParser.Unparseable, statement.ErrorCode);
    }

    // ---- files that cannot be read

    [Fact]
    public void UnknownBusinessType_Unknown()
    {
        var other = Row(TradeB, OrderB, "冻结", "2026-11-26 23:59:58", "2026-11-26 23:59:59", "0.01");

        var statement = ParseRows([Header, PaymentA, RefundRowA, other], [PaymentFooter, RefundFooter]);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Contains("冻结", statement.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderWithoutRefundNumberColumn_Unknown()
    {
        var statement = Parse(ValidDetail().Replace("退款批次号/请求号", "批次号", StringComparison.Ordinal));

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Contains("退款批次号/请求号", statement.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void RowWithAValueTooMany_Unknown()
    {
        var statement = ParseRows([Header, PaymentA + ",extra", RefundRowA, PaymentB], [PaymentFooter, RefundFooter]);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }

    [Fact]
    public void CompletionTimeNotAlipayFormat_Unknown()
    {
        var statement = Parse(ValidDetail().Replace("2026-11-26 12:53:08", "2026/11/26 12:53:08", StringComparison.Ordinal));

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }

    [Fact]
    public void NoEndMarker_Unknown()
    {
        var statement = Parse(ValidDetail().Replace(EndMarker, "#", StringComparison.Ordinal));

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }

    [Fact]
    public void OnlyTheSummaryEntry_Unknown()
    {
        var zip = Zip(ValidDetail(), detailName: Account + "_20261126_业务明细(汇总)2.csv");

        var statement = AlipayStatementParser.Parse(zip);

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Contains("_业务明细.csv", statement.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void EntryNamesWrittenAsGbk_FoundOnlyWhenReadAsGbk()
    {
        var zip = Zip(ValidDetail());

        // The names' raw bytes are GBK: read as anything else (here the zip default), the suffix does not match.
        using var asDefault = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        Assert.DoesNotContain(asDefault.Entries, e => e.Name.EndsWith("_业务明细.csv", StringComparison.Ordinal));
        Assert.Equal(StatementAvailability.Ready, AlipayStatementParser.Parse(zip).Availability);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>下载链接已失效</body></html>")]
    [InlineData("PK\u0003\u0004 truncated")]
    public void NotAZip_Unknown(string body)
    {
        var statement = AlipayStatementParser.Parse(Encoding.UTF8.GetBytes(body));

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Equal(AlipayStatementParser.Unparseable, statement.ErrorCode);
    }

    [Fact]
    public void DetailDecodedAsGbk_ChineseMarkersAndTypesRead()
    {
        // The same text in UTF-8 is not what Alipay sends: the markers then fail to match and nothing is concluded.
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true, Gbk))
        {
            using var stream = zip.CreateEntry(Account + "_20261126_业务明细.csv").Open();
            stream.Write(Encoding.UTF8.GetBytes(ValidDetail()));
        }

        var statement = AlipayStatementParser.Parse(buffer.ToArray());

        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
    }
}
