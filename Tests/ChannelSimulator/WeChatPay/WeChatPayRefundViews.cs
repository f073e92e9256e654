using System.Text.Json.Nodes;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>The refund JSON of refund answers (request and query) and of the decrypted REFUND.* resource.</summary>
internal static class WeChatPayRefundViews
{
    /// <summary>What the payer's money goes back to: the simulator's payers always paid from their balance.</summary>
    private const string ReceivedAccount = "支付用户零钱";

    /// <summary>Answer of POST /v3/refund/domestic/refunds and GET …/{out_refund_no}.</summary>
    public static JsonObject Answer(WeChatPayRefundView refund)
    {
        var json = new JsonObject
        {
            ["refund_id"] = refund.RefundId,
            ["out_refund_no"] = refund.OutRefundNo,
            ["transaction_id"] = refund.TransactionId,
            ["out_trade_no"] = refund.OutTradeNo,
            ["channel"] = "ORIGINAL",
            ["user_received_account"] = ReceivedAccount,
        };
        if (refund.SuccessTime is { } succeeded)
        {
            json["success_time"] = WeChatPayCrypto.Rfc3339(succeeded);
        }
        json["create_time"] = WeChatPayCrypto.Rfc3339(refund.CreatedAt);
        json["status"] = refund.Status;
        json["funds_account"] = "AVAILABLE";
        json["amount"] = new JsonObject
        {
            ["total"] = refund.Total,
            ["refund"] = refund.Refund,
            ["from"] = new JsonArray(),
            ["payer_total"] = refund.Total,
            ["payer_refund"] = refund.Refund,
            ["settlement_refund"] = refund.Refund,
            ["settlement_total"] = refund.Total,
            ["discount_refund"] = 0,
            ["currency"] = "CNY",
            ["refund_fee"] = 0,
        };
        json["promotion_detail"] = new JsonArray();
        return json;
    }

    /// <summary>The decrypted resource of a REFUND.* notification; <paramref name="statedRefund"/> is the amount it claims.</summary>
    public static JsonObject Notification(WeChatPayRefundView refund, long statedRefund)
    {
        var json = new JsonObject
        {
            ["mchid"] = refund.MchId,
            ["out_trade_no"] = refund.OutTradeNo,
            ["transaction_id"] = refund.TransactionId,
            ["out_refund_no"] = refund.OutRefundNo,
            ["refund_id"] = refund.RefundId,
            ["refund_status"] = refund.Status,
        };
        if (refund.SuccessTime is { } succeeded)
        {
            json["success_time"] = WeChatPayCrypto.Rfc3339(succeeded);
        }
        json["user_received_account"] = ReceivedAccount;
        json["amount"] = new JsonObject
        {
            ["total"] = refund.Total,
            ["refund"] = statedRefund,
            ["payer_total"] = refund.Total,
            ["payer_refund"] = statedRefund,
        };
        return json;
    }
}
