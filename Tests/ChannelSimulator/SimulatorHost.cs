using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PayGateway.ChannelSimulator.Alipay;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.ChannelSimulator.UnionPay;
using PayGateway.ChannelSimulator.WeChatPay;

namespace PayGateway.ChannelSimulator;

/// <summary>
/// The simulator running inside a test process: real Kestrel on loopback (port chosen by the OS), with in-process
/// access to its records and behaviour. Dispose it to stop it.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulatorControl _control;
    private readonly AlipayControl _alipay;
    private readonly BillDrift _drift;
    private readonly TradeStore _trades;

    private SimulatorHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        _control = app.Services.GetRequiredService<SimulatorControl>();
        _alipay = app.Services.GetRequiredService<AlipayControl>();
        _drift = app.Services.GetRequiredService<BillDrift>();
        _trades = app.Services.GetRequiredService<TradeStore>();
        BaseAddress = baseAddress;
        WeChatPay = app.Services.GetRequiredService<WeChatPaySimulator>();
        UnionPay = app.Services.GetRequiredService<UnionPaySimulator>();
        Contracts = app.Services.GetRequiredService<ContractControl>();
    }

    /// <summary>Root address, e.g. <c>http://127.0.0.1:53123/</c> (the channel account's BaseUrl).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The WeChat Pay v3 endpoints: merchants, platform certificates (rotation), orders.</summary>
    public WeChatPaySimulator WeChatPay { get; }

    /// <summary>The UnionPay ACP 5.1.0 endpoints under <c>unionpay/</c>: the CA chain to trust, merchants.</summary>
    public UnionPaySimulator UnionPay { get; }

    /// <summary>Mock recurring-payment contracts: find one, sign or terminate it as the payer, (re)send its notification.</summary>
    public ContractControl Contracts { get; }

    /// <summary>Starts a simulator bound to <see cref="SimulatorOptions.Url"/> (default http://127.0.0.1:0).</summary>
    public static async Task<SimulatorHost> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SimulatorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls(options.Url);
        builder.Logging.ClearProviders();
        var app = SimulatorApp.Build(builder, options);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatorHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Registers (or replaces) a merchant and its hmac_key while running.</summary>
    public void AddMerchant(string merchantId, string hmacKey) => _control.AddMerchant(merchantId, hmacKey);

    /// <summary>Alipay's gateway address, <c>{BaseAddress}alipay/gateway.do</c>: an Alipay channel account's BaseUrl.</summary>
    public Uri AlipayGatewayUrl => new(BaseAddress, "alipay/gateway.do");

    /// <summary>
    /// The simulated Alipay platform's public key (bare base64 SPKI): the gateway account's <c>alipay_public_key</c>.
    /// Responses, notifies and sync returns are signed with its private key.
    /// </summary>
    public string AlipayPublicKey => _alipay.PlatformPublicKey;

    /// <summary>Registers (or replaces) an Alipay merchant app and the public key its requests are verified with.</summary>
    public void AddAlipayApp(string appId, string appPublicKey) => _alipay.AddApp(appId, appPublicKey);

    /// <summary>An Alipay agreement as the simulator holds it (its plan, its deductions), by app and external_agreement_no.</summary>
    public AlipayAgreement? FindAlipayAgreement(string appId, string externalAgreementNo) => _alipay.FindAgreement(appId, externalAgreementNo);

    /// <summary>
    /// Pays an <c>alipay.trade.app.pay</c> order string as the payer's Alipay app would: verified like a gateway call,
    /// trade created, charged, notify sent in the background.
    /// </summary>
    public AlipayAppPayResult PayAlipayOrderString(string orderString) => _alipay.AppPay(orderString);

    /// <summary>Behaviour for every call not covered by a per-out_trade_no behaviour; null clears it.</summary>
    public void SetBehaviour(SimulatorBehaviour? behaviour) => _control.SetBehaviour(behaviour);

    /// <summary>Behaviour for calls and callbacks about one out_trade_no; null clears it.</summary>
    public void SetBehaviour(string outTradeNo, SimulatorBehaviour? behaviour) => _control.SetBehaviour(outTradeNo, behaviour);

    public void ClearBehaviours() => _control.ClearBehaviours();

    /// <summary>Forgets behaviours, trades, refunds, transfers, contracts and records; merchants stay.</summary>
    public void Reset() => _control.Reset();

    /// <summary>Every recorded call and side effect so far, oldest first.</summary>
    public IReadOnlyList<SimulatorRecord> Records => _control.Records();

    public IReadOnlyList<SimulatorRecord> RecordsFor(string outTradeNo) => [.. Records.Where(r => r.OutTradeNo == outTradeNo)];

    public int ChargeCount(string outTradeNo, string? merchantId = null) => _control.ChargeCount(outTradeNo, merchantId);

    public long PaidTotal(string merchantId) => _control.PaidTotal(merchantId);

    public SimulatorTrade? FindTrade(string outTradeNo, string? merchantId = null) => _control.FindTrade(outTradeNo, merchantId);

    /// <summary>
    /// Reconciliation drift: from now on every protocol's statements show <paramref name="amount"/> for this out_trade_no
    /// or out_refund_no; 0 leaves the line out of the statement altogether.
    /// </summary>
    public void SetBillAmount(string merchantNumber, long amount) => _drift.SetAmount(merchantNumber, amount);

    /// <summary>Statements show the real amount for this number again.</summary>
    public void ClearBillAmount(string merchantNumber) => _drift.Remove(merchantNumber);

    /// <summary>
    /// A mock trade made at the channel without the gateway (another system sharing the merchant account, or a create
    /// whose request the gateway never sent): pay it with <see cref="Pay"/> and it shows on statements only.
    /// </summary>
    public SimulatorTrade CreateTradeOutsideGateway(string merchantId, string outTradeNo, long amount, string currency) =>
        _trades.CreateOrGet(new NewTrade(SimulatorProtocol.Mock, merchantId, outTradeNo, amount, currency, "outside the gateway", "QR_CODE", null, null,
            DateTimeOffset.UtcNow.AddHours(1)), TradeStatus.Pending).Trade;

    /// <summary>Pays the trade as the cashier's Pay button would (charge recorded, callback sent in the background).</summary>
    public (PayOutcome Outcome, SimulatorTrade Trade) Pay(string outTradeNo, string? merchantId = null) =>
        _control.Pay(outTradeNo, merchantId) ?? throw new InvalidOperationException($"The simulator has no (unique) trade '{outTradeNo}'.");

    /// <summary>(Re)sends the trade's callback in its current state and waits until it is acknowledged or retries run out.</summary>
    public async Task<CallbackDelivery> SendCallbackAsync(string outTradeNo, string? merchantId = null, CancellationToken cancellationToken = default) =>
        await _control.SendCallbackAsync(outTradeNo, merchantId, cancellationToken)
            ?? throw new InvalidOperationException($"The simulator has no (unique) trade '{outTradeNo}'.");

    /// <summary>The mock refund with that out_refund_no (the gateway's refund id), or null.</summary>
    public SimulatorRefund? FindRefund(string outRefundNo, string? merchantId = null) => _control.FindRefund(outRefundNo, merchantId);

    /// <summary>The mock transfer with that out_transfer_no (the gateway's transfer id), or null.</summary>
    public SimulatorTransfer? FindTransfer(string outTransferNo, string? merchantId = null) => _control.FindTransfer(outTransferNo, merchantId);

    /// <summary>(Re)sends a mock refund's callback in its current state and waits until it is acknowledged or retries run out.</summary>
    public async Task<CallbackDelivery> SendRefundCallbackAsync(string outRefundNo, string? merchantId = null, CancellationToken cancellationToken = default) =>
        await _control.SendRefundCallbackAsync(outRefundNo, merchantId, cancellationToken)
            ?? throw new InvalidOperationException($"The simulator has no (unique) refund '{outRefundNo}'.");

    /// <summary>Waits until a record matching <paramref name="predicate"/> exists (e.g. a callback delivered in the background).</summary>
    public async Task<SimulatorRecord> WaitForRecordAsync(Func<SimulatorRecord, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Records.FirstOrDefault(predicate) is { } record)
            {
                return record;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"No matching simulator record within {timeout}.");
            }
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Stopping releases hanging requests; disposing the services stops callback deliveries still retrying.
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
