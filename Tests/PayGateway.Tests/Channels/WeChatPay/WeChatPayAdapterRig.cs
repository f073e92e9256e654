using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels;
using PayGateway.Channels.WeChatPay;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// The WeChat Pay adapter wired to a <see cref="FakeWeChatPayServer"/> on a fake clock, with the Go SDK's merchant key
/// (vectors) and a platform certificate made for the test: what the adapter-level test classes share.
/// </summary>
internal sealed class WeChatPayAdapterRig : IDisposable
{
    public const string MchId = "1230000109";
    public const string AppId = "wxd678efh567hg6787";
    public const string MerchantSerial = "F5765756002FDD77";

    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    /// <param name="platformSerial">The platform certificate's serial bytes; each test class uses its own.</param>
    public WeChatPayAdapterRig(byte[] platformSerial)
    {
        Platform = new WeChatPayTestPlatform(platformSerial, Start.AddDays(-30), Start.AddYears(2));
        using var merchantCert = WeChatPayVectors.Certificate("keys/go-test-cert-F5765756002FDD77.pem");
        MerchantPublicKey = merchantCert.GetRSAPublicKey()!;
        Server = new FakeWeChatPayServer(MerchantPublicKey, Platform, Time.GetUtcNow);
        Channel = new WeChatPayChannel(Server, Time, NullLogger<WeChatPayChannel>.Instance);
        Account = new ChannelAccount(
            "wechatpay",
            "acc-1",
            new Uri("https://wechat.test/"),
            new Dictionary<string, string> { ["mchid"] = MchId, ["appid"] = AppId, ["serial_no"] = MerchantSerial },
            new Dictionary<string, string>
            {
                ["private_key"] = WeChatPayVectors.Text("keys/go-test-merchant-private-key.pem"),
                ["apiv3_key"] = WeChatPayTestPlatform.ApiV3Key,
            },
            new Uri("https://gateway.test/callbacks/wechatpay/acc-1"));
    }

    public FakeTimeProvider Time { get; } = new(Start);
    public WeChatPayTestPlatform Platform { get; }
    public RSA MerchantPublicKey { get; }
    public FakeWeChatPayServer Server { get; }
    public WeChatPayChannel Channel { get; }
    public ChannelAccount Account { get; }

    public void Dispose()
    {
        Platform.Dispose();
        MerchantPublicKey.Dispose();
        Server.Dispose();
    }
}
