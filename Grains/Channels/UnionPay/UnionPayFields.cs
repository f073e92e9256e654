namespace PayGateway.Channels.UnionPay;

/// <summary>ACP 5.1.0 field names and the fixed values this gateway sends.</summary>
public static class UnionPayFields
{
    public const string Version = "version";
    public const string Encoding = "encoding";
    public const string SignMethod = "signMethod";
    public const string CertId = "certId";
    public const string SignPubKeyCert = "signPubKeyCert";
    public const string TxnType = "txnType";
    public const string TxnSubType = "txnSubType";
    public const string BizType = "bizType";
    public const string ChannelType = "channelType";
    public const string AccessType = "accessType";
    public const string MerId = "merId";
    public const string OrderId = "orderId";
    public const string TxnTime = "txnTime";
    public const string TxnAmt = "txnAmt";
    public const string CurrencyCode = "currencyCode";
    public const string FrontUrl = "frontUrl";
    public const string BackUrl = "backUrl";
    public const string PayTimeout = "payTimeout";
    public const string OrderDesc = "orderDesc";
    public const string QueryId = "queryId";
    public const string OrigQryId = "origQryId";
    public const string RespCode = "respCode";
    public const string RespMsg = "respMsg";
    public const string OrigRespCode = "origRespCode";
    public const string OrigRespMsg = "origRespMsg";
    public const string Tn = "tn";
    public const string TraceNo = "traceNo";
    public const string TraceTime = "traceTime";
    public const string SettleDate = "settleDate";
    public const string FileType = "fileType";
    public const string FileName = "fileName";
    public const string FileContent = "fileContent";

    /// <summary>The only protocol version spoken here: 5.0.0 signed with SHA-1 and a locally configured cert.</summary>
    public const string Version510 = "5.1.0";

    public const string Utf8 = "UTF-8";

    /// <summary>RSA with the merchant certificate (11 = SHA-256 with a shared key and 12 = SM3 are not supported).</summary>
    public const string SignMethodRsa = "01";

    public const string TxnTypeQuery = "00";
    public const string TxnTypeConsume = "01";
    public const string TxnTypeRefund = "04";
    public const string TxnTypeFileTransfer = "76";

    /// <summary>txnSubType of a consume: self-service consume.</summary>
    public const string SubTypeSelfServiceConsume = "01";

    /// <summary>txnSubType of a file transfer: download.</summary>
    public const string SubTypeFileDownload = "01";

    /// <summary>fileType of the ordinary daily transaction file (the zip with the ZM, ZME and RD files).</summary>
    public const string FileTypeDaily = "00";

    /// <summary>txnSubType of query and refund.</summary>
    public const string SubTypeDefault = "00";

    /// <summary>B2C gateway / WAP payment (also the bizType of app consumes through appTransReq).</summary>
    public const string BizTypeGateway = "000201";

    /// <summary>bizType of queryTrans and file transfer.</summary>
    public const string BizTypeQuery = "000000";

    public const string ChannelTypeDesktop = "07";
    public const string ChannelTypeMobile = "08";

    /// <summary>The merchant connects directly (0), not through a platform.</summary>
    public const string AccessTypeMerchant = "0";

    /// <summary>ISO 4217 numeric code of the renminbi; the only currency these accounts settle in.</summary>
    public const string CurrencyCny = "156";
}
