using System.Globalization;
using System.Text;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// Builds a merchant's ALL trade bill for one Beijing day from the simulator's own ledger, in WeChat's file format:
/// UTF-8 with BOM, CRLF, the 27-column header, every value prefixed with a backtick, then the summary. Payments are
/// dated by success time, refunds by acceptance with their status at the time the bill is made; every amount goes
/// through <see cref="BillDrift"/> (an amount of 0 leaves the row out), and the summary adds up what the rows show.
/// </summary>
internal sealed class WeChatPayBillBuilder(TradeStore trades, WeChatPayOrders orders, WeChatPayRefundStore refunds, BillDrift drift)
{
    public const string Header =
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额," +
        "微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";

    public const string SummaryHeader = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

    /// <summary>The fee rate the simulator charges (0.60%, a common WeChat rate), in thousandths.</summary>
    private const long FeePerMille = 6;

    private const string FeeRate = "0.60%";

    private sealed record Row(DateTimeOffset At, string OutTradeNo, string[] Values, long Settled, long Refunded, long Fee, long OrderTotal, long Requested);

    /// <summary>The day's bill, or null when the merchant had no trade and no refund that day (NO_STATEMENT_EXIST).</summary>
    public byte[]? Build(string mchId, DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), BillDay.Offset);
        var to = from.AddDays(1);
        var rows = new List<Row>();
        foreach (var trade in trades.PaidBetween(SimulatorProtocol.WeChatPay, mchId, from, to).Where(t => drift.Lists(t.OutTradeNo)))
        {
            if (orders.TryGet(trade.TradeNo, out var order))
            {
                var paidAt = trade.PaidAt!.Value;
                var amount = drift.AmountFor(trade.OutTradeNo, trade.Amount);
                var fee = Fee(amount);
                rows.Add(new Row(paidAt, trade.OutTradeNo, Values(trade, order, paidAt, "SUCCESS", amount, 0, "0", "0", "", "", fee, amount, 0), amount, 0, fee, amount, 0));
            }
        }

        foreach (var refund in refunds.AcceptedBetween(mchId, from, to).Where(r => drift.Lists(r.OutRefundNo)))
        {
            // The refunded order may have been paid on an earlier day; its row carries that order's numbers.
            if (trades.FindByTradeNo(refund.TransactionId) is not { } trade || !orders.TryGet(trade.TradeNo, out var order))
            {
                continue;
            }
            var amount = drift.AmountFor(refund.OutRefundNo, refund.Refund);
            // The fee on the refunded part comes back to the merchant: real bills show it negative.
            var fee = -Fee(amount);
            rows.Add(new Row(refund.CreatedAt, trade.OutTradeNo,
                Values(trade, order, refund.CreatedAt, "REFUND", 0, amount, refund.RefundId, refund.OutRefundNo, "ORIGINAL", BillStatus(refund.Status), fee, 0, amount),
                0, amount, fee, 0, amount));
        }

        if (rows.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder("\uFEFF").Append(Header).Append("\r\n");
        foreach (var row in rows.OrderBy(r => r.At).ThenBy(r => r.OutTradeNo, StringComparer.Ordinal))
        {
            text.AppendJoin(',', row.Values.Select(v => "`" + v)).Append("\r\n");
        }
        text.Append(SummaryHeader).Append("\r\n");
        text.AppendJoin(',', new[]
        {
            rows.Count.ToString(CultureInfo.InvariantCulture),
            Yuan(rows.Sum(r => r.Settled)),
            Yuan(rows.Sum(r => r.Refunded)),
            Yuan(0),
            FeeText(rows.Sum(r => r.Fee)),
            Yuan(rows.Sum(r => r.OrderTotal)),
            Yuan(rows.Sum(r => r.Requested)),
        }.Select(v => "`" + v)).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string[] Values(
        SimulatorTrade trade, WeChatPayOrder order, DateTimeOffset at, string state, long settled, long refunded, string refundId, string outRefundNo,
        string refundType, string refundStatus, long fee, long orderTotal, long requested) =>
    [
        at.ToOffset(BillDay.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        order.AppId,
        trade.MerchantId,
        "0",
        "",
        trade.TradeNo,
        trade.OutTradeNo,
        order.PayerOpenId,
        order.TradeType,
        state,
        "OTHERS",
        "CNY",
        Yuan(settled),
        Yuan(0),
        refundId,
        outRefundNo,
        Yuan(refunded),
        Yuan(0),
        refundType,
        refundStatus,
        FreeText(trade.Subject),
        FreeText(order.Attach ?? ""),
        FeeText(fee),
        FeeRate,
        Yuan(orderTotal),
        Yuan(requested),
        "",
    ];

    // Bill refund statuses are the older names: an ABNORMAL refund shows as CHANGE, a CLOSED one as FAIL.
    private static string BillStatus(string status) => status switch
    {
        WeChatPayRefundStatus.Abnormal => "CHANGE",
        WeChatPayRefundStatus.Closed => "FAIL",
        _ => status,
    };

    // Rounded half up to the fen, as WeChat charges fees per trade.
    private static long Fee(long amount) => ((amount * FeePerMille) + 500) / 1000;

    // Same "0.00" yuan text as Alipay's wire format.
    private static string Yuan(long fen) => Alipay.AlipayWire.Yuan(fen);

    // Fees are written with five decimals ("0.07000", "-0.06000").
    private static string FeeText(long fen) => Yuan(fen) + "000";

    // The bill has no quoting: the simulator keeps a subject or attach with a comma, backtick or line break from
    // breaking its own file (real WeChat bills never showed such values).
    private static string FreeText(string text) => string.Concat(text.Select(c => c is ',' or '`' or '\r' or '\n' ? ' ' : c));
}
