using System.Globalization;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Turns the bytes of a downloaded WeChat Pay trade bill (after gunzip and the SHA-1 check) into statement lines,
/// and checks the summary against them. Pure: no I/O, so every vector can be checked without HTTP.
/// </summary>
/// <remarks>
/// <para>交易状态 <c>SUCCESS</c> is a payment, dated by its success time (交易时间). Its amount is 订单金额, the order
/// total the merchant created the order for (the gateway's order amount); 应结订单金额 is that minus non-cash coupons
/// (免充值券) and would differ from the gateway's amount whenever such a coupon is used.</para>
/// <para>交易状态 <c>REFUND</c> is a refund, dated by its acceptance (交易时间), with the status WeChat saw when the
/// bill was made (退款状态). Its amount is 申请退款金额, the amount the merchant asked to refund (the gateway's refund
/// amount); 退款金额 pairs with 应结订单金额 in the summary and excludes the coupon part the same way.</para>
/// <para>交易状态 <c>REVOKED</c> (a 付款码 payment reversed) is neither a payment that stands nor a refund the gateway
/// asked for, so it gives no line; it still counts in the summary check. Any other status makes the bill Unknown:
/// silently dropping rows of a kind not understood could hide money.</para>
/// </remarks>
public static class WeChatPayBillParser
{
    public const string TradeTime = "交易时间";
    public const string TransactionId = "微信订单号";
    public const string OutTradeNo = "商户订单号";
    public const string TradeState = "交易状态";
    public const string Currency = "货币种类";
    public const string OrderAmount = "订单金额";
    public const string ChannelRefundNo = "微信退款单号";
    public const string OutRefundNo = "商户退款单号";
    public const string RequestedRefundAmount = "申请退款金额";
    public const string RefundStatus = "退款状态";
    public const string Fee = "手续费";

    /// <summary>The summary's count of detail rows (payments, refunds and reversals alike); may print as <c>45.0</c>.</summary>
    public const string RowCount = "总交易单数";

    /// <summary>
    /// Summary totals and the detail column each one sums. 手续费总金额 is left out: fees are reported, not compared,
    /// and WeChat rounds that total differently across bills (<c>0.08</c> against a column of <c>0.01000</c>s).
    /// </summary>
    private static readonly (string Summary, string Column)[] Totals =
    [
        ("应结订单总金额", "应结订单金额"),
        ("退款总金额", "退款金额"),
        ("充值券退款总金额", "充值券退款金额"),
        ("订单总金额", OrderAmount),
        ("申请退款总金额", RequestedRefundAmount),
    ];


    /// <summary>Reads, interprets and checks a bill: Ready with its lines, or Unknown naming the first problem.</summary>
    public static ChannelStatement Parse(ReadOnlySpan<byte> csv)
    {
        if (!WeChatPayBillFile.TryRead(csv, out var file, out var problem) || !TryLines(file!, out var lines, out problem))
        {
            return ChannelStatement.Unknown("BILL_UNREADABLE", problem!);
        }

        return CheckSummary(file!, out problem)
            ? ChannelStatement.Ready(lines)
            : ChannelStatement.Unknown("BILL_TOTAL_MISMATCH", problem!);
    }

    /// <summary>The statement lines of every detail row; false when a row cannot be read.</summary>
    public static bool TryLines(WeChatPayBillFile file, out IReadOnlyList<StatementLine> lines, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(file);
        var result = new List<StatementLine>(file.Rows.Count);
        lines = result;
        for (var i = 0; i < file.Rows.Count; i++)
        {
            var row = file.Rows[i];
            var state = Value(row, TradeState);
            StatementLine? line;
            switch (state)
            {
                case "SUCCESS":
                    line = Line(row, StatementLineKind.Payment, OrderAmount, out problem);
                    break;
                case "REFUND":
                    line = Line(row, StatementLineKind.Refund, RequestedRefundAmount, out problem);
                    break;
                case "REVOKED":
                    continue;
                default:
                    problem = $"Unrecognised {TradeState} '{state}'.";
                    line = null;
                    break;
            }

            if (line is null)
            {
                problem = $"Bill row {i + 1}: {problem}";
                return false;
            }

            result.Add(line);
        }

        problem = null;
        return true;
    }

    /// <summary>
    /// The summary's row count and every known total equal what the detail rows add up to; the totals of the amount
    /// columns the lines use must be among them. A total whose column the layout lacks (退款总金额 on a SUCCESS bill)
    /// must be zero.
    /// </summary>
    public static bool CheckSummary(WeChatPayBillFile file, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!TryCount(Value(file.Summary, RowCount), out var count) || count != file.Rows.Count)
        {
            problem = $"{RowCount} '{Value(file.Summary, RowCount)}' is not the {file.Rows.Count} rows of the bill.";
            return false;
        }

