using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// Reads a UnionPay file-transfer zip (<c>&lt;merId&gt;_&lt;yyyyMMdd&gt;.zip</c>, after <see cref="UnionPayFileContent"/>):
/// its one ZM file for the merchant and settle date, record by record (<see cref="UnionPayZmLayout"/>), into statement
/// lines. Pure (no I/O besides the bytes given), so the public vector and every corruption are tested without HTTP.
/// </summary>
/// <remarks>
/// <para><b>Kinds.</b> 交易类型 (txnType) <c>01</c> is a consume (payment line). <c>04</c> (refund) and <c>31</c> (consume
/// revoke) give money back: refund lines, named by their own orderId (the refund's id), of the order in 原始交易订单号
/// (or, when that is blank, the order a gateway refund id names), with 原交易查询流水号 (the consume's queryId) as the channel trade number. Any other txnType makes the statement
/// Unknown: silently dropping records of a kind not understood could hide money.</para>
/// <para><b>Checks</b> (the file carries no hash and no totals line of its own): the zip holds exactly one ZM file for
/// the merchant, named for the settle date asked for; the file is whole CRLF-terminated records of exactly 607 bytes
/// with single-space separators; every record names the merchant; and per record the signed amounts add up:
/// 结算金额 = ±交易金额 + 商户手续费 (credit to the merchant positive, <c>D</c> negative; + for a consume, − for money
/// given back). The last check holds on every record of the public sample (476800 − 2861 = 473939) and catches a
/// misaligned or edited record, since the three amounts sit in different columns.</para>
/// <para>差错 (ZME, adjustment) files and the RD summary report are not read: adjustments are disputes and
/// corrections the gateway never requested, and the summary is a report for people.</para>
/// </remarks>
public static class UnionPayStatementParser
{
    public const string Unparseable = "STATEMENT_UNPARSEABLE";
    public const string AmountsMismatch = "STATEMENT_TOTALS_MISMATCH";

    public const string TxnTypeConsume = "01";
    public const string TxnTypeRefund = "04";
    public const string TxnTypeRevoke = "31";

    private const string Currency = "CNY";

    // A day of a very large merchant is a few MB of records; a bigger entry is a broken or hostile file.
    private const long MaxEntryBytes = 256L * 1024 * 1024;

    private static readonly Encoding Gbk = GbkEncoding.Instance;

    /// <summary>
    /// The statement in <paramref name="zip"/> for <paramref name="merId"/> and <paramref name="settleDate"/>:
    /// <see cref="StatementAvailability.Ready"/> with its lines when every check passed, otherwise
    /// <see cref="StatementAvailability.Unknown"/> saying why. Never throws for bad content.
    /// </summary>
    public static ChannelStatement Parse(byte[] zip, string merId, DateOnly settleDate)
    {
        ArgumentNullException.ThrowIfNull(zip);
        ArgumentNullException.ThrowIfNull(merId);
        byte[] file;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read, leaveOpen: false, Gbk);
            if (!TryFindZmEntry(archive, merId, settleDate, out var entry, out var problem))
            {
                return ChannelStatement.Unknown(Unparseable, problem);
            }

            if (entry.Length > MaxEntryBytes)
            {
                return ChannelStatement.Unknown(Unparseable, $"The ZM file is larger than {MaxEntryBytes} bytes.");
            }

            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            file = copy.ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
        {
            // Not a zip, a truncated one, or an entry whose data does not match its CRC.
            return ChannelStatement.Unknown(Unparseable, "The file-transfer content is not a readable zip.");
        }

