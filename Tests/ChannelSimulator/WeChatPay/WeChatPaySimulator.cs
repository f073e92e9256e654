using System.Security.Cryptography.X509Certificates;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// In-process control of the WeChat Pay v3 part of the simulator (<see cref="SimulatorHost.WeChatPay"/>): merchants,
/// platform certificates, orders, refunds, transfers and payee names. Behaviours, records, paying and callbacks are the shared ones on <see cref="SimulatorHost"/>.
/// </summary>
public sealed class WeChatPaySimulator
{
    private readonly WeChatPayMerchants _merchants;
    private readonly WeChatPayPlatformKeys _platform;
    private readonly WeChatPayOrders _orders;
    private readonly TradeStore _store;
    private readonly WeChatPayRefundStore _refunds;
    private readonly WeChatPayTransferStore _transfers;
    private readonly WeChatPayPayees _payees;
    private readonly WeChatPayPapayStore _papay;
    private readonly WeChatPayPapayApi _papayApi;

    internal WeChatPaySimulator(
        WeChatPayMerchants merchants,
        WeChatPayPlatformKeys platform,
        WeChatPayOrders orders,
        TradeStore store,
        WeChatPayRefundStore refunds,
        WeChatPayTransferStore transfers,
        WeChatPayPayees payees,
        WeChatPayPapayStore papay,
        WeChatPayPapayApi papayApi)
    {
        _papay = papay;
        _papayApi = papayApi;
        _merchants = merchants;
        _platform = platform;
        _orders = orders;
        _store = store;
        _refunds = refunds;
        _transfers = transfers;
        _payees = payees;
    }

    /// <summary>
    /// Registers (or replaces) a merchant: <paramref name="serialNo"/> is its API certificate serial (the gateway's
    /// <c>serial_no</c> setting), <paramref name="publicKeyPem"/> its certificate or public key, <paramref name="apiV3Key"/>
    /// the 32-character APIv3 key (the gateway's <c>apiv3_key</c> secret).
    /// </summary>
    public void AddMerchant(string mchId, string serialNo, string publicKeyPem, string apiV3Key, string? apiV2Key = null) =>
        _merchants.Set(mchId, serialNo, publicKeyPem, apiV3Key, apiV2Key);

    /// <summary>
    /// The payer signs a pending papay contract (what the sign page's button does): it gets a contract_id and the ADD
    /// notify is sent. Null when no sign request for it is pending.
    /// </summary>
    public WeChatPayContractView? SignContract(string mchId, string planId, string contractCode) => _papayApi.PayerSigns(mchId, planId, contractCode);

    /// <summary>The payer ends a signed papay contract in WeChat (DELETE notify). Null when it is not signed.</summary>
    public WeChatPayContractView? TerminateContract(string mchId, string planId, string contractCode) => _papayApi.PayerTerminates(mchId, planId, contractCode);

    /// <summary>A papay contract (pending, signed or terminated); null when there was no sign request for it.</summary>
    public WeChatPayContractView? FindContract(string mchId, string planId, string contractCode) => _papay.Find(mchId, planId, contractCode);

    /// <summary>Registers a merchant by its API certificate; the serial is the certificate's.</summary>
    public void AddMerchant(string mchId, X509Certificate2 certificate, string apiV3Key, string? apiV2Key = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        _merchants.Set(mchId, certificate.SerialNumber, certificate.ExportCertificatePem(), apiV3Key, apiV2Key);
    }

    /// <summary>The certificate the simulator signs answers and notifications with now.</summary>
    public WeChatPayPlatformCertificate PlatformCertificate => _platform.Current;

    /// <summary>Every certificate <c>GET /v3/certificates</c> serves, oldest first.</summary>
    public IReadOnlyList<WeChatPayPlatformCertificate> PlatformCertificates => _platform.Served;

    /// <summary>Rotation: a new platform key and certificate, served next to the old ones and signing from now on.</summary>
    public WeChatPayPlatformCertificate RotatePlatformCertificate() => _platform.Rotate();

    /// <summary>Ends an overlap: the download stops serving this certificate. False if unknown or still the signing one.</summary>
    public bool RetirePlatformCertificate(string serialNo) => _platform.Retire(serialNo);

    /// <summary>The WeChat Pay details of an order (appid, trade_type, prepay_id …); null when there is no such WeChat Pay order.</summary>
    public WeChatPayOrder? FindOrder(string outTradeNo, string? mchId = null)
    {
        var trade = mchId is null ? _store.FindAnyMerchant(outTradeNo) : _store.Find(mchId, outTradeNo);
        return trade is not null && _orders.TryGet(trade.TradeNo, out var order) ? order : null;
    }

    /// <summary>A refund by its out_refund_no (amounts, reason, notify_url, status …); null when there is none.</summary>
    public WeChatPayRefundView? FindRefund(string mchId, string outRefundNo) => _refunds.Find(mchId, outRefundNo);

    /// <summary>A transfer batch by its out_batch_no, with its details and the payee names as decrypted; null when there is none.</summary>
    public WeChatPayTransferView? FindTransfer(string mchId, string outBatchNo) => _transfers.Find(mchId, outBatchNo);

    /// <summary>
    /// Registers a payee's real name: a transfer to <paramref name="openId"/> whose user_name is another name ends
    /// <c>FAIL</c> <c>NAME_NOT_CORRECT</c>. Payees without a registered name accept any name. Kept across resets.
    /// </summary>
    public void SetPayeeName(string openId, string realName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(openId);
        ArgumentException.ThrowIfNullOrWhiteSpace(realName);
        _payees.SetName(openId, realName);
    }
}
