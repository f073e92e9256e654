using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Reads Alipay's <c>trade</c> bill: the zip behind <c>bill_download_url</c>, its <c>…_业务明细.csv</c> entry (GBK),
/// the rows between the <c>业务明细列表</c> markers, and the <c>#交易合计</c> / <c>#退款合计</c> footer the rows must add
/// up to. Pure (no I/O besides the bytes given), so it is tested on zips built in the tests.
/// </summary>
/// <remarks>
/// Layout (docs: channel-protocols-2.md §1.1): <c>#</c> lines around a CSV whose id-like values end with a TAB
/// before the comma; headers with full-width parentheses; refund rows with negative amounts. Columns are found by
/// header name, never by position, because Alipay has added columns over the years.
/// </remarks>
public static partial class AlipayStatementParser
{
    public const string PaymentType = "交易";
    public const string RefundType = "退款";

    public const string TradeNoColumn = "支付宝交易号";
    public const string OrderIdColumn = "商户订单号";
    public const string TypeColumn = "业务类型";
    public const string CompletedAtColumn = "完成时间";
    public const string OrderAmountColumn = "订单金额（元）";
    public const string ReceivedColumn = "商家实收（元）";
    public const string RefundIdColumn = "退款批次号/请求号";
    public const string FeeColumn = "服务费（元）";

    public const string Unparseable = "STATEMENT_UNPARSEABLE";
    public const string TotalsMismatch = "STATEMENT_TOTALS_MISMATCH";

    private const string DetailEntrySuffix = "_业务明细.csv";
    private const string ListMarker = "业务明细列表";
    private const string ListEndMarker = "业务明细列表结束";
    private const string Currency = "CNY";

    // A day of a very large merchant is tens of MB; a bigger entry is a broken or hostile file, not a statement.
    private const long MaxEntryBytes = 512L * 1024 * 1024;

    private static readonly string[] RequiredColumns =
        [TradeNoColumn, OrderIdColumn, TypeColumn, CompletedAtColumn, OrderAmountColumn, ReceivedColumn, RefundIdColumn];

    private static readonly Encoding Gbk = GbkEncoding.Instance;

    /// <summary>
    /// The statement in <paramref name="zip"/>: <see cref="StatementAvailability.Ready"/> with its lines when the file
    /// parsed and the footer totals equal the rows; otherwise <see cref="StatementAvailability.Unknown"/> saying why.
    /// Never throws for bad content.
    /// </summary>
    public static ChannelStatement Parse(byte[] zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        string text;
        try
        {
            // Entry names are GBK bytes with the UTF-8 flag off; without the encoding they would not match the suffix.
            using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read, leaveOpen: false, Gbk);
            var details = archive.Entries.Where(e => e.Name.EndsWith(DetailEntrySuffix, StringComparison.Ordinal)).ToList();
            if (details.Count != 1)
            {
                return ChannelStatement.Unknown(Unparseable, $"The bill zip has {details.Count} entries named *{DetailEntrySuffix}; expected one.");
            }

            if (ReadEntry(details[0]) is not { } bytes)
            {
                return ChannelStatement.Unknown(Unparseable, "The bill's detail entry is larger than any real statement.");
            }

            // Invalid bytes become U+FFFD rather than an error: a product name Alipay could not encode must not make
            // the whole day unreadable. Markers, ids, amounts and totals are still checked below.
            text = Gbk.GetString(bytes);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            return ChannelStatement.Unknown(Unparseable, $"The bill is not a readable zip ({ex.GetType().Name}).");
        }

