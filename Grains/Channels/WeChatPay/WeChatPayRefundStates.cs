namespace PayGateway.Channels.WeChatPay;

/// <summary>Maps WeChat's refund <c>status</c> / <c>refund_status</c> onto the gateway's view of a refund.</summary>
public static class WeChatPayRefundStates
{
    /// <summary>Error code the gateway sees for an <c>ABNORMAL</c> refund.</summary>
    public const string AbnormalCode = "REFUND_ABNORMAL";

    /// <summary>The state, and the error code that explains it when the state alone would mislead.</summary>
    public static (ChannelFundsState State, string? ErrorCode) ToFundsState(string? status) => status switch
    {
        "SUCCESS" => (ChannelFundsState.Succeeded, null),
        "PROCESSING" => (ChannelFundsState.Pending, null),
        // The money left the merchant but did not reach the payer (closed card, frozen account). It is not back with
        // the merchant either, so the refund must never be called failed and released; someone has to resolve it
        // (WeChat's "apply abnormal refund" or the merchant console), so it stays pending and says why.
        "ABNORMAL" => (ChannelFundsState.Pending, AbnormalCode),
        "CLOSED" => (ChannelFundsState.Failed, "REFUND_CLOSED"),
        _ => (ChannelFundsState.Unknown, status),
    };
}
