using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using PayGateway.Api.Hosting;
using PayGateway.Api.Merchants;
using PayGateway.ChannelSimulator;
using PayGateway.Silo.Hosting;

namespace PayGateway.Benchmarks;

/// <summary>
/// The whole gateway in this process, wired as in production: a silo built by <see cref="SiloConfiguration"/>
/// (ADO.NET clustering, state, reminders on MariaDB), the API host as a separate Orleans client over loopback TCP,
/// the channel simulator (mock channel) and a webhook sink, each on its own 127.0.0.1 port.
/// </summary>
public sealed class GatewayUnderTest : IAsyncDisposable
{
    public const string Datacenter = "B1";
    public const string AppId = "bench_app";
    public const string AccountId = "bench-acc";
    public const string SimMerchantId = "bench-sim-merchant";

    private readonly string _operatorToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private readonly string _mockKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private readonly byte[] _hmacSecret = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));

    private GatewayUnderTest()
    {
    }

    public IHost Silo { get; private set; } = null!;
    public WebApplication Api { get; private set; } = null!;
    public SimulatorHost Simulator { get; private set; } = null!;
    public WebhookSink Webhooks { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public IGrainFactory SiloGrains => Silo.Services.GetRequiredService<IGrainFactory>();

    public static async Task<GatewayUnderTest> StartAsync(string connectionString)
    {
        var gateway = new GatewayUnderTest();
        var options = new SimulatorOptions();
        options.Merchants[SimMerchantId] = gateway._mockKey;
        gateway.Simulator = await SimulatorHost.StartAsync(options);
        gateway.Webhooks = await WebhookSink.StartAsync();

        var apiPort = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Gateway"] = connectionString,
            ["Orleans:ClusterId"] = $"bench-{Guid.NewGuid():N}",
            ["Orleans:ServiceId"] = "paygw-bench",
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:DatacenterCode"] = Datacenter,
            ["Gateway:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Gateway:PublicBaseUrl"] = $"http://127.0.0.1:{apiPort}/",
            // Orders created by the benchmark must not fall due during the run (supervision is measured idle).
            ["Gateway:Supervision:CheckDelays:0"] = "01:00:00",
            ["Api:ResponseSigningKeyPem"] = RSA.Create(2048).ExportPkcs8PrivateKeyPem(),
            ["Api:OperatorTokenSha256:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(gateway._operatorToken))),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        };

        var silo = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        silo.Configuration.AddInMemoryCollection(settings);
        silo.Logging.AddConfiguration(silo.Configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true);
        silo.UseOrleans(s => s.AddPaymentGateway(silo.Configuration).AddIncomingGrainCallFilter(GrainCallCounter.Silo));
        gateway.Silo = silo.Build();
        await gateway.Silo.StartAsync();

        var api = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ApiEntryPoint).Assembly.GetName().Name,
            EnvironmentName = "Production",
        });
        api.Configuration.AddInMemoryCollection(settings);
        api.Logging.ClearProviders().AddConfiguration(api.Configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true);
        api.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, apiPort));
        api.AddGatewayApi();
        // The API host's Orleans client reads its outgoing filters from the same container.
        api.Services.AddSingleton<IOutgoingGrainCallFilter>(GrainCallCounter.Client);
        gateway.Api = api.Build();
        gateway.Api.MapGatewayApi();
        await gateway.Api.StartAsync();

        gateway.Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{apiPort}/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        await gateway.ConfigureMerchantAsync();
        return gateway;
    }

    private async Task ConfigureMerchantAsync()
    {
        using var admin = new HttpRequestMessage(HttpMethod.Put, $"/admin/v1/channel-accounts/mock/{AccountId}")
        {
            Content = JsonContent.Create(new
            {
                base_url = Simulator.BaseAddress.ToString(),
                settings = new Dictionary<string, string> { ["merchant_id"] = SimMerchantId },
                secrets = new Dictionary<string, string> { ["hmac_key"] = _mockKey },
                enabled_methods = new[] { "QR_CODE" },
                enabled = true,
            }),
        };
        await SendAdminAsync(admin);
        using var app = new HttpRequestMessage(HttpMethod.Put, $"/admin/v1/apps/{AppId}")
        {
            Content = JsonContent.Create(new
            {
                name = "Benchmark shop",
                auth_scheme = "HMAC",
                hmac_secret = Encoding.UTF8.GetString(_hmacSecret),
                webhook_secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
                channels = new[] { new { channel = "mock", account_id = AccountId } },
                enabled = true,
            }),
        };
        await SendAdminAsync(app);
    }

    private async Task SendAdminAsync(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _operatorToken);
        using var response = await Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Set-up failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>A signed POST /v1/orders, as a merchant would send it; returns the order id and the amount.</summary>
    public async Task<(string OrderId, long Amount)> CreateOrderAsync(string outTradeNo, long amount)
    {
        var body = Encoding.UTF8.GetBytes(
            $$"""{"out_trade_no":"{{outTradeNo}}","amount":{{amount}},"currency":"CNY","subject":"Benchmark order","method":"QR_CODE","notify_url":"{{new Uri(Webhooks.Url, "bench")}}"}""");
        const string path = "/v1/orders";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // The load generator runs in the measured process: it builds and reads each request with as little work as it can.
        var signature = Convert.ToBase64String(HMACSHA256.HashData(_hmacSecret, SignedMessage.ForRequest("POST", path, AppId, timestamp, nonce, body)));
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"PAYGW-HMAC-SHA256 app_id=\"{AppId}\",nonce=\"{nonce}\",timestamp=\"{timestamp}\",signature=\"{signature}\"");
        using var response = await Http.SendAsync(request);
        var answer = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Create answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(answer)}");
        }
        using var order = JsonDocument.Parse(answer);
        if (!order.RootElement.GetProperty("status").ValueEquals("pending"u8))
        {
            throw new InvalidOperationException($"Created order is not pending: {Encoding.UTF8.GetString(answer)}");
        }
        return (order.RootElement.GetProperty("order_id").GetString()!, amount);
    }

    /// <summary>A mock-channel "paid" callback, signed with the channel account's key, as the channel would send it.</summary>
    public async Task PostPaidCallbackAsync(string orderId, long amount)
    {
        var body = $$"""{"event_id":"evt_bench_{{orderId}}","out_trade_no":"{{orderId}}","trade_no":"MT{{orderId}}","status":"SUCCEEDED","amount":{{amount}},"currency":"CNY","merchant_id":"{{SimMerchantId}}","paid_at":"{{DateTimeOffset.UtcNow:O}}"}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_mockKey), Encoding.UTF8.GetBytes($"{timestamp}\n{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/callbacks/{Datacenter}/mock/{AccountId}")
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("Mock-Merchant-Id", SimMerchantId);
        request.Headers.Add("Mock-Timestamp", timestamp);
        request.Headers.Add("Mock-Signature", signature);
        using var response = await Http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Callback answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Api is not null)
        {
            await Api.StopAsync();
            await Api.DisposeAsync();
        }
        if (Silo is not null)
        {
            await Silo.StopAsync();
            Silo.Dispose();
        }
        if (Simulator is not null)
        {
            await Simulator.DisposeAsync();
        }
        if (Webhooks is not null)
        {
            await Webhooks.DisposeAsync();
        }
    }
}