        return ParseDetail(text);
    }

    private static byte[]? ReadEntry(ZipArchiveEntry entry)
    {
        if (entry.Length > MaxEntryBytes)
        {
            return null;
        }

        // The declared length can lie; the copy stops at the limit either way.
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxEntryBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ChannelStatement ParseDetail(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        // The start and end markers have different numbers of dashes, so they are told apart by their words.
        var start = Array.FindIndex(lines, l => IsComment(l) && l.Contains(ListMarker, StringComparison.Ordinal) && !l.Contains(ListEndMarker, StringComparison.Ordinal));
        var end = start < 0 ? -1 : Array.FindIndex(lines, start + 1, l => IsComment(l) && l.Contains(ListEndMarker, StringComparison.Ordinal));
        if (start < 0 || end < 0)
        {
            return ChannelStatement.Unknown(Unparseable, "The bill has no 业务明细列表 start and end markers.");
        }

        var body = lines[(start + 1)..end].Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        if (body.Count == 0)
        {
            return ChannelStatement.Unknown(Unparseable, "The bill has no header row.");
        }

        var header = SplitCsv(body[0]);
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            columns.TryAdd(header[i], i);
        }

        if (RequiredColumns.FirstOrDefault(c => !columns.ContainsKey(c)) is { } missing)
        {
            return ChannelStatement.Unknown(Unparseable, $"The bill has no column {missing}.");
        }

        var rows = new AlipayStatementRows(columns, header.Count);
        for (var i = 1; i < body.Count; i++)
        {
            if (rows.Add(SplitCsv(body[i])) is { } problem)
            {
                return ChannelStatement.Unknown(Unparseable, $"Bill row {i}: {problem}");
            }
        }

        var footer = lines[(end + 1)..];
        if (!TryReadFooter(footer, PaymentFooter(), out var paymentCount, out var paymentTotal)
            || !TryReadFooter(footer, RefundFooter(), out var refundCount, out var refundTotal))
        {
            return ChannelStatement.Unknown(Unparseable, "The bill has no readable #交易合计 / #退款合计 footer.");
        }

        // The footer is Alipay's own sum of 商家实收; a file that disagrees with itself was cut short or altered.
        if (paymentCount != rows.PaymentCount || paymentTotal != rows.PaymentReceived
            || refundCount != rows.RefundCount || refundTotal != rows.RefundReceived)
        {
            return ChannelStatement.Unknown(TotalsMismatch,
                $"Footer says {paymentCount} payments / {paymentTotal} fen and {refundCount} refunds / {refundTotal} fen; "
                + $"the rows have {rows.PaymentCount} / {rows.PaymentReceived} and {rows.RefundCount} / {rows.RefundReceived}.");
        }

        return ChannelStatement.Ready(rows.Lines);
    }

    private static bool IsComment(string line) => line.StartsWith('#');

    private static bool TryReadFooter(string[] footer, Regex pattern, out int count, out long total)
    {
        count = 0;
        total = 0;
        foreach (var line in footer)
        {
            var match = pattern.Match(line);
            if (match.Success)
            {
                return int.TryParse(match.Groups["count"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out count)
                    && TryParseSignedYuan(match.Groups["total"].Value, out total);
            }
        }

        return false;
    }

    /// <summary>Alipay's yuan with an optional leading minus (refund rows and the refund footer) to signed fen.</summary>
    internal static bool TryParseSignedYuan(string text, out long fen)
    {
        fen = 0;
        var negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        if (digits.Length == 0 || !char.IsAsciiDigit(digits[0]) || !AlipayFormats.TryParseYuan(digits, out var magnitude))
        {
            return false;
        }

        fen = negative ? -magnitude : magnitude;
        return true;
    }

    /// <summary>
    /// One CSV line, every value trimmed of whitespace (the TABs Alipay puts before commas included). Double quotes
    /// are honoured in case a product name carries a comma; Alipay's handling of that is not publicly documented.
    /// </summary>
    internal static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var value = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    value.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    value.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"' && string.IsNullOrWhiteSpace(value.ToString()))
            {
                value.Clear();
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(value.ToString().Trim());
                value.Clear();
            }
            else
            {
                value.Append(c);
            }
        }

        fields.Add(value.ToString().Trim());
        return fields;
    }

    [GeneratedRegex(@"^#交易合计[：:]\s*(?<count>\d+)\s*笔[，,]\s*商家实收共\s*(?<total>-?[0-9.]+)\s*元")]
    private static partial Regex PaymentFooter();

    [GeneratedRegex(@"^#退款合计[：:]\s*(?<count>\d+)\s*笔[，,]\s*商家实收退款共\s*(?<total>-?[0-9.]+)\s*元")]
    private static partial Regex RefundFooter();

    /// <summary>The rows read so far and their sums, for the footer check.</summary>
    private sealed class AlipayStatementRows(Dictionary<string, int> columns, int width)
    {
        public List<StatementLine> Lines { get; } = [];

        public int PaymentCount { get; private set; }

        public long PaymentReceived { get; private set; }

        public int RefundCount { get; private set; }

        /// <summary>Negative, as the refund footer writes it.</summary>
        public long RefundReceived { get; private set; }

        /// <summary>Adds one row; a message when it cannot be read.</summary>
        public string? Add(List<string> row)
        {
            if (row.Count != width)
            {
                return $"{row.Count} values under {width} headers.";
            }

            string Value(string column) => row[columns[column]];
            var type = Value(TypeColumn);
            var orderId = Value(OrderIdColumn);
            var tradeNo = Value(TradeNoColumn);
            if (orderId.Length == 0)
            {
                return "no 商户订单号.";
            }

            if (!AlipayFormats.TryParseBeijingTime(Value(CompletedAtColumn), out var completedAt))
            {
                return "完成时间 is not yyyy-MM-dd HH:mm:ss.";
            }

            if (!TryParseSignedYuan(Value(OrderAmountColumn), out var amount) || !TryParseSignedYuan(Value(ReceivedColumn), out var received))
            {
                return "an amount is not yuan with two decimals.";
            }

            var fee = columns.TryGetValue(FeeColumn, out var feeIndex) && row[feeIndex].Length > 0 ? row[feeIndex] : null;
            switch (type)
            {
                case PaymentType when amount > 0:
                    PaymentCount++;
                    PaymentReceived += received;
                    Lines.Add(new StatementLine(StatementLineKind.Payment, orderId, null, NullIfEmpty(tradeNo), null, amount, Currency, fee, completedAt, null));
                    return null;
                case RefundType when amount < 0 && Value(RefundIdColumn) is { Length: > 0 } refundId:
                    // Refund rows carry negative amounts; the gateway's lines are always positive.
                    RefundCount++;
                    RefundReceived += received;
                    Lines.Add(new StatementLine(StatementLineKind.Refund, orderId, refundId, NullIfEmpty(tradeNo), null, -amount, Currency, fee, completedAt, null));
                    return null;
                case PaymentType:
                    return "a 交易 row with an amount that is not positive.";
                case RefundType:
                    return "a 退款 row without a negative amount and a 退款批次号/请求号.";
                default:
                    // Not skipped: an unknown kind of row may move money, and the footer would not say which way.
                    return $"unknown 业务类型 '{type}'.";
            }
        }

        private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
    }
}
