namespace PayGateway.ChannelSimulator.Behaviour;

/// <summary>Behaviour fields only the WeChat Pay v3 endpoints honour (see docs/channels/wechatpay-simulator.md).</summary>
public sealed partial record SimulatorBehaviour
{
    /// <summary>
    /// WeChat Pay: answers and notifications carry a <c>Wechatpay-Serial</c> the simulator never issued; the signature
    /// itself is made with the real platform key.
    /// </summary>
    public bool WrongSerial { get; init; }

    /// <summary>WeChat Pay: answers and notifications are signed over a timestamp <c>StaleTimestampAge</c> old (default 10 min).</summary>
    public bool StaleTimestamp { get; init; }

    /// <summary>WeChat Pay: a query reports this <c>trade_state</c> while the trade is unpaid, e.g. <c>USERPAYING</c> or <c>PAYERROR</c>.</summary>
    public string? TradeState { get; init; }

    /// <summary>
    /// WeChat Pay: the notification's <c>resource.ciphertext</c> is altered after encryption, and the notification is
    /// signed correctly over the altered body, so only decryption can notice.
    /// </summary>
    public bool TamperCallbackResource { get; init; }

    /// <summary>
    /// WeChat Pay: a refund accepted under this behaviour (operation <c>refund</c>) ends in this status instead of
    /// <c>SUCCESS</c>: <c>ABNORMAL</c> (money left the merchant, did not reach the payer) or <c>CLOSED</c> (nothing moved).
    /// </summary>
    public string? RefundStatus { get; init; }

    /// <summary>
    /// WeChat Pay: the details of a batch accepted under this behaviour (operation <c>transfer</c>) end <c>FAIL</c>
    /// with this <c>fail_reason</c> (e.g. <c>ACCOUNT_FROZEN</c>, <c>OPENID_INVALID</c>) instead of <c>SUCCESS</c>.
    /// </summary>
    public string? TransferFailReason { get; init; }

    /// <summary>
    /// WeChat Pay: the transfer detail query (operation <c>transfer_query</c>) answers 404 <c>NOT_FOUND</c> 记录不存在
    /// although the batch exists, as WeChat does while it is still processing an accepted batch; the batch query still
    /// finds the batch. Limit it with <c>times</c> to let the detail appear later.
    /// </summary>
    public bool HoldTransferDetail { get; init; }

    /// <summary>
    /// WeChat Pay: the bill file served under this behaviour (operation <c>bill_download</c>) is not the one its
    /// <c>hash_value</c> was computed over (a CRLF is appended, so only the hash can tell).
    /// </summary>
    public bool TamperBill { get; init; }
}
