using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PayGateway.ChannelSimulator;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;
using PayGateway.Tests.Channels.Mock;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// The simulator's Alipay side, a notify receiver and the real <see cref="AlipayChannel"/> talking to them over
/// loopback HTTP. Each test gets its own, so tests share no trades, behaviours or records.
/// </summary>
public sealed class AlipaySimulatorHarness : IAsyncDisposable
{
    public const string AppId = "2021000000000001";
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The merchant app's key pair, made once per test run: private as bare base64 PKCS#8, public as bare SPKI.</summary>
    public static readonly (string Private, string Public) AppKeys = NewKeyPair();

    /// <summary>The simulated platform's key pair, also made once: configuring it saves a key generation per simulator.</summary>
    public static readonly (string Private, string Public) PlatformKeys = NewKeyPair();

    private readonly ServiceProvider _services;

    private AlipaySimulatorHarness(SimulatorHost simulator, ServiceProvider services, AlipayChannel channel)
    {
        Simulator = simulator;
        _services = services;
        Channel = channel;
    }

    public SimulatorHost Simulator { get; }

    public AlipayChannel Channel { get; }

    public CallbackReceiver Notifies { get; private set; } = null!;

    public ChannelAccount Account { get; private set; } = null!;

    public static async Task<AlipaySimulatorHarness> StartAsync()
    {
        var options = new SimulatorOptions { CallbackRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)] };
        options.Alipay.Apps[AppId] = AppKeys.Public;
        options.Alipay.PlatformPrivateKey = PlatformKeys.Private;
        var simulator = await SimulatorHost.StartAsync(options);
        var services = new ServiceCollection().AddHttpClient(AlipayChannel.HttpClientName, c => c.Timeout = ClientTimeout).Services.BuildServiceProvider();
        var channel = new AlipayChannel(services.GetRequiredService<IHttpClientFactory>(), NullLogger<AlipayChannel>.Instance);
        var harness = new AlipaySimulatorHarness(simulator, services, channel);
        harness.Notifies = await CallbackReceiver.StartAsync(channel, () => harness.Account);
        harness.Account = harness.AccountWith();
        return harness;
    }

    /// <summary>The account as the gateway would hold it; BaseUrl ends in '/', so the adapter appends gateway.do.</summary>
    public ChannelAccount AccountWith(string? appPrivateKey = null, string? alipayPublicKey = null, string appId = AppId) => new(
        AlipayChannel.ChannelName, "acc-alipay-1", new Uri(Simulator.BaseAddress, "alipay/"),
        new Dictionary<string, string>
        {
            [AlipayChannel.AppIdSetting] = appId,
            [AlipayChannel.AlipayPublicKeySetting] = alipayPublicKey ?? Simulator.AlipayPublicKey,
        },
        new Dictionary<string, string> { [AlipayChannel.AppPrivateKeySecret] = appPrivateKey ?? AppKeys.Private },
        Notifies.NotifyUrl);

    public static ChannelPaymentRequest Request(string orderId, PayMethod method = PayMethod.QR_CODE, long amount = 1234, string? authCode = null) =>
        new(orderId, amount, "CNY", "测试商品 A+B", null, method, DateTimeOffset.UtcNow.AddMinutes(15), "https://shop.example/return", null, null, null, authCode);

    public static (string Private, string Public) NewKeyPair()
    {
        using var rsa = RSA.Create(2048);
        return (Convert.ToBase64String(rsa.ExportPkcs8PrivateKey()), Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await Notifies.DisposeAsync();
        await _services.DisposeAsync();
    }
}
