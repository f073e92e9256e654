using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// One transaction as a ZM record shows it: a consume (txnType 01), or a refund (04) with the consume's queryId and
/// orderId in 原交易查询流水号 and 原始交易订单号.
/// </summary>
internal sealed record UnionPayZmRow(string TxnType, string OrderId, string QueryId, long Amount, DateTimeOffset At, string ChannelType,
    string OrigQueryId = "", string OrigOrderId = "")
{
    public const string Consume = "01";
    public const string Refund = "04";
}

/// <summary>
/// The simulator's own builder of UnionPay's daily file (it does not use the gateway's parser): a zip
/// <c>&lt;merId&gt;_&lt;yyyyMMdd&gt;.zip</c> holding <c>INN&lt;yyMMdd&gt;88ZM_&lt;merId&gt;</c>, one GBK record of 42
/// fixed-width fields (separated by one space, 607 bytes, CRLF) per transaction, laid out like UnionPay's demo sample
/// (refunds, which the sample lacks, as documented: the fee comes back as a credit, the merchant is debited the rest);
/// delivered as base64(zlib(zip)) in fileContent.
/// </summary>
internal static class UnionPayZmFile
{
    private static readonly int[] Widths =
    [
        3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2,
        6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13, 8, 32, 13, 13, 12, 2, 1, 32, 98,
    ];

    private static readonly Encoding Gbk = LoadGbk();

    /// <summary>The merchant fee the simulator charges: 0.6 %, rounded half up to the fen (as in UnionPay's sample).</summary>
    public static long Fee(long amount) => ((amount * 6) + 500) / 1000;

    public static string ZipName(string merId, DateOnly settleDate) => $"{merId}_{settleDate:yyyyMMdd}.zip";

    /// <summary>fileContent: base64(zlib(zip)).</summary>
    public static string FileContent(string merId, DateOnly settleDate, IEnumerable<UnionPayZmRow> rows)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true, Gbk))
        {
            using var entry = archive.CreateEntry($"INN{settleDate:yyMMdd}88ZM_{merId}").Open();
            foreach (var row in rows)
            {
                entry.Write(Record(merId, row));
                entry.Write("\r\n"u8);
            }
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(zip.GetBuffer(), 0, (int)zip.Length);
        }

        return Convert.ToBase64String(compressed.GetBuffer(), 0, (int)compressed.Length);
    }

    private static byte[] Record(string merId, UnionPayZmRow row)
    {
        var consume = row.TxnType == UnionPayZmRow.Consume;
        var fee = Fee(row.Amount);
        var settled = consume ? Signed('C', row.Amount - fee) : Signed('D', row.Amount - fee);
        var beijing = row.At.ToOffset(TimeSpan.FromHours(8));
        string[] fields =
        [
            consume ? "S56" : "S30", "88022900", "00049993", row.QueryId[^6..], beijing.ToString("MMddHHmmss", CultureInfo.InvariantCulture), "622609******0048",
            row.Amount.ToString("D12", CultureInfo.InvariantCulture), "4899", row.ChannelType, row.QueryId, "01", row.OrderId, "01", "", "",
            Signed(consume ? 'D' : 'C', fee), settled, "0001", "", row.TxnType, consume ? "01" : "00", "000201", "", "", "", "", row.OrigQueryId, merId, "",
            "000000000000000", "", " 000000000000", settled, "01080209", "", " 000000000000", " 000000000000", " 00000000000", "", "7", row.OrigOrderId, "",
        ];
        var record = new List<byte>();
        for (var i = 0; i < Widths.Length; i++)
        {
            var bytes = Gbk.GetBytes(fields[i]);
            if (bytes.Length > Widths[i])
            {
                throw new InvalidOperationException($"ZM field {i + 1} '{fields[i]}' is longer than {Widths[i]} bytes.");
            }

            if (i > 0)
            {
                record.Add((byte)' ');
            }

            record.AddRange(bytes);
            record.AddRange(Enumerable.Repeat((byte)' ', Widths[i] - bytes.Length));
        }

        return [.. record];
    }

    private static string Signed(char sign, long fen) => sign + fen.ToString("D12", CultureInfo.InvariantCulture);

    private static Encoding LoadGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936);
    }
}
