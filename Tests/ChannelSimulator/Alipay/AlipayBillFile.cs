using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using PayGateway.ChannelSimulator.Bills;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>One row of a <c>trade</c> bill, before formatting.</summary>
/// <param name="Amount">Minor units, positive; refund rows are written negative.</param>
/// <param name="OutRequestNo">Refund rows: the merchant's refund request number.</param>
internal sealed record AlipayBillRow(
    string TradeNo,
    string OutTradeNo,
    bool IsRefund,
    string Subject,
    DateTimeOffset CreatedAt,
    DateTimeOffset CompletedAt,
    string Counterparty,
    long Amount,
    string? OutRequestNo);

/// <summary>A built bill: the zip's file name and bytes.</summary>
internal sealed record AlipayBill(string FileName, byte[] Zip);

/// <summary>
/// Writes Alipay's <c>trade</c> bill as the public sample shows it (channel-protocols-2.md §1.1): a zip
/// <c>&lt;acct&gt;_yyyyMMdd.csv.zip</c> whose entries <c>…_业务明细.csv</c> and <c>…_业务明细(汇总).csv</c> have GBK names
/// (UTF-8 flag off) and GBK content, <c>#</c> header and footer lines, full-width parentheses in the headers, a TAB
/// before the comma after text values, refunds as negative rows. Line ending (CRLF) and the summary file's exact
/// layout are not confirmed by any public sample.
/// </summary>
internal static class AlipayBillFile
{
    public const string PaymentType = "交易";
    public const string RefundType = "退款";

    private const string Crlf = "\r\n";
    private const string Zero = "0.00";

    private static readonly string[] DetailColumns =
    [
        "支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号", "门店名称", "操作员", "终端号",
        "对方账户", "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）",
        "券核销金额（元）", "券名称", "商家红包消费金额（元）", "卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注",
    ];

    private static readonly string[] SummaryColumns =
    [
        "门店编号", "门店名称", "交易订单总笔数", "退款订单总笔数", "订单金额（元）", "商家实收（元）", "支付宝优惠（元）",
        "商家优惠（元）", "卡消费金额（元）", "服务费（元）", "分润（元）", "实收净额（元）",
    ];

    private static readonly Encoding Gbk = LoadGbk();

