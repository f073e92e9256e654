using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using PayGateway.ChannelSimulator;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// <see cref="PaymentFixture"/> plus an Alipay channel account and a merchant app routed to it, both configured
/// through the admin API after the gateway is running (no restart), the way an operator onboards a merchant.
/// </summary>
/// <remarks>
/// The app key pair is made here, as a merchant makes it with Alipay's key tool; only its public key goes to the
/// simulated Alipay. The platform key pair is made here too, so a test can sign a notify exactly as Alipay would
/// (and then tamper with it); the gateway only ever gets the platform's public key.
/// </remarks>
public class AlipayFixture : PaymentFixture
{
    public const string AlipayAppId = "2021000000000042";
    public const string AccountId = "alipay-acc-1";
    public const string AppId = "app_alipay";

    public RSA AppKey { get; } = RSA.Create(2048);
    public RSA PlatformKey { get; } = RSA.Create(2048);

    /// <summary>The app's public key as Alipay's console shows it: bare base64 SPKI.</summary>
    public static string PublicKeyOf(RSA key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    protected override void ConfigureSimulator(SimulatorOptions options) =>
        options.Alipay.PlatformPrivateKey = Convert.ToBase64String(PlatformKey.ExportPkcs8PrivateKey());

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Simulator.AddAlipayApp(AlipayAppId, PublicKeyOf(AppKey));
        // Bare base64 PKCS#1, as Alipay's key tool writes the private key for non-Java SDKs.
        await ConfigureAccountAsync(AccountId, AlipayAppId, Convert.ToBase64String(AppKey.ExportRSAPrivateKey()));
        await ConfigureAppAsync(AppId, AccountId);
    }

    public async Task ConfigureAccountAsync(string accountId, string alipayAppId, string appPrivateKey, string? alipayPublicKey = null)
    {
        using var admin = OperatorClient();
        await EnsureOk(await admin.PutAsJsonAsync($"/admin/v1/channel-accounts/alipay/{accountId}", new
        {
            base_url = new Uri(Simulator.BaseAddress, "alipay/").ToString(),
            settings = new Dictionary<string, string>
            {
                ["app_id"] = alipayAppId,
                ["alipay_public_key"] = alipayPublicKey ?? Simulator.AlipayPublicKey,
            },
            secrets = new Dictionary<string, string> { ["app_private_key"] = appPrivateKey },
            enabled_methods = new[] { "QR_CODE", "WEB", "WAP", "APP", "SERVER" },
            enabled = true,
        }));
    }

    public async Task ConfigureAppAsync(string appId, string accountId)
    {
        using var admin = OperatorClient();
        await EnsureOk(await admin.PutAsJsonAsync($"/admin/v1/apps/{appId}", new
        {
            name = "Alipay test shop",
            auth_scheme = "HMAC",
            hmac_secret = Encoding.UTF8.GetString(HmacSecret),
            webhook_secret = WebhookSecret,
            channels = new[] { new { channel = "alipay", account_id = accountId } },
            enabled = true,
        }));
    }

    public MerchantClient AlipayMerchant(string appId = AppId) => new(Api.CreateClient(), appId, hmacSecret: HmacSecret);

    /// <summary>
    /// A notify form body signed as Alipay signs notifies: every non-empty field except sign and sign_type,
    /// ordinal-sorted, raw k=v joined with &amp;, SHA256withRSA; then form-encoded.
    /// </summary>
    public string SignedNotify(IReadOnlyDictionary<string, string> fields, RSA? key = null)
    {
        var content = string.Join('&', fields
            .Where(f => f.Key is not ("sign" or "sign_type") && f.Value.Length > 0)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => $"{f.Key}={f.Value}"));
        var sign = Convert.ToBase64String((key ?? PlatformKey).SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return FormEncode(fields.Append(new("sign_type", "RSA2")).Append(new("sign", sign)));
    }

    public static string FormEncode(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => $"{Encode(f.Key)}={Encode(f.Value)}"));

    private static string Encode(string value) => System.Net.WebUtility.UrlEncode(value);

    /// <summary>Posts a notify body to the gateway as Alipay does, to this fixture's account unless told otherwise.</summary>
    public async Task<HttpResponseMessage> PostNotifyAsync(string body, string accountId = AccountId)
    {
        using var client = Api.CreateClient();
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/x-www-form-urlencoded; charset=utf-8");
        return await client.PostAsync($"/v1/callbacks/{DatacenterCode}/alipay/{accountId}", content);
    }
}
