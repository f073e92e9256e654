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

    /// <summary>Generous, so a loaded machine never turns an ordinary call into a timeout.</summary>
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(5);

    /// <summary>For the tests that are about timeouts: short, so they stay fast.</summary>
    public static readonly TimeSpan ShortClientTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The merchant app's key pair, made once per test run: private as bare base64 PKCS#8, public as bare SPKI.</summary>
    public static readonly (string Private, string Public) AppKeys = NewKeyPair();

    /// <summary>The simulated platform's key pair, also made once: configuring it saves a key generation per simulator.</summary>
    public static readonly (string Private, string Public) PlatformKeys = NewKeyPair();

    private readonly ServiceProvider _services;
    private readonly ServiceProvider _impatientServices;

    private AlipaySimulatorHarness(SimulatorHost simulator, ServiceProvider services, ServiceProvider impatientServices, TimeProvider? time)
    {
        Simulator = simulator;
        _services = services;
        _impatientServices = impatientServices;
        Channel = new AlipayChannel(services.GetRequiredService<IHttpClientFactory>(), NullLogger<AlipayChannel>.Instance, time);
        ImpatientChannel = new AlipayChannel(impatientServices.GetRequiredService<IHttpClientFactory>(), NullLogger<AlipayChannel>.Instance, time);
    }

    public SimulatorHost Simulator { get; }

    /// <summary>The adapter with <see cref="ClientTimeout"/>.</summary>
    public AlipayChannel Channel { get; }

    /// <summary>The same adapter with <see cref="ShortClientTimeout"/>, for calls that are meant to time out.</summary>
    public AlipayChannel ImpatientChannel { get; }

    public CallbackReceiver Notifies { get; private set; } = null!;

    public ChannelAccount Account { get; private set; } = null!;

    /// <param name="time">
    /// One clock for the simulator and both adapters (request timestamps are checked against the simulator's clock);
    /// null: the system clock.
    /// </param>
    public static async Task<AlipaySimulatorHarness> StartAsync(TimeProvider? time = null)
    {
        var options = new SimulatorOptions { CallbackRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)] };
        options.Alipay.Apps[AppId] = AppKeys.Public;
        options.Alipay.PlatformPrivateKey = PlatformKeys.Private;
        options.TimeProvider = time ?? TimeProvider.System;
        var simulator = await SimulatorHost.StartAsync(options);
        var harness = new AlipaySimulatorHarness(simulator, HttpClients(ClientTimeout), HttpClients(ShortClientTimeout), time);
        harness.Notifies = await CallbackReceiver.StartAsync(harness.Channel, () => harness.Account);
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

    private static ServiceProvider HttpClients(TimeSpan timeout) =>
        new ServiceCollection().AddHttpClient(AlipayChannel.HttpClientName, c => c.Timeout = timeout).Services.BuildServiceProvider();

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
        await _impatientServices.DisposeAsync();
    }
}
