using System.Globalization;

namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// The v2 XML notifications papay sends to the account's notify_url: the contract notify (<c>change_type</c> ADD or
/// DELETE) and the PAP deduction's pay notify (<c>trade_type=PAP</c>). Verified with the APIv2 key and the body's own
/// <c>sign_type</c> (MD5 when absent) before anything in them is read.
/// </summary>
internal static class WeChatPayV2Notifications
{
    /// <summary>What WeChat wants back from an accepted v2 notify.</summary>
    public static readonly ChannelCallbackReply Acknowledged =
        new(200, "text/xml", "<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>");

    /// <summary>A refusal: anything but SUCCESS makes WeChat send the notify again on its schedule.</summary>
    public static readonly ChannelCallbackReply Refused =
        new(200, "text/xml", "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[NOT ACCEPTED]]></return_msg></xml>");

    /// <summary>
    /// Whether a callback is a v2 notify: XML (its first non-blank byte is <c>&lt;</c>, or it is declared XML).
    /// v3 notifications are JSON objects.
    /// </summary>
    public static bool IsV2(ChannelCallbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var b in request.Body.Span)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue; // whitespace and a UTF-8 BOM
            }

            return b == (byte)'<';
        }

        return request.ContentType?.Contains("xml", StringComparison.OrdinalIgnoreCase) == true;
    }

    public static ChannelCallbackParseResult Parse(ChannelAccount account, ChannelCallbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var merchant = WeChatPayPapayMerchant.From(account);
        var message = WeChatPayV2Client.Believe(merchant, 200, request.Body.Span, WeChatPayV2Signer.Md5);
        if (!message.IsVerified)
        {
            var code = message.BadSignature ? "INVALID_SIGNATURE" : "INVALID_NOTIFICATION";
            return ChannelCallbackParseResult.Rejected(code, message.Failure!);
        }

        if (message.Get("mch_id") != merchant.MchId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The notification is for another merchant id.");
        }

        if (message.Get("change_type") is not null)
        {
            return Contract(merchant, message);
        }

        if (message.Get("trade_type") == "PAP")
        {
            return Deduction(merchant, message);
        }

        return ChannelCallbackParseResult.Rejected("UNSUPPORTED_EVENT", "A v2 notification that is neither a papay contract nor a PAP payment.");
    }

    private static ChannelCallbackParseResult Contract(WeChatPayPapayMerchant merchant, WeChatPayV2Response message)
    {
        if (message.Get("plan_id") != merchant.PlanId)
        {
            return ChannelCallbackParseResult.Rejected("PLAN_MISMATCH", "The contract notification is for another plan_id.");
        }

        if (!message.IsSuccess)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", $"The contract notification reports result_code {message.Get("result_code")}.");
        }

        var changeType = message.Get("change_type");
        var state = changeType switch
        {
            "ADD" => ChannelContractState.Signed,
            "DELETE" => ChannelContractState.Terminated,
            _ => ChannelContractState.Unknown,
        };
        if (state == ChannelContractState.Unknown || message.Get("contract_code") is not { } contractCode || message.Get("contract_id") is not { } contractId)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", $"A contract notification without contract_code, contract_id or a known change_type ('{changeType}').");
        }

        return ChannelCallbackParseResult.AcceptedContract(new ChannelContractCallback(
            contractCode,
            state,
            contractId,
            merchant.MchId,
            WeChatPayV2Time.ParseDashed(message.Get("operate_time")),
            $"{contractId}:{changeType}:{message.Get("request_serial")}"));
    }

    private static ChannelCallbackParseResult Deduction(WeChatPayPapayMerchant merchant, WeChatPayV2Response message)
    {
        if (message.Get("appid") is { } appId && appId != merchant.AppId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The notification is for another appid.");
        }

        // trade_state is papay's own field; a notify without it reports its result in result_code like any v2 pay notify.
        var state = message.Get("trade_state") is { } tradeState
            ? WeChatPayPapayDeductions.ToChannelState(tradeState)
            : message.IsSuccess ? ChannelTradeState.Succeeded : ChannelTradeState.Failed;
        if (message.Get("out_trade_no") is not { } orderId || !WeChatPayPapayDeductions.TryAmount(message.Get("total_fee"), out var amount))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", "A PAP notification without out_trade_no or a readable total_fee.");
        }

        if (state == ChannelTradeState.Unknown)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", $"A PAP notification with trade_state '{message.Get("trade_state")}'.");
        }

        var transactionId = message.Get("transaction_id");
        return ChannelCallbackParseResult.Accepted(new ChannelCallback(
            orderId,
            state,
            transactionId,
            amount,
            message.Get("fee_type") ?? "CNY",
            merchant.MchId,
            state == ChannelTradeState.Succeeded ? WeChatPayV2Time.ParseCompact(message.Get("time_end")) : null,
            string.Create(CultureInfo.InvariantCulture, $"{transactionId ?? orderId}:{message.Get("trade_state") ?? message.Get("result_code")}")));
    }
}
