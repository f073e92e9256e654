using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>Amounts of a refund, in fen.</summary>
/// <param name="Total">The paid order's total.</param>
/// <param name="Refund">This refund's amount.</param>
public sealed record WeChatPayRefundAmount(long Total, long Refund, long? PayerTotal, long? PayerRefund, string Currency);

/// <summary>
/// A refund as WeChat reports it: the answer to a refund request or query (<c>status</c>) and the decrypted
/// <c>REFUND.*</c> notification resource (<c>refund_status</c>, plus <c>mchid</c>). Same field names otherwise.
/// </summary>
public sealed record WeChatPayRefund(
    string OutRefundNo,
    string OutTradeNo,
    string? RefundId,
    string? TransactionId,
    string Status,
    DateTimeOffset? SuccessTime,
    string? MchId,
    WeChatPayRefundAmount? Amount)
{
    /// <summary>
    /// Parses a refund JSON. Requires out_refund_no, out_trade_no and a status, which every refund message needs to be
    /// routed and interpreted; an amount, when present, must have integer total and refund.
    /// </summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out WeChatPayRefund? refund)
    {
        refund = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!WeChatPayJson.TryGetString(root, "out_refund_no", out var outRefundNo)
                || !WeChatPayJson.TryGetString(root, "out_trade_no", out var outTradeNo)
                || (WeChatPayJson.GetStringOrNull(root, "status") ?? WeChatPayJson.GetStringOrNull(root, "refund_status")) is not { } status)
            {
                return false;
            }

            WeChatPayRefundAmount? amount = null;
            if (root.TryGetProperty("amount", out var amountElement) && amountElement.ValueKind == JsonValueKind.Object)
            {
                if (WeChatPayJson.GetInt64OrNull(amountElement, "total") is not { } total
                    || WeChatPayJson.GetInt64OrNull(amountElement, "refund") is not { } refunded)
                {
                    return false;
                }

                amount = new WeChatPayRefundAmount(
                    total,
                    refunded,
                    WeChatPayJson.GetInt64OrNull(amountElement, "payer_total"),
                    WeChatPayJson.GetInt64OrNull(amountElement, "payer_refund"),
                    // Refund notifications carry no currency; CNY is WeChat's documented default.
                    WeChatPayJson.GetStringOrNull(amountElement, "currency") ?? "CNY");
            }

            refund = new WeChatPayRefund(
                outRefundNo,
                outTradeNo,
                WeChatPayJson.GetStringOrNull(root, "refund_id"),
                WeChatPayJson.GetStringOrNull(root, "transaction_id"),
                status,
                WeChatPayJson.GetTimeOrNull(root, "success_time"),
                WeChatPayJson.GetStringOrNull(root, "mchid"),
                amount);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
