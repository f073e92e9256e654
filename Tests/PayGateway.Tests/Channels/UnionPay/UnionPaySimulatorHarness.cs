using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PayGateway.ChannelSimulator;
using PayGateway.ChannelSimulator.UnionPay;
using PayGateway.Channels;
using PayGateway.Channels.UnionPay;
using PayGateway.Tests.Channels.Mock;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>
/// The simulator's UnionPay side, a notification receiver and the real <see cref="UnionPayChannel"/> talking to them
/// over loopback HTTP. Each test gets its own. The merchant's signing .pfx is made in memory per test run; UnionPay's
/// CA chain is made by the simulator at start.
/// </summary>
public sealed class UnionPaySimulatorHarness : IAsyncDisposable
{
    public const string MerId = "777290058110097";
    public const string PfxPassword = "harness-pfx-pass";

    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan ShortClientTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The merchant's signing certificate: .pfx (base64) for the account, certificate PEM for the simulator.</summary>
    public static readonly (string PfxBase64, string CertificatePem) Merchant = NewMerchant();

    private static int _sequence;

    private readonly ServiceProvider _services;
    private readonly ServiceProvider _impatientServices;

    private UnionPaySimulatorHarness(SimulatorHost simulator, ServiceProvider services, ServiceProvider impatientServices, TimeProvider time)
    {
        Simulator = simulator;
        Time = time;
        _services = services;
        _impatientServices = impatientServices;
        Channel = new UnionPayChannel(services.GetRequiredService<IHttpClientFactory>(), NullLogger<UnionPayChannel>.Instance, time);
        ImpatientChannel = new UnionPayChannel(impatientServices.GetRequiredService<IHttpClientFactory>(), NullLogger<UnionPayChannel>.Instance, time);
    }

    public SimulatorHost Simulator { get; }

    public TimeProvider Time { get; }

    public UnionPayChannel Channel { get; }

    /// <summary>The same adapter with <see cref="ShortClientTimeout"/>, for calls that are meant to time out.</summary>
    public UnionPayChannel ImpatientChannel { get; }

    public CallbackReceiver Notifies { get; private set; } = null!;

    public ChannelAccount Account { get; private set; } = null!;

    /// <param name="time">One clock for the simulator and both adapters; null: the system clock.</param>
    /// <param name="configure">Changes to the simulator's UnionPay options (e.g. another signing CN).</param>
    public static async Task<UnionPaySimulatorHarness> StartAsync(TimeProvider? time = null, Action<UnionPaySimulatorOptions>? configure = null)
    {
        time ??= TimeProvider.System;
        var options = new SimulatorOptions { CallbackRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)], TimeProvider = time };
        options.UnionPay.Merchants[MerId] = Merchant.CertificatePem;
        configure?.Invoke(options.UnionPay);
        var simulator = await SimulatorHost.StartAsync(options);
        var harness = new UnionPaySimulatorHarness(simulator, HttpClients(ClientTimeout), HttpClients(ShortClientTimeout), time);
        harness.Notifies = await CallbackReceiver.StartAsync(harness.Channel, () => harness.Account);
        harness.Account = harness.AccountWith();
        return harness;
    }

    /// <summary>The account as the gateway would hold it: BaseUrl is the simulator's UnionPay root, file transfer its filedownload host.</summary>
    public ChannelAccount AccountWith(string? rootPem = null, string? pfxBase64 = null, string merId = MerId) => new(
        UnionPayChannel.ChannelName, "acc-unionpay-1", new Uri(Simulator.BaseAddress, "unionpay/"),
        new Dictionary<string, string>
        {
            ["mer_id"] = merId,
            ["root_cert"] = rootPem ?? Simulator.UnionPay.RootCertificatePem,
            ["middle_cert"] = Simulator.UnionPay.MiddleCertificatePem,
            ["file_transfer_url"] = new Uri(Simulator.BaseAddress, "unionpay/filedownload/").AbsoluteUri,
        },
        new Dictionary<string, string>
        {
            ["sign_cert_pfx"] = pfxBase64 ?? Merchant.PfxBase64,
            ["sign_cert_password"] = PfxPassword,
        },
        Notifies.NotifyUrl);

    /// <summary>A fresh gateway order id issued now (by the harness clock), as the gateway's generator makes them.</summary>
    public string NewOrderId() => OrderId.Format(Time.GetUtcNow().ToUnixTimeMilliseconds(), "01", 5, Interlocked.Increment(ref _sequence) % OrderId.MaxSequence);

    public ChannelPaymentRequest Request(string orderId, PayMethod method = PayMethod.WEB, long amount = 1234) =>
        new(orderId, amount, "CNY", "测试商品", null, method, Time.GetUtcNow().AddMinutes(15), "https://shop.example/return", null, null, null, null);

    private static ServiceProvider HttpClients(TimeSpan timeout) =>
        new ServiceCollection().AddHttpClient(UnionPayChannel.HttpClientName, c => c.Timeout = timeout).Services.BuildServiceProvider();

    /// <summary>A merchant signing certificate like UnionPay issues (CN …@merId:SIGN@…), self-signed here: the simulator only needs its key.</summary>
    public static (string PfxBase64, string CertificatePem) NewMerchant()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN=041@Z2014-11-11@{MerId}:SIGN@00000003, O=Merchant, C=CN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        return (Convert.ToBase64String(certificate.Export(X509ContentType.Pfx, PfxPassword)), certificate.ExportCertificatePem());
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await Notifies.DisposeAsync();
        await _services.DisposeAsync();
        await _impatientServices.DisposeAsync();
    }
}
