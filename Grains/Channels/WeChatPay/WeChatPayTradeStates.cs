namespace PayGateway.Channels.WeChatPay;

/// <summary>Maps WeChat's <c>trade_state</c> onto the gateway's view of a payment.</summary>
public static class WeChatPayTradeStates
{
    public static ChannelTradeState ToChannelState(string? tradeState) => tradeState switch
    {
        "SUCCESS" => ChannelTradeState.Succeeded,
        // A refunded payment was paid first; refunds are tracked separately.
        "REFUND" => ChannelTradeState.Succeeded,
        "NOTPAY" => ChannelTradeState.Pending,
        // The payer is still entering a password: undecided, and never to be read as failed.
        "USERPAYING" => ChannelTradeState.Pending,
        "CLOSED" => ChannelTradeState.Closed,
        // A revoked (cancelled) barcode payment can no longer be paid, like a closed one.
        "REVOKED" => ChannelTradeState.Closed,
        "PAYERROR" => ChannelTradeState.Failed,
        _ => ChannelTradeState.Unknown,
    };
}
