using Microsoft.Extensions.DependencyInjection;
using PayGateway.ChannelSimulator;
using PayGateway.Channels;
using PayGateway.Channels.Mock;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>
/// One simulator, one callback receiver and a <see cref="MockChannel"/> talking to them over loopback HTTP.
/// Each test gets its own, so tests do not share trades, behaviours or records.
/// </summary>
public sealed class MockChannelHarness : IAsyncDisposable
{
    public const string MerchantId = "m100";
    public const string HmacKey = "test-hmac-key-m100";
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(3); // generous: CI shares 2 cores with the whole suite

    private readonly ServiceProvider _services;

    private MockChannelHarness(SimulatorHost simulator, ServiceProvider services, MockChannel channel)
    {
        Simulator = simulator;
        _services = services;
        Channel = channel;
    }

    public SimulatorHost Simulator { get; }

    public MockChannel Channel { get; }

    public CallbackReceiver Callbacks { get; private set; } = null!;

    public ChannelAccount Account { get; private set; } = null!;

    public static async Task<MockChannelHarness> StartAsync()
    {
        var options = new SimulatorOptions { CallbackRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)] };
        options.Merchants[MerchantId] = HmacKey;
        var simulator = await SimulatorHost.StartAsync(options);
        var services = new ServiceCollection().AddHttpClient("channel.mock", c => c.Timeout = ClientTimeout).Services.BuildServiceProvider();
        var channel = new MockChannel(services.GetRequiredService<IHttpClientFactory>(), TimeProvider.System);
        var harness = new MockChannelHarness(simulator, services, channel);
        harness.Callbacks = await CallbackReceiver.StartAsync(channel, () => harness.Account);
        harness.Account = AccountFor(simulator.BaseAddress, harness.Callbacks.NotifyUrl, HmacKey);
        return harness;
    }

    public static ChannelAccount AccountFor(Uri baseUrl, Uri notifyUrl, string hmacKey) => new(
        "mock", "acc-1", baseUrl,
        new Dictionary<string, string> { ["merchant_id"] = MerchantId },
        new Dictionary<string, string> { ["hmac_key"] = hmacKey },
        notifyUrl);

    public static ChannelPaymentRequest Request(string orderId, PayMethod method = PayMethod.QR_CODE, long amount = 1234, string? authCode = null) =>
        new(orderId, amount, "CNY", "Test order", null, method, DateTimeOffset.UtcNow.AddMinutes(15), "https://shop.example/return", null, null, null, authCode);

    /// <summary>A paid order: a barcode (SERVER) payment settles synchronously at the simulator.</summary>
    public async Task<string> PaidOrderAsync(string orderId, long amount = 1234)
    {
        var paid = await Channel.CreatePaymentAsync(Account, Request(orderId, PayMethod.SERVER, amount, authCode: "134567890123456789"), default);
        return paid.Outcome == ChannelOutcome.Succeeded ? orderId : throw new InvalidOperationException($"Setup: {orderId} was not paid ({paid.Outcome}).");
    }

    /// <summary>The gateway's refund id shape: the order id, R, three digits.</summary>
    public static ChannelRefundRequest Refund(string orderId, int number, long amount, long orderAmount = 1234) =>
        new($"{orderId}R{number:D3}", orderId, null, amount, orderAmount, "CNY", "Customer returned the goods", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public static ChannelRefundQuery QueryFor(ChannelRefundRequest refund) =>
        new(refund.RefundId, refund.OrderId, refund.ChannelTradeNo, refund.RefundAmount, refund.Currency, refund.RequestedAt);

    public static ChannelTransferRequest Transfer(string transferId, string payeeAccount = "payee-001", long amount = 5000) =>
        new(transferId, amount, "CNY", PayeeTypes.MockAccount, payeeAccount, "Test Payee", "Commission");

    /// <summary>A contract to sign: at most <paramref name="amountPerDeduction"/> per deduction, monthly from 2026-12-01.</summary>
    public static ChannelSignRequest Contract(string contractId, PayMethod method = PayMethod.WEB, long amountPerDeduction = 1000, int? maxDeductions = 3) =>
        new(contractId, method, "CNY", amountPerDeduction, maxDeductions, new ChannelContractPeriod("MONTH", 1, new DateOnly(2026, 12, 1)),
            "user-0001", "https://shop.example/contract-return", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(30));

    /// <summary>One deduction under the signed contract (order id = out_trade_no).</summary>
    public static ChannelDeductionRequest Deduction(string orderId, string contractId, string channelContractNo, long amount = 1000) =>
        new(orderId, contractId, channelContractNo, amount, "CNY", "Monthly plan", null, DateTimeOffset.UtcNow);

    /// <summary>A contract the payer signed at the simulator; answers the channel's contract number.</summary>
    public async Task<string> SignedContractAsync(string contractId, long amountPerDeduction = 1000, int? maxDeductions = 3)
    {
        var started = await Channel.StartSigningAsync(Account, Contract(contractId, amountPerDeduction: amountPerDeduction, maxDeductions: maxDeductions), default);
        if (started.Outcome != ChannelOutcome.Accepted)
        {
            throw new InvalidOperationException($"Setup: contract {contractId} was not started ({started.Outcome}).");
        }
        Simulator.Contracts.Sign(contractId);
        var signed = await Channel.QueryContractAsync(Account, new ChannelContractRef(contractId, null), default);
        return signed is { State: ChannelContractState.Signed, ChannelContractNo: { } number }
            ? number
            : throw new InvalidOperationException($"Setup: contract {contractId} is not signed ({signed.State}).");
    }

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await Callbacks.DisposeAsync();
        await _services.DisposeAsync();
    }
}
