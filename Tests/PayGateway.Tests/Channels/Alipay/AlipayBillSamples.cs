using System.IO.Compression;
using System.Text;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// Alipay trade bills written by hand for the parser tests. No public Alipay bill sample has a known licence, so none
/// is committed (Vectors/README.md); these follow the layout the sample showed (channel-protocols-2.md §1.1): GBK,
/// <c>#</c> lines, the 25 columns, a TAB before the comma after text values, negative refund rows, footer totals.
/// They are written independently of the simulator's bill writer, so the two check each other.
/// </summary>
internal static class AlipayBillSamples
{
    public const string Account = "20880211096256330156";
    public const string OrderA = "20261126125300123AA0100A";
    public const string OrderB = "20261126140000456AA0100B";
    public const string RefundA = OrderA + "R001";
    public const string TradeA = "2026112622001453020000000001";
    public const string TradeB = "2026112622001453020000000002";

    public const string Header =
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）," +
        "支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）," +
        "退款批次号/请求号,服务费（元）,分润（元）,备注";

    public const string StartMarker = "#-----------------------------------------业务明细列表----------------------------------------";
    public const string EndMarker = "#-----------------------------------------业务明细列表结束------------------------------------";

    public static readonly Encoding Gbk = LoadGbk();

    /// <summary>A row as Alipay writes it: text values followed by a TAB, amounts and times bare.</summary>
    public static string Row(string tradeNo, string orderId, string type, string created, string completed, string amount, string refundId = "", string fee = "0.00", string subject = "测试商品") =>
        string.Join(',',
            tradeNo + "\t", orderId + "\t", type + "\t", subject + "\t", created, completed, "\t", "\t", "\t", "\t", "159****5620\t",
            amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "\t", "0.00", "0.00", refundId + "\t", fee, "0.00", "\t");

    public static readonly string PaymentA = Row(TradeA, OrderA, "交易", "2026-11-26 12:53:00", "2026-11-26 12:53:08", "12.34", fee: "-0.07");
    public static readonly string RefundRowA = Row(TradeA, OrderA, "退款", "2026-11-26 12:53:00", "2026-11-26 13:10:00", "-10.00", RefundA, fee: "0.05");
    public static readonly string PaymentB = Row(TradeB, OrderB, "交易", "2026-11-26 23:59:58", "2026-11-26 23:59:59", "0.01");

    public const string PaymentFooter = "#交易合计：2笔，商家实收共12.35元，商家优惠共0.00元";
    public const string RefundFooter = "#退款合计：1笔，商家实收退款共-10.00元，商家优惠退款共0.00元";

    /// <summary>The detail file: preamble, markers, <paramref name="rows"/> (header first), footer lines.</summary>
    public static string Detail(IEnumerable<string> rows, IEnumerable<string> footer, string newline = "\r\n") =>
        string.Join(newline,
        [
            "#支付宝业务明细查询",
            $"#账号：[{Account}]",
            "#起始日期：[2026年11月26日 00:00:00]   终止日期：[2026年11月27日 00:00:00]",
            StartMarker,
            .. rows,
            EndMarker,
            .. footer,
            "#导出时间：[2026年11月27日 09:12:33]",
            "",
        ]);

    /// <summary>Two payments and a partial refund of the first, with a footer that adds up.</summary>
    public static string ValidDetail(string newline = "\r\n") =>
        Detail([Header, PaymentA, RefundRowA, PaymentB], [PaymentFooter, RefundFooter], newline);

    /// <summary>A zip like Alipay's: GBK entry names (UTF-8 flag off), the detail and a summary entry.</summary>
    public static byte[] Zip(string detail, string detailName = Account + "_20261126_业务明细.csv", bool withSummary = true)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true, Gbk))
        {
            Add(zip, detailName, detail);
            if (withSummary)
            {
                // The summary's own list must never be taken for the detail's.
                Add(zip, Account + "_20261126_业务明细(汇总).csv", string.Join("\r\n",
                    "#支付宝业务汇总查询",
                    "#-----------------------------------------业务汇总列表----------------------------------------",
                    "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）",
                    "合计\t,\t,2,1,2.35,2.35,0.00,0.00,0.00,0.00,0.00,2.35",
                    "#-----------------------------------------业务汇总列表结束------------------------------------"));
            }
        }

        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(Gbk.GetBytes(content));
    }

    private static Encoding LoadGbk()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936);
    }
}
