using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// <see cref="PaymentFixture"/> plus a WeChat Pay merchant. The test makes the merchant's API key pair, certificate
/// (its serial is the account's <c>serial_no</c>) and APIv3 key, registers them with the simulator, and configures the
/// gateway's channel account and a merchant app routed to it through the admin API while the gateway is running,
/// as an operator onboarding a merchant would. Nothing WeChat-specific is in the gateway's start-up configuration.
/// Not sealed: a test class that needs other gateway settings derives from it and overrides <see cref="GatewayFixture.Settings"/>.
/// </summary>
public class WeChatPayFixture : PaymentFixture
{
    public const string MchId = "1900000109";
    public const string WeChatAppId = "wx8888888888888888";
    public const string AccountId = "wx-acc-1";
    public const string AppId = "app_wx";

    public WeChatPayFixture()
    {
        var request = new CertificateRequest($"CN={MchId}, O=Test Merchant", MerchantApiKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        MerchantCertificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>The merchant's WeChat Pay API key (the account's <c>private_key</c> secret).</summary>
    public RSA MerchantApiKey { get; } = RSA.Create(2048);

    /// <summary>The merchant's API certificate; <see cref="X509Certificate2.SerialNumber"/> is the account's <c>serial_no</c>.</summary>
    public X509Certificate2 MerchantCertificate { get; }

    /// <summary>32 characters: the account's <c>apiv3_key</c> secret.</summary>
    public string ApiV3Key { get; } = NewApiV3Key();

    /// <summary>The APIv2 key papay (recurring contracts) signs with: 32 characters, made here like the v3 key.</summary>
    public string ApiV2Key { get; } = NewApiV3Key();

    /// <summary>The papay template (plan) the account signs contracts under.</summary>
    public const string PapayPlanId = "12535";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await OnboardAsync(AccountId, AppId);
    }

    /// <summary>
    /// Registers the merchant with the simulator and configures, at run time, channel account
    /// <paramref name="accountId"/> and app <paramref name="appId"/> routed to it. A new account id is a merchant
    /// account this gateway has never talked to: no platform certificates are loaded for it.
    /// </summary>
    public async Task OnboardAsync(string accountId, string appId)
    {
        Simulator.WeChatPay.AddMerchant(MchId, MerchantCertificate, ApiV3Key, ApiV2Key);
        using var admin = OperatorClient();
        await EnsureOk(await admin.PutAsJsonAsync($"/admin/v1/channel-accounts/wechatpay/{accountId}", new
        {
            base_url = Simulator.BaseAddress.ToString(),
            settings = new Dictionary<string, string>
            {
                ["mchid"] = MchId,
                ["appid"] = WeChatAppId,
                ["serial_no"] = MerchantCertificate.SerialNumber,
                ["papay_plan_id"] = PapayPlanId,
            },
            secrets = new Dictionary<string, string>
            {
                ["private_key"] = MerchantApiKey.ExportPkcs8PrivateKeyPem(),
                ["apiv3_key"] = ApiV3Key,
                ["api_v2_key"] = ApiV2Key,
            },
            enabled_methods = new[] { "QR_CODE", "SDK", "WAP", "APP" },
            enabled = true,
        }));
        await EnsureOk(await admin.PutAsJsonAsync($"/admin/v1/apps/{appId}", new
        {
            name = "WeChat Pay test shop",
            auth_scheme = "HMAC",
            hmac_secret = Encoding.UTF8.GetString(HmacSecret),
            webhook_secret = WebhookSecret,
            channels = new[] { new { channel = "wechatpay", account_id = accountId } },
            enabled = true,
        }));
    }

    public MerchantClient WeChatMerchant(string appId = AppId) => new(Api.CreateClient(), appId, hmacSecret: HmacSecret);

    /// <summary>A WeChat Pay order whose webhooks reach <see cref="PaymentFixture.Webhooks"/> under <paramref name="tag"/>; JSAPI gets an openid, H5 a payer IP.</summary>
    public object NewWeChatOrder(string tag, string method = "QR_CODE", long amount = 1234) => new
    {
        out_trade_no = $"{tag}-{Guid.NewGuid():N}"[..Math.Min(64, tag.Length + 17)],
        amount,
        currency = "CNY",
        subject = "测试商品 WeChat order",
        method,
        notify_url = new Uri(Webhooks.Url, tag).ToString(),
        return_url = "https://shop.example/return",
        user_id = method == "SDK" ? "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" : null,
        user_ip = method == "WAP" ? "203.0.113.9" : null,
    };

    private static string NewApiV3Key()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(32, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        MerchantCertificate.Dispose();
        MerchantApiKey.Dispose();
    }
}