    /// <summary>
    /// The "account" Alipay names files with: the merchant's 16-digit PID (2088…) and <c>0156</c>. The simulator has no
    /// PIDs, so one is derived from the app id: stable across runs, different per app.
    /// </summary>
    public static string AccountOf(string appId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(appId));
        var digits = BinaryPrimitives.ReadUInt64BigEndian(hash) % 1_000_000_000_000UL;
        return $"2088{digits:D12}0156";
    }

    /// <summary>The day's bill for <paramref name="account"/>; <paramref name="rows"/> in completion order.</summary>
    public static AlipayBill Build(string account, DateOnly day, IReadOnlyList<AlipayBillRow> rows, DateTimeOffset exportedAt)
    {
        var date = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true, Gbk))
        {
            AddEntry(zip, $"{account}_{date}_业务明细.csv", Detail(account, day, rows, exportedAt), exportedAt);
            AddEntry(zip, $"{account}_{date}_业务明细(汇总).csv", Summary(account, day, rows, exportedAt), exportedAt);
        }

        return new AlipayBill($"{account}_{date}.csv.zip", buffer.ToArray());
    }

    private static string Detail(string account, DateOnly day, IReadOnlyList<AlipayBillRow> rows, DateTimeOffset exportedAt)
    {
        var text = new StringBuilder();
        Preamble(text, "#支付宝业务明细查询", account, day);
        text.Append("#-----------------------------------------业务明细列表----------------------------------------").Append(Crlf);
        text.Append(string.Join(',', DetailColumns)).Append(Crlf);
        foreach (var row in rows)
        {
            var amount = AlipayWire.Yuan(row.IsRefund ? -row.Amount : row.Amount);
            string[] values =
            [
                Text(row.TradeNo), Text(row.OutTradeNo), Text(row.IsRefund ? RefundType : PaymentType), Text(row.Subject),
                AlipayWire.BeijingTime(row.CreatedAt), AlipayWire.BeijingTime(row.CompletedAt),
                Text(""), Text(""), Text(""), Text(""), Text(row.Counterparty),
                amount, amount, Zero, Zero, Zero, Zero, Zero, Text(""), Zero, Zero,
                Text(row.OutRequestNo ?? ""), Zero, Zero, Text(""),
            ];
            text.Append(string.Join(',', values)).Append(Crlf);
        }

        text.Append("#-----------------------------------------业务明细列表结束------------------------------------").Append(Crlf);
        var payments = rows.Where(r => !r.IsRefund).ToList();
        var refunds = rows.Where(r => r.IsRefund).ToList();
        text.Append($"#交易合计：{payments.Count}笔，商家实收共{AlipayWire.Yuan(payments.Sum(r => r.Amount))}元，商家优惠共0.00元").Append(Crlf);
        text.Append($"#退款合计：{refunds.Count}笔，商家实收退款共{AlipayWire.Yuan(-refunds.Sum(r => r.Amount))}元，商家优惠退款共0.00元").Append(Crlf);
        text.Append($"#导出时间：[{Chinese(exportedAt.ToOffset(BillDay.Offset).DateTime)}]").Append(Crlf);
        return text.ToString();
    }

    private static string Summary(string account, DateOnly day, IReadOnlyList<AlipayBillRow> rows, DateTimeOffset exportedAt)
    {
        var text = new StringBuilder();
        Preamble(text, "#支付宝业务汇总查询", account, day);
        text.Append("#-----------------------------------------业务汇总列表----------------------------------------").Append(Crlf);
        text.Append(string.Join(',', SummaryColumns)).Append(Crlf);
        var payments = rows.Count(r => !r.IsRefund);
        var refunds = rows.Count(r => r.IsRefund);
        var net = AlipayWire.Yuan(rows.Sum(r => r.IsRefund ? -r.Amount : r.Amount));
        string[] totals = [payments.ToString(CultureInfo.InvariantCulture), refunds.ToString(CultureInfo.InvariantCulture), net, net, Zero, Zero, Zero, Zero, Zero, net];

        // The simulator has no stores: every row belongs to the store without a number.
        if (rows.Count > 0)
        {
            text.Append(string.Join(',', [Text(""), Text(""), .. totals])).Append(Crlf);
        }

        text.Append(string.Join(',', [Text("合计"), Text(""), .. totals])).Append(Crlf);
        text.Append("#-----------------------------------------业务汇总列表结束------------------------------------").Append(Crlf);
        text.Append($"#导出时间：[{Chinese(exportedAt.ToOffset(BillDay.Offset).DateTime)}]").Append(Crlf);
        return text.ToString();
    }

    private static void Preamble(StringBuilder text, string title, string account, DateOnly day)
    {
        var from = day.ToDateTime(TimeOnly.MinValue);
        text.Append(title).Append(Crlf);
        text.Append($"#账号：[{account}]").Append(Crlf);
        text.Append($"#起始日期：[{Chinese(from)}]   终止日期：[{Chinese(from.AddDays(1))}]").Append(Crlf);
    }

    private static string Chinese(DateTime local) => local.ToString("yyyy年MM月dd日 HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// A text value as Alipay writes it: followed by a TAB (so spreadsheet programs keep long ids as text). A value
    /// with a comma or quote is quoted, an assumption: the public sample has none.
    /// </summary>
    private static string Text(string value)
    {
        value = value.ReplaceLineEndings(" ");
        if (value.Contains(',') || value.Contains('"'))
        {
            value = "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        }

        return value + "\t";
    }

    private static void AddEntry(ZipArchive zip, string name, string content, DateTimeOffset at)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = at.ToOffset(BillDay.Offset);
        using var stream = entry.Open();
        var bytes = Gbk.GetBytes(content);
        stream.Write(bytes, 0, bytes.Length);
    }

    private static Encoding LoadGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936);
    }
}
