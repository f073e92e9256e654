using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Api;

/// <summary>Request signatures, timestamps, nonces and response signatures.</summary>
public sealed class MerchantAuthTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private const string UnknownOrder = "/v1/orders/20261126101530123T1000000";

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task MissingAuthorization_Returns401AuthMissing()
    {
        var response = await fixture.Api.CreateClient().GetAsync(UnknownOrder);

        await ProblemAssert.IsProblemAsync(response, 401, "AUTH_MISSING", "no header");
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("PAYGW-HMAC-SHA256 garbage")]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"app_hmac\",nonce=\"abc\",timestamp=\"1\",signature=\"x\"")]
    public async Task MalformedAuthorization_Returns401AuthMalformed(string header)
    {
        var response = await fixture.HmacMerchant().GetAsync(UnknownOrder, new MerchantClient.Tweaks(Authorization: header));

        await ProblemAssert.IsProblemAsync(response, 401, "AUTH_MALFORMED", header);
    }

    [Fact]
    public async Task UnknownApp_Returns401AuthUnknownApp()
    {
        var response = await fixture.HmacMerchant().GetAsync(UnknownOrder, new MerchantClient.Tweaks(AppId: "no_such_app"));

        await ProblemAssert.IsProblemAsync(response, 401, "AUTH_UNKNOWN_APP", "unknown app");
    }

    [Fact]
    public async Task BadSignature_Returns401AndDoesNotConsumeNonce()
    {
        var merchant = fixture.HmacMerchant();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var forged = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var rejected = await merchant.GetAsync(UnknownOrder, new MerchantClient.Tweaks(Nonce: nonce, Signature: forged));
        var genuine = await merchant.GetAsync(UnknownOrder, new MerchantClient.Tweaks(Nonce: nonce));

        await ProblemAssert.IsProblemAsync(rejected, 401, "AUTH_BAD_SIGNATURE", "forged");
        Assert.Equal(HttpStatusCode.NotFound, genuine.StatusCode); // authenticated: the order just does not exist
    }

    [Fact]
    public async Task SignatureOverDifferentBody_Returns401AndCreatesNothing()
    {
        var merchant = fixture.HmacMerchant();
        var before = await fixture.OrderRowCountAsync();
        var signedFor = Encoding.UTF8.GetBytes($"POST\n/v1/orders\n{PaymentFixture.HmacAppId}\n{Now}\nnonce-for-tamper-1\n{{\"amount\":1}}\n");

        var response = await merchant.SendAsync(HttpMethod.Post, "/v1/orders", System.Text.Json.JsonSerializer.Serialize(PaymentFixture.NewOrder()),
            new MerchantClient.Tweaks(Nonce: "nonce-for-tamper-1", Signature: merchant.Sign(signedFor)));

        await ProblemAssert.IsProblemAsync(response, 401, "AUTH_BAD_SIGNATURE", "tampered body");
        Assert.Equal(before, await fixture.OrderRowCountAsync());
    }

    [Fact]
    public async Task HmacHeaderForRsaApp_Returns401BadSignature()
    {
        var hmacSigner = new MerchantClient(fixture.Api.CreateClient(), PaymentFixture.RsaAppId, hmacSecret: fixture.HmacSecret);

        var response = await hmacSigner.GetAsync(UnknownOrder);

        await ProblemAssert.IsProblemAsync(response, 401, "AUTH_BAD_SIGNATURE", "wrong scheme");
    }

    [Fact]
    public async Task RequestCapturedForOneApp_ReplayedAsAnotherAppWithTheSameSecret_Returns401BadSignatureAndCreatesNothing()
    {
        // Merchants with several apps often give them one secret; the signature must still bind the request to its app.
        using var admin = fixture.OperatorClient();
        foreach (var app in new[] { "app_shared_a", "app_shared_b" })
        {
            var saved = await admin.PutAsJsonAsync($"/admin/v1/apps/{app}", new
            {
                name = "Shared-secret shop",
                auth_scheme = "HMAC",
                hmac_secret = Encoding.UTF8.GetString(fixture.HmacSecret),
                webhook_secret = fixture.WebhookSecret,
                channels = new[] { new { channel = "mock", account_id = PaymentFixture.MockAccountId } },
                enabled = true,
            });
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        }
        var appA = new MerchantClient(fixture.Api.CreateClient(), "app_shared_a", hmacSecret: fixture.HmacSecret);
        var body = System.Text.Json.JsonSerializer.Serialize(PaymentFixture.NewOrder($"payout-{Guid.NewGuid():N}"));

        var asA = await appA.SendAsync(HttpMethod.Post, "/v1/orders", body);
        var captured = asA.RequestMessage!.Headers.GetValues("Authorization").Single();
        var before = await fixture.OrderRowCountAsync();
        var asB = await appA.SendAsync(HttpMethod.Post, "/v1/orders", body,
            new MerchantClient.Tweaks(Authorization: captured.Replace("app_id=\"app_shared_a\"", "app_id=\"app_shared_b\"", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.OK, asA.StatusCode);
        await ProblemAssert.IsProblemAsync(asB, 401, "AUTH_BAD_SIGNATURE", "A's request as B");
        Assert.Equal(before, await fixture.OrderRowCountAsync());
    }

    [Fact]
    public async Task UnknownAppIds_LeaveNoActivations_AndConfiguredAppsStillWork()
    {
        // Anyone can send an app_id; looking one up must not keep a grain for it in memory until idle collection.
        var prefix = $"ghost{Guid.NewGuid():N}"[..16];
        var merchant = fixture.HmacMerchant();
        for (var i = 0; i < 100; i++)
        {
            var response = await merchant.GetAsync(UnknownOrder, new MerchantClient.Tweaks(AppId: $"{prefix}-{i}"));
            await ProblemAssert.IsProblemAsync(response, 401, "AUTH_UNKNOWN_APP", $"unknown app {i}");
        }
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);

        await Eventually.HoldsAsync(
            async () => (await management.GetDetailedGrainStatistics()).Count(s => s.GrainId.Key.ToString()!.StartsWith(prefix, StringComparison.Ordinal)),
            count => count == 0, "the unknown apps' grains are deactivated", TimeSpan.FromSeconds(10));
        var created = await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder());
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.RsaMerchant().GetAsync(UnknownOrder)).StatusCode); // authenticated
    }

    [Fact]
    public async Task BurstForOneUnknownApp_EveryAnswerIs401UnknownApp()
    {
        // Concurrent requests for one made-up app_id must not be forwarded from one letting-go activation to the
        // next past Orleans' forwarding limit: that surfaced as 503s instead of the merchant's 401.
        var appId = $"burst{Guid.NewGuid():N}"[..20];
        var merchant = fixture.HmacMerchant();

        // As many at once as one app_id is admitted (more would be answered 429 RATE_LIMITED before the lookup).
        using var admitted = new SemaphoreSlim(new PayGateway.Api.Admission.AdmissionOptions().AppConcurrency);

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            await admitted.WaitAsync();
            try
            {
                return await merchant.GetAsync(UnknownOrder, new MerchantClient.Tweaks(AppId: appId));
            }
            finally
            {
                admitted.Release();
            }
        }));

        for (var i = 0; i < responses.Length; i++)
        {
            await ProblemAssert.IsProblemAsync(responses[i], 401, "AUTH_UNKNOWN_APP", $"request {i}");
        }
    }

    [Fact]
    public async Task AppConfiguredRightAfterUnknownAnswer_AuthenticatesAtOnce()
    {
        // A silo remembers "no such app" for a moment; creating the app must end that at once, not after the moment.
        var appId = $"late{Guid.NewGuid():N}"[..20];
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var merchant = new MerchantClient(fixture.Api.CreateClient(), appId, hmacSecret: Encoding.UTF8.GetBytes(secret));
        await ProblemAssert.IsProblemAsync(await merchant.GetAsync(UnknownOrder), 401, "AUTH_UNKNOWN_APP", "before it exists");

        using var admin = fixture.OperatorClient();
        var configured = await admin.PutAsJsonAsync($"/admin/v1/apps/{appId}", new
        {
            name = "Late shop",
            auth_scheme = "HMAC",
            hmac_secret = secret,
            webhook_secret = fixture.WebhookSecret,
            channels = new[] { new { channel = "mock", account_id = PaymentFixture.MockAccountId } },
            enabled = true,
        });
        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await merchant.GetAsync(UnknownOrder)).StatusCode); // authenticated
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-100_000)]
    public async Task TimestampOutsideWindow_Returns401Stale(int skewSeconds)
    {
        var response = await fixture.HmacMerchant().GetAsync(UnknownOrder, new MerchantClient.Tweaks(Timestamp: Now + skewSeconds));

        await ProblemAssert.IsProblemAsync(response, 401, "AUTH_STALE_TIMESTAMP", $"skew {skewSeconds}");
    }

    [Theory]
    [InlineData(-299)]
    [InlineData(299)]
    public async Task TimestampInsideWindow_IsAccepted(int skewSeconds)
    {
        var response = await fixture.RsaMerchant().GetAsync(UnknownOrder, new MerchantClient.Tweaks(Timestamp: Now + skewSeconds));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ReusedNonce_Returns401AndSecondCreateDoesNothing()
    {
        var merchant = fixture.HmacMerchant();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var first = await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(), new MerchantClient.Tweaks(Nonce: nonce));
        var before = await fixture.OrderRowCountAsync();

        var replay = await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(), new MerchantClient.Tweaks(Nonce: nonce));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await ProblemAssert.IsProblemAsync(replay, 401, "AUTH_NONCE_REUSED", "replay");
        Assert.Equal(before, await fixture.OrderRowCountAsync());
    }

    [Fact]
    public async Task HmacAppResponse_IsSignedWithAppSecret()
    {
        var response = await fixture.HmacMerchant().PostJsonAsync("/v1/orders", PaymentFixture.NewOrder());

        var (message, signature) = await SignedResponse(response);
        Assert.Equal(signature, Convert.ToBase64String(HMACSHA256.HashData(fixture.HmacSecret, message)));
    }

    [Fact]
    public async Task RsaAppResponse_IsSignedWithPublishedGatewayKey()
    {
        var response = await fixture.RsaMerchant().GetAsync(UnknownOrder);
        var publicKeyPem = await fixture.Api.CreateClient().GetStringAsync("/v1/gateway/public-key");

        var (message, signature) = await SignedResponse(response);
        using var key = RSA.Create();
        key.ImportFromPem(publicKeyPem);
        Assert.True(key.VerifyData(message, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static async Task<(byte[] Message, string Signature)> SignedResponse(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var timestamp = response.Headers.GetValues("Paygw-Timestamp").Single();
        var nonce = response.Headers.GetValues("Paygw-Nonce").Single();
        var signature = response.Headers.GetValues("Paygw-Signature").Single();
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), Now - 60, Now + 60);
        return (Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n").Concat(body).Append((byte)'\n').ToArray(), signature);
    }
}