        var currencies = file.Rows.Select(r => Value(r, Currency)).Distinct(StringComparer.Ordinal).ToList();
        if (currencies.Count > 1 || (currencies.Count == 1 && !Currencies.IsKnown(currencies[0])))
        {
            problem = "The bill's rows are not all in one known currency.";
            return false;
        }

        // An empty bill has no currency of its own; its totals must read zero, which they do in any two-decimal one.
        var currency = currencies.Count == 1 ? currencies[0]! : "CNY";
        foreach (var (summary, column) in Totals)
        {
            var printed = Value(file.Summary, summary);
            if (printed is null)
            {
                continue;
            }

            long sum = 0;
            foreach (var row in file.Rows)
            {
                // A layout without the column (a SUCCESS bill has no refund columns) contributes nothing to its total.
                var value = file.Columns.Contains(column) ? Value(row, column) : "0";
                if (!Currencies.TryParseDecimalString(value ?? "", currency, out var amount))
                {
                    problem = $"{column} '{value}' is not an amount.";
                    return false;
                }

                sum += amount;
            }

            if (!Currencies.TryParseDecimalString(printed, currency, out var total) || total != sum)
            {
                problem = $"{summary} '{printed}' is not the sum of {column} ({Currencies.ToDecimalString(sum, currency)}).";
                return false;
            }
        }

        foreach (var (needed, summary) in new[] { ("SUCCESS", "订单总金额"), ("REFUND", "申请退款总金额") })
        {
            if (file.Rows.Any(r => Value(r, TradeState) == needed) && Value(file.Summary, summary) is null)
            {
                problem = $"The bill has {needed} rows but no {summary} to check them against.";
                return false;
            }
        }

        problem = null;
        return true;
    }

    private static StatementLine? Line(IReadOnlyDictionary<string, string> row, StatementLineKind kind, string amountColumn, out string? problem)
    {
        var currency = Value(row, Currency);
        var orderId = Value(row, OutTradeNo)?.Trim();
        var tradeNo = Value(row, TransactionId);
        var amountText = Value(row, amountColumn);
        if (currency is null || !Currencies.IsKnown(currency))
        {
            problem = $"{Currency} '{currency}' is not a known currency.";
            return null;
        }

        if (string.IsNullOrEmpty(orderId) || string.IsNullOrEmpty(tradeNo))
        {
            problem = $"{OutTradeNo} or {TransactionId} is missing.";
            return null;
        }

        if (amountText is null || !Currencies.TryParseDecimalString(amountText, currency, out var amount) || amount <= 0)
        {
            problem = $"{amountColumn} '{amountText}' is not a positive amount.";
            return null;
        }

        if (!TryTime(Value(row, TradeTime), out var occurredAt))
        {
            problem = $"{TradeTime} '{Value(row, TradeTime)}' is not yyyy-MM-dd HH:mm:ss.";
            return null;
        }

        string? refundId = null, refundNo = null, status = null;
        if (kind == StatementLineKind.Refund)
        {
            refundId = Value(row, OutRefundNo)?.Trim();
            refundNo = Value(row, ChannelRefundNo);
            status = Value(row, RefundStatus);
            // Payment rows write "0" in the refund number columns; a refund row carrying it names no refund.
            if (string.IsNullOrEmpty(refundId) || refundId == "0" || string.IsNullOrEmpty(refundNo) || refundNo == "0" || string.IsNullOrEmpty(status))
            {
                problem = $"A refund row lacks {OutRefundNo}, {ChannelRefundNo} or {RefundStatus}.";
                return null;
            }
        }

        problem = null;
        return new StatementLine(kind, orderId, refundId, tradeNo, refundNo, amount, currency, Value(row, Fee), occurredAt, status);
    }

    private static string? Value(IReadOnlyDictionary<string, string> row, string column) => row.TryGetValue(column, out var value) ? value : null;

    // Whole numbers, also when printed with a decimal zero ("45.0"), as WeChat does.
    private static bool TryCount(string? text, out long count)
    {
        count = 0;
        if (text is null)
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && (dot == text.Length - 1 || text[(dot + 1)..].Any(c => c != '0')))
        {
            return false;
        }

        return long.TryParse(dot >= 0 ? text[..dot] : text, NumberStyles.None, CultureInfo.InvariantCulture, out count);
    }

    private static bool TryTime(string? text, out DateTimeOffset? at)
    {
        at = null;
        if (!DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        at = new DateTimeOffset(local, ChinaStandardTime.Offset);
        return true;
    }
}
