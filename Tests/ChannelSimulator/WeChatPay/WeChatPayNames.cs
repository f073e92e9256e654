namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>Operation name of <c>GET /v3/certificates</c> for behaviours (besides create, query, close and callback).</summary>
public static class WeChatPayOperation
{
    public const string Certificates = "certificates";
}

/// <summary>Record kind of <c>GET /v3/certificates</c> (the other kinds are the shared <see cref="Records.RecordKind"/>).</summary>
public static class WeChatPayRecordKind
{
    public const string Certificates = "certificates";
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
