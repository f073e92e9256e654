using System.Net.Http.Json;
using System.Text;
using PayGateway.ChannelSimulator;
using PayGateway.Tests.Channels.UnionPay;

namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// <see cref="PaymentFixture"/> plus a UnionPay channel account and a merchant app routed to it, configured through
/// the admin API while the gateway runs. The merchant's signing certificate is registered with the simulated UnionPay;
/// the account trusts the simulator's generated root and middle and fetches statements from its file-download path.
/// </summary>
public sealed class UnionPayFixture : PaymentFixture
{
    public const string MerId = UnionPaySimulatorHarness.MerId;
    public const string AccountId = "unionpay-acc-1";
    public const string AppId = "app_unionpay";

    protected override void ConfigureSimulator(SimulatorOptions options) =>
        options.UnionPay.Merchants[MerId] = UnionPaySimulatorHarness.Merchant.CertificatePem;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var admin = OperatorClient();
        await EnsureOk(await admin.PutAsJsonAsync($"/admin/v1/channel-accounts/unionpay/{AccountId}", new
        {
            base_url = new Uri(Simulator.BaseAddress, "unionpay/").ToString(),
            settings = new Dictionary<string, string>
            {
                ["mer_id"] = MerId,
                ["root_cert"] = Simulator.UnionPay.RootCertificatePem,
                ["middle_cert"] = Simulator.UnionPay.MiddleCertificatePem,
                ["file_transfer_url"] = new Uri(Simulator.BaseAddress, "unionpay/filedownload/").ToString(),
            },
            secrets = new Dictionary<string, string>
            {
                ["sign_cert_pfx"] = UnionPaySimulatorHarness.Merchant.PfxBase64,
                ["sign_cert_password"] = UnionPaySimulatorHarness.PfxPassword,
            },
            enabled_methods = new[] { "APP" },
            enabled = true,
        }));
        await EnsureOk(await admin.PutAsJsonAsync($"/admin/v1/apps/{AppId}", new
        {
            name = "UnionPay test shop",
            auth_scheme = "HMAC",
            hmac_secret = Encoding.UTF8.GetString(HmacSecret),
            webhook_secret = WebhookSecret,
            channels = new[] { new { channel = "unionpay", account_id = AccountId } },
            enabled = true,
        }));
    }

    public MerchantClient UnionPayMerchant() => new(Api.CreateClient(), AppId, hmacSecret: HmacSecret);
}
