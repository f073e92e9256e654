using System.Text;
using static PayGateway.ChannelSimulator.WeChatPay.WeChatPayFields;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>A validated body of POST /v3/refund/domestic/refunds. Exactly one of out_trade_no and transaction_id is used.</summary>
internal sealed record WeChatPayRefundRequest(
    string? OutTradeNo,
    string? TransactionId,
    string OutRefundNo,
    string? Reason,
    Uri? NotifyUrl,
    long Refund,
    long Total);

/// <summary>Reads and checks a refund body the way WeChat documents its fields; errors become 400 PARAM_ERROR.</summary>
internal static class WeChatPayRefundReader
{
    /// <summary>The request, or why it is refused; out_trade_no, out_refund_no and the refund amount come back when readable, for the records.</summary>
    public static (WeChatPayRefundRequest? Request, string? OutTradeNo, string? OutRefundNo, long? Refund, string? Error) Read(byte[] body)
    {
        using var document = ParseObject(body);
        if (document is null)
        {
            return (null, null, null, null, "The body is not a JSON object.");
        }
        var root = document.RootElement;
        var outTradeNo = Text(root, "out_trade_no");
        var transactionId = Text(root, "transaction_id");
        var outRefundNo = Text(root, "out_refund_no");
        var amount = Object(root, "amount");
        var refund = Integer(amount, "refund");
        var total = Integer(amount, "total");
        var reason = Text(root, "reason");
        Uri? notifyUrl = null;
        string? error = null;
        if (outTradeNo is null && transactionId is null)
        {
            error = "One of out_trade_no and transaction_id is required.";
        }
        else if (!IsNumber(outRefundNo, 1, 64, "_-|*@"))
        {
            error = "out_refund_no must be 1-64 characters of letters, digits, _ - | * @.";
        }
        else if (reason is not null && Encoding.UTF8.GetByteCount(reason) > 80)
        {
            error = "reason is at most 80 bytes.";
        }
        else if (Text(root, "notify_url") is { } url && !IsNotifyUrl(url, out notifyUrl))
        {
            error = "notify_url must be an absolute http(s) URL without query parameters (at most 256 characters).";
        }
        else if (refund is not > 0 || total is not > 0)
        {
            error = "amount.refund and amount.total must be positive integers (fen).";
        }
        else if (Text(amount, "currency") != "CNY")
        {
            error = "amount.currency must be CNY.";
        }
        if (error is not null)
        {
            return (null, outTradeNo, outRefundNo, refund, error);
        }
        // transaction_id wins when both are given, as WeChat documents.
        var request = new WeChatPayRefundRequest(transactionId is null ? outTradeNo : null, transactionId, outRefundNo!, reason, notifyUrl, refund!.Value, total!.Value);
        return (request, outTradeNo, outRefundNo, refund, null);
    }
}
