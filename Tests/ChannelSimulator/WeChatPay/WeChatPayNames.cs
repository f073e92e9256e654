namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>Operation names only WeChat Pay has, for behaviours (besides the shared <see cref="Behaviour.SimulatorOperation"/>).</summary>
public static class WeChatPayOperation
{
    /// <summary><c>GET /v3/certificates</c>.</summary>
    public const string Certificates = "certificates";

    /// <summary>The GET of a bill's <c>download_url</c> (the bill request itself is <c>statement</c>).</summary>
    public const string BillDownload = "bill_download";

    /// <summary>Papay <c>/papay/h5entrustweb</c> and <c>/papay/preentrustweb</c> (by contract_code).</summary>
    public const string ContractSign = "contract_sign";

    /// <summary>Papay <c>/papay/querycontract</c> (by contract_code).</summary>
    public const string ContractQuery = "contract_query";

    /// <summary>Papay <c>/papay/deletecontract</c> (by contract_code).</summary>
    public const string ContractTerminate = "contract_terminate";
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

    /// <summary>A papay sign request (entrustweb page, H5 link, App pre-sign); OutTradeNo is the contract_code.</summary>
    public const string ContractSign = "papay_sign";

    /// <summary><c>/papay/querycontract</c>; OutTradeNo is the contract_code, TradeNo the contract_id.</summary>
    public const string ContractQuery = "papay_query";

    /// <summary><c>/papay/deletecontract</c>; OutTradeNo is the contract_code, TradeNo the contract_id.</summary>
    public const string ContractTerminate = "papay_terminate";

    /// <summary>The payer signed: exactly one per contract (TradeNo: the contract_id it got).</summary>
    public const string ContractSigned = "papay_signed";

    /// <summary>A contract ended (merchant or payer): exactly one per contract.</summary>
    public const string ContractTerminated = "papay_terminated";
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
