using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using PayGateway.ChannelSimulator;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// A gateway plus the channel simulator on loopback, with a mock channel account and two merchant apps
/// (one HMAC, one RSA) configured through the admin API, exactly as an operator would.
/// </summary>
public class PaymentFixture : GatewayFixture
{
    public const string MockMerchantId = "sim-merchant-1";
    public const string MockAccountId = "mock-acc-1";
    public const string HmacAppId = "app_hmac";
    public const string RsaAppId = "app_rsa";

    public SimulatorHost Simulator { get; private set; } = null!;
    public WebhookReceiver Webhooks { get; private set; } = null!;
    public string MockKey { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    public byte[] HmacSecret { get; } = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
    public RSA MerchantKey { get; } = RSA.Create(2048);
    public string WebhookSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public override async Task InitializeAsync()
    {
        var options = new SimulatorOptions { CallbackRetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)] };
        options.Merchants[MockMerchantId] = MockKey;
        ConfigureSimulator(options);
        Simulator = await SimulatorHost.StartAsync(options);
        Webhooks = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();

        using var admin = OperatorClient();
        await EnsureOk(await SaveMockAccountAsync(MockAccountId));
        var routes = new[] { new { channel = "mock", account_id = MockAccountId } };
        await EnsureOk(await admin.PutAsJsonAsync($"/admin/v1/apps/{HmacAppId}", new
        {
            name = "HMAC test shop",
            auth_scheme = "HMAC",
            hmac_secret = Encoding.UTF8.GetString(HmacSecret),
            webhook_secret = WebhookSecret,
            channels = routes,
            enabled = true,
        }));
        await EnsureOk(await admin.PutAsJsonAsync($"/admin/v1/apps/{RsaAppId}", new
        {
            name = "RSA test shop",
            auth_scheme = "RSA",
            public_key_pem = MerchantKey.ExportSubjectPublicKeyInfoPem(),
            webhook_secret = WebhookSecret,
            channels = routes,
            enabled = true,
        }));
    }

    /// <summary>For fixtures that need more of the simulator (another protocol's keys), before it starts.</summary>
    protected virtual void ConfigureSimulator(SimulatorOptions options)
    {
    }

    public MerchantClient HmacMerchant() => new(Api.CreateClient(), HmacAppId, hmacSecret: HmacSecret);

    public MerchantClient RsaMerchant() => new(Api.CreateClient(), RsaAppId, privateKey: MerchantKey);

    /// <summary>Saves (creates or replaces) a mock-channel account on the simulator's merchant, as an operator would.</summary>
    public async Task<HttpResponseMessage> SaveMockAccountAsync(string accountId)
    {
        using var admin = OperatorClient();
        return await admin.PutAsJsonAsync($"/admin/v1/channel-accounts/mock/{accountId}", new
        {
            base_url = Simulator.BaseAddress.ToString(),
            settings = new Dictionary<string, string> { ["merchant_id"] = MockMerchantId },
            secrets = new Dictionary<string, string> { ["hmac_key"] = MockKey },
            enabled_methods = new[] { "WEB", "WAP", "APP", "SDK", "SERVER", "QR_CODE" },
            enabled = true,
        });
    }

    public Task<long> OrderRowCountAsync() => Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_order");

    public static object NewOrder(string? outTradeNo = null, long amount = 1234, string method = "QR_CODE", string? authCode = null, string? notifyUrl = null) => new
    {
        out_trade_no = outTradeNo ?? $"T{Guid.NewGuid():N}",
        amount,
        currency = "CNY",
        subject = "Test order",
        method,
        notify_url = notifyUrl ?? "http://127.0.0.1:9/unreachable",
        auth_code = authCode,
    };

    /// <summary>An order whose webhooks reach <see cref="Webhooks"/>; the path carries a tag so tests can tell their deliveries apart.</summary>
    public object NewOrderWithWebhook(string tag, long amount = 1234, string method = "QR_CODE", string? authCode = null) =>
        NewOrder($"{tag}-{Guid.NewGuid():N}", amount, method, authCode, new Uri(Webhooks.Url, tag).ToString());

    /// <summary>A mock-channel callback signed with the simulator merchant's real key, for scenarios the simulator does not stage.</summary>
    public Task<HttpResponseMessage> PostMockCallbackAsync(HttpClient client, string datacenter, string accountId, string orderId, string status, long amount, string currency = "CNY") =>
        PostSignedMockCallbackAsync(client, datacenter, accountId,
            $$"""{"event_id":"evt_manual_{{Guid.NewGuid():N}}","out_trade_no":"{{orderId}}","trade_no":"MT-manual","status":"{{status}}","amount":{{amount}},"currency":"{{currency}}","merchant_id":"{{MockMerchantId}}","paid_at":"{{DateTimeOffset.UtcNow:O}}"}""");

    /// <summary>A mock-channel refund callback signed with the simulator merchant's real key: a channel reporting a refund as the test says.</summary>
    public Task<HttpResponseMessage> PostMockRefundCallbackAsync(HttpClient client, string orderId, string refundId, string status, long amount, string currency = "CNY") =>
        PostSignedMockCallbackAsync(client, DatacenterCode, MockAccountId,
            $$"""{"type":"refund","event_id":"evt_manual_{{Guid.NewGuid():N}}","out_refund_no":"{{refundId}}","refund_no":"MR-manual","out_trade_no":"{{orderId}}","merchant_id":"{{MockMerchantId}}","amount":{{amount}},"currency":"{{currency}}","status":"{{status}}","succeeded_at":"{{DateTimeOffset.UtcNow:O}}"}""");

    private async Task<HttpResponseMessage> PostSignedMockCallbackAsync(HttpClient client, string datacenter, string accountId, string body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(MockKey), Encoding.UTF8.GetBytes($"{timestamp}\n{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/callbacks/{datacenter}/mock/{accountId}")
        {
            Content = new StringContent(body, Encoding.UTF8, new System.Net.Http.Headers.MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("Mock-Merchant-Id", MockMerchantId);
        request.Headers.Add("Mock-Timestamp", timestamp);
        request.Headers.Add("Mock-Signature", signature);
        return await client.SendAsync(request);
    }

    protected static async Task EnsureOk(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Fixture set-up failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Simulator.DisposeAsync();
        await Webhooks.DisposeAsync();
    }
}
