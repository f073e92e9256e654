using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using PayGateway.Caching;
using PayGateway.Channels;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Caching;

/// <summary>Two silos, so a change written on one silo must reach the other silo's cache.</summary>
public sealed class TwoSiloFixture : GatewayFixture
{
    protected override int SiloCount => 2;
}

/// <summary>
/// Every silo keeps opened copies of merchant apps and channel accounts; a change must be used by every silo as
/// soon as the operator's call returns, not when the copies age out.
/// </summary>
public sealed class SiloCacheInvalidationTests(TwoSiloFixture fixture) : IClassFixture<TwoSiloFixture>
{
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("POST\n/v1/orders\n1\nnonce-123\n{}\n");

    private List<IServiceProvider> Silos => [.. fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services)];

    [Fact]
    public async Task AppSecretChange_IsUsedByEverySiloAtOnce()
    {
        var appId = $"cache_app_{Guid.NewGuid():N}"[..30];
        var (oldSecret, newSecret) = (Secret(), Secret());
        await ConfigureAppAsync(appId, oldSecret, enabled: true);
        Assert.Equal(2, Silos.Count);
        foreach (var silo in Silos)
        {
            Assert.Equal(SignatureCheck.Valid, await VerifyOnAsync(silo, appId, oldSecret)); // fills this silo's cache
        }

        await ConfigureAppAsync(appId, newSecret, enabled: true);

        foreach (var silo in Silos)
        {
            Assert.Equal(SignatureCheck.BadSignature, await VerifyOnAsync(silo, appId, oldSecret));
            Assert.Equal(SignatureCheck.Valid, await VerifyOnAsync(silo, appId, newSecret));
        }
        Assert.Equal(SignatureCheck.Valid, await fixture.Grains.GetGrain<IMerchantAuthGrain>(0)
            .VerifyRequestAsync(appId, MerchantAuthScheme.Hmac, Message, Sign(newSecret)));
    }

    [Fact]
    public async Task DisabledApp_IsRefusedByEverySiloAtOnce()
    {
        var appId = $"cache_app_{Guid.NewGuid():N}"[..30];
        var secret = Secret();
        await ConfigureAppAsync(appId, secret, enabled: true);
        foreach (var silo in Silos)
        {
            Assert.Equal(SignatureCheck.Valid, await VerifyOnAsync(silo, appId, secret));
        }

        await ConfigureAppAsync(appId, secret, enabled: false);

        foreach (var silo in Silos)
        {
            Assert.Equal(SignatureCheck.UnknownApp, await VerifyOnAsync(silo, appId, secret));
        }
    }

    [Fact]
    public async Task WebhookSecretChange_SignsWithTheNewSecretOnEverySilo()
    {
        var appId = $"cache_app_{Guid.NewGuid():N}"[..30];
        var (secret, oldWebhook, newWebhook) = (Secret(), Secret(), Secret());
        var body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\"}");
        await ConfigureAppAsync(appId, secret, enabled: true, oldWebhook);
        foreach (var silo in Silos)
        {
            Assert.Equal(WebhookSignature(oldWebhook, body), (await silo.GetRequiredService<MerchantAppCache>().GetAsync(appId))!.SignWebhook(body, 1_700_000_000));
        }

        await ConfigureAppAsync(appId, secret, enabled: true, newWebhook);

        foreach (var silo in Silos)
        {
            Assert.Equal(WebhookSignature(newWebhook, body), (await silo.GetRequiredService<MerchantAppCache>().GetAsync(appId))!.SignWebhook(body, 1_700_000_000));
        }
    }

    [Fact]
    public async Task ChannelAccountChange_IsSeenByEverySiloAtOnce()
    {
        var accountId = $"cache-acc-{Guid.NewGuid():N}"[..30];
        await ConfigureAccountAsync(accountId, "key-one-0123456789", enabled: true);
        foreach (var silo in Silos)
        {
            var account = await silo.GetRequiredService<ChannelAccountOpener>().GetAsync("mock", accountId);
            Assert.Equal("key-one-0123456789", account!.Opened.Secrets["hmac_key"]);
        }

        await ConfigureAccountAsync(accountId, "key-two-0123456789", enabled: false);

        foreach (var silo in Silos)
        {
            var account = await silo.GetRequiredService<ChannelAccountOpener>().GetAsync("mock", accountId);
            Assert.False(account!.Sealed.Enabled);
            Assert.Equal("key-two-0123456789", account.Opened.Secrets["hmac_key"]);
        }
    }

    private static string WebhookSignature(string secret, byte[] body) =>
        $"t=1700000000,v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.UTF8.GetBytes("1700000000."), .. body]))}";

    private static string Secret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static string Sign(string secret) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Message));

    private static async Task<SignatureCheck> VerifyOnAsync(IServiceProvider silo, string appId, string secret) =>
        await silo.GetRequiredService<MerchantAppCache>().GetAsync(appId) is { } keys
            ? keys.Verify(MerchantAuthScheme.Hmac, Message, Sign(secret))
            : SignatureCheck.UnknownApp;

    private async Task ConfigureAppAsync(string appId, string hmacSecret, bool enabled, string? webhookSecret = null)
    {
        var result = await fixture.Grains.GetGrain<IMerchantAppGrain>(appId).ConfigureAsync(
            new MerchantAppConfig("Cache test shop", MerchantAuthScheme.Hmac, null, hmacSecret, webhookSecret ?? Secret(), [], enabled));
        Assert.Null(result.Error);
    }

    private async Task ConfigureAccountAsync(string accountId, string hmacKey, bool enabled)
    {
        var result = await fixture.Grains.GetGrain<IChannelAccountGrain>(ChannelAccountKey.For("mock", accountId)).ConfigureAsync(new ChannelAccountConfig(
            "http://127.0.0.1:9/",
            ImmutableSortedDictionary<string, string>.Empty.Add("merchant_id", "m1"),
            ImmutableSortedDictionary<string, string>.Empty.Add("hmac_key", hmacKey),
            [PayMethod.QR_CODE],
            enabled));
        Assert.Null(result.Error);
    }
}
