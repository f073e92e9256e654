namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>Operation names only WeChat Pay has, for behaviours (besides the shared <see cref="Behaviour.SimulatorOperation"/>).</summary>
public static class WeChatPayOperation
{
    /// <summary><c>GET /v3/certificates</c>.</summary>
    public const string Certificates = "certificates";

    /// <summary>The GET of a bill's <c>download_url</c> (the bill request itself is <c>statement</c>).</summary>
    public const string BillDownload = "bill_download";
}

/// <summary>Record kinds only WeChat Pay has (the other kinds are the shared <see cref="Records.RecordKind"/>).</summary>
public static class WeChatPayRecordKind
{
    /// <summary><c>GET /v3/certificates</c>.</summary>
    public const string Certificates = "certificates";

    /// <summary>
    /// The GET of a bill's download_url (Result: <c>FILE</c> or the error code). The tradebill request itself is the
    /// shared <see cref="Records.RecordKind.StatementRequest"/>.
    /// </summary>
    public const string BillDownload = "bill_download";
}

/// <summary>WeChat Pay v3 <c>trade_state</c> values the simulator reports.</summary>
public static class WeChatPayTradeState
{
    public const string Success = "SUCCESS";
    public const string NotPay = "NOTPAY";
    public const string Closed = "CLOSED";
    public const string UserPaying = "USERPAYING";
    public const string PayError = "PAYERROR";
}
