using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.ChannelSimulator;
using PayGateway.ChannelSimulator.WeChatPay;
using PayGateway.Channels;
using PayGateway.Channels.WeChatPay;
using PayGateway.Tests.Channels.Mock;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// The real <see cref="WeChatPayChannel"/> against the in-process simulator over loopback HTTP, with a callback
/// receiver that hands notifications to ParseCallback. Adapter and simulator share one clock, which a test can
/// move forward (e.g. past the adapter's one-minute limit between certificate downloads).
/// </summary>
public sealed class WeChatPaySimulatorHarness : IAsyncDisposable
{
    public const string MchId = "1900000109";
    public const string AppId = "wx8888888888888888";
    public const string ApiV3Key = "SimApiV3Key-0123456789abcdefABCD";

    /// <summary>The merchant's APIv2 key (papay) and contract template.</summary>
    public const string ApiV2Key = "SimApiV2Key-abcdefABCDEF01234567";
    public const string PlanId = "12535";
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(3); // generous: CI shares 2 cores with the whole suite

    /// <summary>How long the simulator keeps refunds and transfers PROCESSING (real time).</summary>
    public static readonly TimeSpan FundsProcessingTime = TimeSpan.FromMilliseconds(200);

    // The merchant's API key pair and certificate, made once per run: RSA key generation is the slow part.
    private static readonly Lazy<MerchantKeys> Keys = new(MerchantKeys.Create);

    private readonly ServiceProvider _services;

    private WeChatPaySimulatorHarness(SimulatorHost simulator, ServiceProvider services, WeChatPayChannel channel, FakeTimeProvider time)
    {
        Simulator = simulator;
        _services = services;
        Channel = channel;
        Time = time;
    }

    public sealed record MerchantKeys(string PrivateKeyPem, string CertificatePem, string SerialNo)
    {
        public static MerchantKeys Create()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest($"CN={MchId}, O=Simulated Merchant", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            return new MerchantKeys(key.ExportPkcs8PrivateKeyPem(), certificate.ExportCertificatePem(), certificate.SerialNumber);
        }
    }

    public static MerchantKeys Merchant => Keys.Value;

    public SimulatorHost Simulator { get; }

    public WeChatPayChannel Channel { get; }

    public FakeTimeProvider Time { get; }

    public CallbackReceiver Callbacks { get; private set; } = null!;

    public ChannelAccount Account { get; private set; } = null!;

    /// <param name="configure">Changes to the simulator's options before it starts (e.g. a shorter bill link lifetime).</param>
    public static async Task<WeChatPaySimulatorHarness> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new SimulatorOptions { TimeProvider = time, CallbackRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)] };
        options.WeChatPay.RefundProcessingTime = FundsProcessingTime;
        options.WeChatPay.TransferProcessingTime = FundsProcessingTime;
        options.WeChatPay.PapayProcessingTime = FundsProcessingTime;
        options.WeChatPay.Merchants[MchId] = new WeChatPayMerchantOptions { SerialNo = Merchant.SerialNo, PublicKey = Merchant.CertificatePem, ApiV3Key = ApiV3Key, ApiV2Key = ApiV2Key };
        configure?.Invoke(options);
        var simulator = await SimulatorHost.StartAsync(options);
        var services = new ServiceCollection()
            .AddHttpClient("channel.wechatpay", c => c.Timeout = ClientTimeout).Services
            .BuildServiceProvider();
        var channel = new WeChatPayChannel(services.GetRequiredService<IHttpClientFactory>(), time, NullLogger<WeChatPayChannel>.Instance);
        var harness = new WeChatPaySimulatorHarness(simulator, services, channel, time);
        harness.Callbacks = await CallbackReceiver.StartAsync(channel, () => harness.Account);
        harness.Account = AccountFor(simulator.BaseAddress, harness.Callbacks.NotifyUrl, Merchant.PrivateKeyPem);
        return harness;
    }

    public static ChannelAccount AccountFor(Uri baseUrl, Uri notifyUrl, string privateKeyPem) => new(
        "wechatpay", "acc-wx", baseUrl,
        new Dictionary<string, string> { ["mchid"] = MchId, ["appid"] = AppId, ["serial_no"] = Merchant.SerialNo, ["papay_plan_id"] = PlanId },
        new Dictionary<string, string> { ["private_key"] = privateKeyPem, ["apiv3_key"] = ApiV3Key, ["api_v2_key"] = ApiV2Key },
        notifyUrl);

    /// <summary>An order of 1234 fen; JSAPI gets an openid and H5 a payer IP, as the adapter requires.</summary>
    public ChannelPaymentRequest Request(string orderId, PayMethod method = PayMethod.QR_CODE, long amount = 1234) =>
        new(orderId, amount, "CNY", "测试商品 test order", null, method, Time.GetUtcNow().AddMinutes(15), "https://shop.example/return",
            UserIp: method == PayMethod.WAP ? "203.0.113.9" : null,
            UserId: method == PayMethod.SDK ? "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" : null,
            ProductId: null, AuthCode: null);

    /// <summary>Creates the order at the simulator and pays it (its payment notification goes to <see cref="Callbacks"/>).</summary>
    public async Task PaidOrderAsync(string orderId, long amount = 1234)
    {
        var created = await Channel.CreatePaymentAsync(Account, Request(orderId, amount: amount), default);
        if (created.Outcome != ChannelOutcome.Accepted)
        {
            throw new InvalidOperationException($"Order {orderId} was not created: {created.ErrorCode} {created.ErrorMessage}");
        }
        Simulator.Pay(orderId);
    }

    /// <summary>A refund of <paramref name="amount"/> of an order of <paramref name="orderAmount"/>; the refund id is the gateway's shape, order id + R + 3 digits.</summary>
    public static ChannelRefundRequest Refund(string orderId, long amount, long orderAmount = 1234, int sequence = 1, string? reason = "商品已售完") =>
        new($"{orderId}R{sequence:D3}", orderId, null, amount, orderAmount, "CNY", reason, new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public static ChannelRefundQuery QueryOf(ChannelRefundRequest refund) =>
        new(refund.RefundId, refund.OrderId, refund.ChannelTradeNo, refund.RefundAmount, refund.Currency, refund.RequestedAt);

    /// <summary>A transfer to an openid; the id is the gateway's shape, T + 24 characters.</summary>
    public static ChannelTransferRequest Transfer(string tag, long amount = 5000, string? payeeName = null) =>
        new($"T{tag.PadRight(24, '0')}", amount, "CNY", PayeeTypes.WeChatOpenId, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", payeeName, "佣金 commission");

    /// <summary>Asks until <paramref name="done"/> holds (refunds and transfers end after <see cref="FundsProcessingTime"/>).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> ask, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var answer = await ask();
            if (done(answer) || DateTime.UtcNow >= deadline)
            {
                return answer;
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await Callbacks.DisposeAsync();
        await _services.DisposeAsync();
    }
}
