using System.Text.Json;
using PayGateway.Channels;
using PayGateway.Channels.UnionPay;
using static PayGateway.Tests.Channels.UnionPay.UnionPayStatementSamples;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>
/// <see cref="UnionPayFileContent"/> and <see cref="UnionPayStatementParser"/> on UnionPay's public file-transfer sample
/// (8 consumes, settle date 2015-09-05) and on edits of it.
/// </summary>
public sealed class UnionPayStatementParserTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private static ChannelStatement ParseRecords(IEnumerable<byte[]> records) => UnionPayStatementParser.Parse(ZipWithZm(ZmFile(records)), MerId, SettleDate);

    private static void AssertUnknown(ChannelStatement statement, string code)
    {
        Assert.Equal(StatementAvailability.Unknown, statement.Availability);
        Assert.Equal(code, statement.ErrorCode);
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public void Layout_MatchesTheVectorsFieldWidths()
    {
        using var layout = JsonDocument.Parse(File.ReadAllText(Path.Combine(UnionPayStatementSamples.Directory, "zm-layout.json")));

        var widths = layout.RootElement.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("width").GetInt32()).ToList();

        Assert.Equal(widths, UnionPayZmLayout.Widths);
        Assert.Equal(607, UnionPayZmLayout.RecordLength);
    }

    [Fact]
    public void VectorZip_EightConsumesWithTheReportsTotals()
    {
        var statement = UnionPayStatementParser.Parse(VectorZip, MerId, SettleDate);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(8, statement.Lines.Count);
        Assert.All(statement.Lines, l => Assert.Equal((StatementLineKind.Payment, "CNY", null, null), (l.Kind, l.Currency, l.RefundId, l.ChannelRefundNo)));
        // The RD report: 8 自助消费, 13227.00 credited, 79.36 fees debited, 13147.64 net.
        Assert.Equal(1_322_700, statement.Lines.Sum(l => l.Amount));
        Assert.All(statement.Lines, l => Assert.StartsWith("D", l.Fee));
        var fees = statement.Lines.Sum(l => long.Parse(l.Fee![1..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(7_936, fees);
        Assert.Equal(1_314_764, statement.Lines.Sum(l => l.Amount) - fees);
        Assert.Equal(8, statement.Lines.Select(l => l.OrderId).Distinct().Count());
    }

    [Fact]
    public void VectorZip_FirstRecordReadFieldByField()
    {
        var statement = UnionPayStatementParser.Parse(VectorZip, MerId, SettleDate);

        Assert.Equal(
            new StatementLine(StatementLineKind.Payment, "10078087", null, "201509061122031906248", null, 476_800, "CNY", "D000000002861",
                new DateTimeOffset(2015, 9, 6, 11, 22, 3, Beijing), null),
            statement.Lines[0]);
    }

    [Fact]
    public void SyntheticFileContent_DecodesToTheVectorZipAndTheSameLines()
    {
        Assert.True(UnionPayFileContent.TryDecode(VectorFileContent, out var zip, out _));

        Assert.Equal(VectorZip, zip);
        Assert.Equal(UnionPayStatementParser.Parse(VectorZip, MerId, SettleDate).Lines, UnionPayStatementParser.Parse(zip, MerId, SettleDate).Lines);
    }

    [Fact]
    public void FileContent_RoundTripOfAnEditedZip_Decodes()
    {
        var zip = ZipWithZm(ZmFile(VectorRecords().Take(2)));

        Assert.True(UnionPayFileContent.TryDecode(FileContent(zip), out var decoded, out _));

        Assert.Equal(2, UnionPayStatementParser.Parse(decoded, MerId, SettleDate).Lines.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("UEsDBBQAAAAIAA==")]
    public void FileContent_NotBase64OfZlib_NotDecoded(string fileContent)
    {
        Assert.False(UnionPayFileContent.TryDecode(fileContent, out var zip, out var problem));

        Assert.Null(zip);
        Assert.NotNull(problem);
    }

    [Fact]
    public void FileContent_Truncated_NotReady()
    {
        var content = VectorFileContent;
        var truncated = content[..(content.Length / 2 / 4 * 4)];

        var decoded = UnionPayFileContent.TryDecode(truncated, out var zip, out _);

        // Either the zlib stream is refused, or what it gives is no zip: never a statement.
        Assert.True(!decoded || UnionPayStatementParser.Parse(zip!, MerId, SettleDate).Availability == StatementAvailability.Unknown);
    }

    [Fact]
    public void TruncatedZip_Unknown()
    {
        var zip = VectorZip;

        AssertUnknown(UnionPayStatementParser.Parse(zip[..(zip.Length - 40)], MerId, SettleDate), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void ZmFileCutMidRecord_Unknown()
    {
        var file = ZmFile(VectorRecords());

        AssertUnknown(UnionPayStatementParser.Parse(ZipWithZm(file[..^100]), MerId, SettleDate), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void LastRecordWithoutCrlf_Unknown()
    {
        var file = ZmFile(VectorRecords());

        AssertUnknown(UnionPayStatementParser.Parse(ZipWithZm([.. file[..^2], (byte)' ', (byte)' ']), MerId, SettleDate), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void RecordShiftedByOneByte_Unknown()
    {
        var records = VectorRecords();
        // Same length, but every field after the first moved one byte: a separator is no longer a space.
        records[3] = [.. records[3][1..], (byte)' '];

        AssertUnknown(ParseRecords(records), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void FeeChanged_AmountsNoLongerAddUp_Unknown()
    {
        var records = VectorRecords();
        records[5] = With(records[5], UnionPayZmLayout.MerchantFee, "D000000999999");

        AssertUnknown(ParseRecords(records), UnionPayStatementParser.AmountsMismatch);
    }

    [Fact]
    public void AmountChanged_AmountsNoLongerAddUp_Unknown()
    {
        var records = VectorRecords();
        records[0] = With(records[0], UnionPayZmLayout.TxnAmount, "000000476801");

        AssertUnknown(ParseRecords(records), UnionPayStatementParser.AmountsMismatch);
    }

    [Theory]
    [InlineData("X000000002861")]
    [InlineData(" 000000002861")]
    [InlineData("D00000000286A")]
    public void UnreadableSignedFee_Unknown(string fee)
    {
        var records = VectorRecords();
        records[0] = With(records[0], UnionPayZmLayout.MerchantFee, fee);

        AssertUnknown(ParseRecords(records), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void RecordOfAnotherMerchant_Unknown()
    {
        var records = VectorRecords();
        records[2] = With(records[2], UnionPayZmLayout.MerId, "802310048993425");

        AssertUnknown(ParseRecords(records), UnionPayStatementParser.Unparseable);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("71")]
    [InlineData("  ")]
    public void UnknownTxnType_Unknown(string txnType)
    {
        var records = VectorRecords();
        records[1] = With(records[1], UnionPayZmLayout.TxnType, txnType);

        AssertUnknown(ParseRecords(records), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void OtherSettleDate_Unknown()
    {
        AssertUnknown(UnionPayStatementParser.Parse(VectorZip, MerId, SettleDate.AddDays(1)), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void OtherMerchantAsked_Unknown()
    {
        AssertUnknown(UnionPayStatementParser.Parse(VectorZip, "777290058110097", SettleDate), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void TwoZmFilesForTheMerchant_Unknown()
    {
        var zm = ZmFile(VectorRecords());
        var zip = Zip((ZmEntryName, zm), ("INN15090599ZM_" + MerId, zm));

        AssertUnknown(UnionPayStatementParser.Parse(zip, MerId, SettleDate), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void OnlyAnAdjustmentFile_Unknown()
    {
        var zip = Zip(("INN15090588ZME_" + MerId, ZmFile(VectorRecords())));

        AssertUnknown(UnionPayStatementParser.Parse(zip, MerId, SettleDate), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void EmptyZmFile_ReadyWithNoLines()
    {
        var statement = ParseRecords([]);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Empty(statement.Lines);
    }

    [Fact]
    public void RefundRecord_RefundLineOfTheOriginalOrder()
    {
        var consume = VectorRecords()[0];
        var refund = With(consume, UnionPayZmLayout.TxnType, "04");
        refund = With(refund, UnionPayZmLayout.OrderId, "20261126101500123R1");
        refund = With(refund, UnionPayZmLayout.QueryId, "201509061300001906249");
        refund = With(refund, UnionPayZmLayout.TxnAmount, "000000100000");
        // The fee comes back (credit) and the merchant is debited the rest: −100000 + 600 = −99400.
        refund = With(refund, UnionPayZmLayout.MerchantFee, "C000000000600");
        refund = With(refund, UnionPayZmLayout.SettleAmount, "D000000099400");
        refund = With(refund, UnionPayZmLayout.OrigQueryId, "201509061122031906248");
        refund = With(refund, UnionPayZmLayout.OrigOrderId, "10078087");

        var statement = ParseRecords([consume, refund]);

        Assert.Equal(StatementAvailability.Ready, statement.Availability);
        Assert.Equal(
            new StatementLine(StatementLineKind.Refund, "10078087", "20261126101500123R1", "201509061122031906248", "201509061300001906249", 100_000, "CNY",
                "C000000000600", new DateTimeOffset(2015, 9, 6, 11, 22, 3, Beijing), null),
            statement.Lines[1]);
        Assert.True(statement.Lines[1].IsDone);
    }

    [Fact]
    public void RefundRecordWithCreditSettlement_Unknown()
    {
        var refund = With(VectorRecords()[0], UnionPayZmLayout.TxnType, "04");
        refund = With(refund, UnionPayZmLayout.OrigOrderId, "10078087");

        // Still "+amount − fee = credit": wrong for money given back.
        AssertUnknown(ParseRecords([refund]), UnionPayStatementParser.AmountsMismatch);
    }

    [Fact]
    public void RefundRecordWithoutOriginalOrderId_Unknown()
    {
        var refund = With(VectorRecords()[0], UnionPayZmLayout.TxnType, "04");
        refund = With(refund, UnionPayZmLayout.MerchantFee, "C000000002861");
        refund = With(refund, UnionPayZmLayout.SettleAmount, "D000000473939");

        AssertUnknown(ParseRecords([refund]), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void GatewayRefundIdWithoutOriginalOrderId_RefundLineOfTheOrderItNames()
    {
        var orderId = OrderId.Format(1_795_000_000_000, "01", 5, 1);
        var refund = With(VectorRecords()[0], UnionPayZmLayout.TxnType, "04");
        refund = With(refund, UnionPayZmLayout.OrderId, RefundId.For(orderId, 2));
        refund = With(refund, UnionPayZmLayout.MerchantFee, "C000000002861");
        refund = With(refund, UnionPayZmLayout.SettleAmount, "D000000473939");

        var line = Assert.Single(ParseRecords([refund]).Lines);

        Assert.Equal((StatementLineKind.Refund, orderId, RefundId.For(orderId, 2)), (line.Kind, line.OrderId, line.RefundId));
    }

    [Fact]
    public void GatewayRefundIdOfAnotherOrderThanTheOriginalOrderId_Unknown()
    {
        var refund = With(VectorRecords()[0], UnionPayZmLayout.TxnType, "04");
        refund = With(refund, UnionPayZmLayout.OrderId, RefundId.For(OrderId.Format(1_795_000_000_000, "01", 5, 1), 1));
        refund = With(refund, UnionPayZmLayout.OrigOrderId, OrderId.Format(1_795_000_000_000, "01", 5, 2));
        refund = With(refund, UnionPayZmLayout.MerchantFee, "C000000002861");
        refund = With(refund, UnionPayZmLayout.SettleAmount, "D000000473939");

        AssertUnknown(ParseRecords([refund]), UnionPayStatementParser.Unparseable);
    }

    [Fact]
    public void TransmissionTimeAcrossNewYear_TakesTheNearestYear()
    {
        var record = With(VectorRecords()[0], UnionPayZmLayout.TransmissionTime, "1231230501");
        var zip = ZipWithZm(ZmFile([record]), "INN26010188ZM_" + MerId);

        var statement = UnionPayStatementParser.Parse(zip, MerId, new DateOnly(2026, 1, 1));

        Assert.Equal(new DateTimeOffset(2025, 12, 31, 23, 5, 1, Beijing), Assert.Single(statement.Lines).OccurredAt);
    }
}