        return ParseZm(file, merId, settleDate);
    }

    /// <summary>The records of a ZM file's bytes; see the class remarks for the checks.</summary>
    public static ChannelStatement ParseZm(ReadOnlySpan<byte> file, string merId, DateOnly settleDate)
    {
        ArgumentNullException.ThrowIfNull(merId);
        var stride = UnionPayZmLayout.RecordLength + 2;
        if (file.Length % stride != 0)
        {
            return ChannelStatement.Unknown(Unparseable, $"The ZM file is {file.Length} bytes, not whole records of {UnionPayZmLayout.RecordLength} bytes + CRLF.");
        }

        var lines = new List<StatementLine>(file.Length / stride);
        for (var offset = 0; offset < file.Length; offset += stride)
        {
            var number = (offset / stride) + 1;
            var record = file.Slice(offset, stride);
            if (record[^2] != (byte)'\r' || record[^1] != (byte)'\n'
                || !UnionPayZmLayout.TrySplit(record[..^2], Gbk, out var fields))
            {
                return ChannelStatement.Unknown(Unparseable, $"ZM record {number} is not in the 42-field fixed-width layout.");
            }

            var (line, code, problem) = Line(fields, merId, settleDate);
            if (line is null)
            {
                return ChannelStatement.Unknown(code!, $"ZM record {number}: {problem}");
            }

            lines.Add(line);
        }

        return ChannelStatement.Ready(lines);
    }

    private static bool TryFindZmEntry(ZipArchive archive, string merId, DateOnly settleDate, [NotNullWhen(true)] out ZipArchiveEntry? entry, [NotNullWhen(false)] out string? problem)
    {
        entry = null;
        // INN + yyMMdd + 2 characters + ZM_ + merId (the demos test name[0..3] == "INN" and name[11..14] == "ZM_";
        // ZME_, the adjustment file, fails that test).
        var candidates = archive.Entries
            .Where(e => e.Name.Length > 14 && e.Name.StartsWith("INN", StringComparison.Ordinal) && e.Name.AsSpan(11, 3).SequenceEqual("ZM_")
                && e.Name.AsSpan(14).SequenceEqual(merId))
            .ToList();
        switch (candidates.Count)
        {
            case 0:
                problem = $"The zip holds no ZM file for merchant {merId}.";
                return false;
            case > 1:
                problem = $"The zip holds {candidates.Count} ZM files for merchant {merId}.";
                return false;
        }

        var day = settleDate.ToString("yyMMdd", CultureInfo.InvariantCulture);
        if (!candidates[0].Name.AsSpan(3, 6).SequenceEqual(day))
        {
            problem = $"The ZM file {candidates[0].Name} is not the file of settle date {settleDate:yyyy-MM-dd}.";
            return false;
        }

        entry = candidates[0];
        problem = null;
        return true;
    }

    private static (StatementLine? Line, string? Code, string? Problem) Line(string[] fields, string merId, DateOnly settleDate)
    {
        if (fields[UnionPayZmLayout.MerId].Trim() != merId)
        {
            return (null, Unparseable, $"商户代码 '{fields[UnionPayZmLayout.MerId].Trim()}' is not merchant {merId}.");
        }

        var txnType = fields[UnionPayZmLayout.TxnType];
        StatementLineKind kind;
        switch (txnType)
        {
            case TxnTypeConsume:
                kind = StatementLineKind.Payment;
                break;
            case TxnTypeRefund or TxnTypeRevoke:
                kind = StatementLineKind.Refund;
                break;
            default:
                return (null, Unparseable, $"交易类型 '{txnType}' is neither a consume nor a refund or revoke.");
        }

        if (!UnionPayFormats.TryParseTxnAmt(fields[UnionPayZmLayout.TxnAmount], out var amount) || amount <= 0)
        {
            return (null, Unparseable, $"交易金额 '{fields[UnionPayZmLayout.TxnAmount]}' is not a positive amount in fen.");
        }

        if (!TrySigned(fields[UnionPayZmLayout.MerchantFee], out var fee) || !TrySigned(fields[UnionPayZmLayout.SettleAmount], out var settled))
        {
            return (null, Unparseable, $"商户手续费 '{fields[UnionPayZmLayout.MerchantFee]}' or 结算金额 '{fields[UnionPayZmLayout.SettleAmount]}' is not a signed amount.");
        }

        var direction = kind == StatementLineKind.Payment ? 1 : -1;
        if (settled != (direction * amount) + fee)
        {
            return (null, AmountsMismatch, $"结算金额 {settled} is not {(direction > 0 ? "+" : "-")}交易金额 {amount} + 商户手续费 {fee} (fen, credit positive).");
        }

        var orderId = fields[UnionPayZmLayout.OrderId].Trim();
        var queryId = fields[UnionPayZmLayout.QueryId].Trim();
        if (orderId.Length == 0 || queryId.Length == 0)
        {
            return (null, Unparseable, "商户订单号 or 查询流水号 is empty.");
        }

        // 交易传输时间 has no year: the one nearest the settle date (a record is transmitted within days of its clearing).
        var settleDay = new DateTimeOffset(settleDate.ToDateTime(TimeOnly.MinValue), ChinaStandardTime.Offset);
        if (!UnionPayFormats.TryParseYearlessBeijingTime(fields[UnionPayZmLayout.TransmissionTime], settleDay, out var at))
        {
            return (null, Unparseable, $"交易传输时间 '{fields[UnionPayZmLayout.TransmissionTime]}' is not MMDDhhmmss.");
        }

        var rawFee = fields[UnionPayZmLayout.MerchantFee];
        if (kind == StatementLineKind.Payment)
        {
            return (new StatementLine(kind, orderId, null, queryId, null, amount, Currency, rawFee, at, null), null, null);
        }

        // A refund's own orderId is the refund's name; the order it belongs to is the consume's orderId, written in
        // 原始交易订单号 (documented, not seen in a sample). A gateway refund id names its order too: it stands in when
        // that field is blank, and must agree with it when both are there.
        var origOrderId = fields[UnionPayZmLayout.OrigOrderId].Trim();
        var origQueryId = fields[UnionPayZmLayout.OrigQueryId].Trim();
        var named = RefundId.TryParse(orderId, out var refundsOrder);
        if (named && origOrderId.Length > 0 && origOrderId != refundsOrder)
        {
            return (null, Unparseable, $"Refund {orderId} is of order {refundsOrder}, but 原始交易订单号 says {origOrderId}.");
        }

        origOrderId = origOrderId.Length > 0 ? origOrderId : refundsOrder;
        if (origOrderId.Length == 0)
        {
            return (null, Unparseable, "A refund or revoke record has no 原始交易订单号 and no gateway refund id: the order it refunds is unknown.");
        }

        return (new StatementLine(kind, origOrderId, orderId, origQueryId.Length == 0 ? null : origQueryId, queryId, amount, Currency, rawFee, at, null), null, null);
    }

    /// <summary>
    /// A 13-byte signed amount: <c>C</c> (credit to the merchant, positive) or <c>D</c> (debit, negative) and 12
    /// digits of fen; a space sign only on a zero amount, where no direction is needed.
    /// </summary>
    private static bool TrySigned(string text, out long fen)
    {
        fen = 0;
        if (text.Length != 13 || !UnionPayFormats.TryParseTxnAmt(text[1..], out var magnitude))
        {
            return false;
        }

        switch (text[0])
        {
            case 'C':
                fen = magnitude;
                return true;
            case 'D':
                fen = -magnitude;
                return true;
            case ' ':
                return magnitude == 0;
            default:
                return false;
        }
    }
}
