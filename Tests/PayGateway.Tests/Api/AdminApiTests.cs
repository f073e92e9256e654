using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Api;

/// <summary>Operator API: authentication, secret handling, validation, order search, dashboard protection.</summary>
public sealed class AdminApiTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    [Theory]
    [InlineData("/admin/v1/apps/app_hmac", "Bearer")]
    [InlineData("/admin/v1/orders", "Bearer")]
    [InlineData("/dashboard", "Basic")]
    [InlineData("/dashboard/", "Basic")]
    public async Task AnonymousOperatorRequest_Returns401ProblemAskingForTheSchemeThePathTakes(string path, string scheme)
    {
        var response = await fixture.Api.CreateClient().GetAsync(path);

        await ProblemAssert.IsProblemAsync(response, 401, "OPERATOR_UNAUTHORIZED", path);
        Assert.StartsWith(scheme + " ", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BasicCredentialsOnAnAdminPost_Return401AndLeaveTheItemOpen_BearerResolvesIt()
    {
        // A browser that signed in to the dashboard replays Basic credentials on any request to this host, a
        // cross-site form POST included: the operator API must not take them.
        var merchant = fixture.HmacMerchant();
        var created = await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 800));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (string)(await MerchantClient.JsonAsync(created))["order_id"]!;
        Assert.False((await fixture.PostMockCallbackAsync(fixture.Api.CreateClient(), GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "SUCCEEDED", 801)).IsSuccessStatusCode);
        using var admin = fixture.OperatorClient();
        var itemId = (long)Assert.Single((await admin.GetFromJsonAsync<JsonObject>($"/admin/v1/review-items?order_id={id}"))!["items"]!.AsArray())!["id"]!;
        using var browser = fixture.Api.CreateClient();
        browser.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("operator:" + fixture.Secrets.OperatorToken)));

        var refused = await browser.PostAsync($"/admin/v1/review-items/{itemId}/resolve", null);

        await ProblemAssert.IsProblemAsync(refused, 401, "OPERATOR_UNAUTHORIZED", "Basic on the operator API");
        Assert.Single((await admin.GetFromJsonAsync<JsonObject>($"/admin/v1/review-items?order_id={id}"))!["items"]!.AsArray());
        var resolved = await admin.PostAsync($"/admin/v1/review-items/{itemId}/resolve", null);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.NotNull((string?)(await MerchantClient.JsonAsync(resolved))["resolved_at"]);
    }

    [Fact]
    public async Task WrongOperatorToken_Returns401()
    {
        var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-token");

        var response = await client.GetAsync("/dashboard");

        await ProblemAssert.IsProblemAsync(response, 401, "OPERATOR_UNAUTHORIZED", "wrong token");
    }

    [Fact]
    public async Task Dashboard_IsServedToOperatorWithBasicCredentials()
    {
        var client = fixture.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("operator:" + fixture.Secrets.OperatorToken)));

        var response = await client.GetAsync("/dashboard/");
        var data = await client.GetAsync("/dashboard/version");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("html", response.Content.Headers.ContentType?.MediaType ?? "");
        Assert.Equal(HttpStatusCode.OK, data.StatusCode); // what the page itself fetches takes Basic too
    }

    [Fact]
    public async Task CallbackWithAnotherAmount_ListedForReviewThenResolvedOnce()
    {
        var merchant = fixture.HmacMerchant();
        var id = (string)(await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 900))))["order_id"]!;
        var refused = await fixture.PostMockCallbackAsync(fixture.Api.CreateClient(), GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "SUCCEEDED", 901);
        Assert.False(refused.IsSuccessStatusCode);
        using var admin = fixture.OperatorClient();

        var open = await admin.GetFromJsonAsync<JsonObject>($"/admin/v1/review-items?order_id={id}&kind=callback");

        var item = Assert.Single(open!["items"]!.AsArray())!;
        Assert.Equal("AMOUNT_MISMATCH", (string?)item["code"]);
        Assert.Equal("mock", (string?)item["channel"]);
        Assert.Equal(PaymentFixture.MockAccountId, (string?)item["account_id"]);
        Assert.Null(item["resolved_at"]);
        Assert.Null(open["next_cursor"]);

        var itemId = (long)item["id"]!;
        var resolved = await admin.PostAsync($"/admin/v1/review-items/{itemId}/resolve", null);
        var repeated = await admin.PostAsync($"/admin/v1/review-items/{itemId}/resolve", null);

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var first = await MerchantClient.JsonAsync(resolved);
        Assert.NotNull((string?)first["resolved_at"]);
        Assert.Equal((string?)first["resolved_at"], (string?)(await MerchantClient.JsonAsync(repeated))["resolved_at"]);
        Assert.Empty((await admin.GetFromJsonAsync<JsonObject>($"/admin/v1/review-items?order_id={id}"))!["items"]!.AsArray());
        Assert.Single((await admin.GetFromJsonAsync<JsonObject>($"/admin/v1/review-items?order_id={id}&open=false"))!["items"]!.AsArray());
    }

    [Theory]
    [InlineData("/admin/v1/review-items?limit=0", 400, "VALIDATION_FAILED")]
    [InlineData("/admin/v1/review-items?kind=call%20back", 400, "VALIDATION_FAILED")]
    [InlineData("/admin/v1/review-items?channel=MOCK", 400, "VALIDATION_FAILED")]
    [InlineData("/admin/v1/review-items?before=0", 400, "VALIDATION_FAILED")]
    public async Task ReviewItemSearchWithBadFilter_Returns400Problem(string path, int status, string code)
    {
        using var admin = fixture.OperatorClient();

        await ProblemAssert.IsProblemAsync(await admin.GetAsync(path), status, code, path);
    }

    [Fact]
    public async Task ResolvingAnUnknownReviewItem_Returns404Problem()
    {
        using var admin = fixture.OperatorClient();

        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/admin/v1/review-items/999999999/resolve", null), 404, "REVIEW_ITEM_NOT_FOUND", "unknown item");
    }

    [Fact]
    public async Task AppAndAccountViews_NeverContainSecrets()
    {
        using var admin = fixture.OperatorClient();

        var app = await admin.GetStringAsync($"/admin/v1/apps/{PaymentFixture.HmacAppId}");
        var account = await admin.GetStringAsync($"/admin/v1/channel-accounts/mock/{PaymentFixture.MockAccountId}");

        Assert.DoesNotContain(System.Text.Encoding.UTF8.GetString(fixture.HmacSecret), app);
        Assert.DoesNotContain(fixture.WebhookSecret, app);
        Assert.Contains("\"has_hmac_secret\":true", app);
        Assert.Contains("\"secret_names\":[\"hmac_key\"]", account);
        Assert.DoesNotContain("v1.", account); // not even the sealed form
    }

    [Fact]
    public async Task SecretsAreEncryptedAtRest()
    {
        var payloads = await fixture.Database.ScalarAsync<string>(
            "SELECT GROUP_CONCAT(CONVERT(PayloadBinary USING utf8mb4) SEPARATOR '\\n') FROM OrleansStorage WHERE GrainTypeString IN ('merchant_app', 'channel_account')");

        Assert.DoesNotContain(System.Text.Encoding.UTF8.GetString(fixture.HmacSecret), payloads);
        Assert.DoesNotContain(fixture.WebhookSecret, payloads);
        Assert.Contains("\"sealed_hmac_secret\":\"v1.", payloads);
    }

    [Fact]
    public async Task AppRoutedToMissingAccount_Returns422AndChangesNothing()
    {
        using var admin = fixture.OperatorClient();

        var response = await admin.PutAsJsonAsync("/admin/v1/apps/app_new", new
        {
            name = "x",
            auth_scheme = "HMAC",
            hmac_secret = new string('s', 40),
            webhook_secret = new string('w', 40),
            channels = new[] { new { channel = "mock", account_id = "nope" } },
            enabled = true,
        });

        await ProblemAssert.IsProblemAsync(response, 422, "CHANNEL_ACCOUNT_NOT_FOUND", "missing account");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/admin/v1/apps/app_new"), 404, "APP_NOT_FOUND", "not created");
    }

    [Theory]
    [InlineData("""{"name":"x","auth_scheme":"RSA","public_key_pem":"not a key","webhook_secret":"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww","channels":[],"enabled":true}""")]
    [InlineData("""{"name":"x","auth_scheme":"HMAC","hmac_secret":"short","webhook_secret":"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww","channels":[],"enabled":true}""")]
    [InlineData("""{"name":"x","auth_scheme":"DSA","channels":[],"enabled":true}""")]
    [InlineData("""{"name":"x","auth_scheme":"HMAC","hmac_secret":"ssssssssssssssssssssssssssssssssssssss","channels":[],"enabled":true}""")]
    [InlineData("""{"name":"x","auth_scheme":"HMAC","hmac_secret":"ssssssssssssssssssssssssssssssssssssss","webhook_secret":"wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww","channels":[null],"enabled":true}""")]
    public async Task InvalidAppConfiguration_Returns400(string body)
    {
        using var admin = fixture.OperatorClient();

        var response = await admin.PutAsync("/admin/v1/apps/app_bad", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", body);
    }

    [Theory]
    [InlineData("alipay", """{"base_url":"http://sim.test/","settings":{"app_id":"2021000000000001","alipay_public_key":"bogus"},"secrets":{"app_private_key":"not-a-key-but-secret-looking"},"enabled_methods":["QR_CODE"],"enabled":true}""")]
    [InlineData("mock", """{"base_url":"http://sim.test/","settings":{"merchant_id":"m1"},"secrets":{},"enabled_methods":["QR_CODE"],"enabled":true}""")]
    [InlineData("mock", """{"base_url":"http://sim.test/","settings":{"merchant_id":"m1"},"secrets":{"hmac_key":null},"enabled_methods":["QR_CODE"],"enabled":true}""")]
    [InlineData("mock", """{"base_url":"http://sim.test/","settings":{"merchant_id":null},"secrets":{"hmac_key":"not-a-key-but-secret-looking"},"enabled_methods":["QR_CODE"],"enabled":true}""")]
    [InlineData("alipay", """{"base_url":"http://sim.test/","settings":{"app_id":"2021000000000001","alipay_public_key":"   "},"secrets":{"app_private_key":"   "},"enabled_methods":["QR_CODE"],"enabled":true}""")]
    public async Task UnusableChannelAccount_Returns400WithoutEchoingSecrets(string channel, string body)
    {
        using var admin = fixture.OperatorClient();

        var response = await admin.PutAsync($"/admin/v1/channel-accounts/{channel}/broken", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", channel);
        Assert.DoesNotContain("not-a-key-but-secret-looking", await response.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/admin/v1/channel-accounts/{channel}/broken"), 422, "CHANNEL_ACCOUNT_NOT_FOUND", "not stored");
    }

    [Fact]
    public async Task PrivateKeyPastedAsAppPublicKey_Returns400AndIsNeitherStoredNorEchoed()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        using var admin = fixture.OperatorClient();
        foreach (var pem in new[] { key.ExportRSAPrivateKeyPem(), key.ExportPkcs8PrivateKeyPem() })
        {
            var response = await admin.PutAsJsonAsync("/admin/v1/apps/app_privkey", new
            {
                name = "x",
                auth_scheme = "RSA",
                public_key_pem = pem,
                webhook_secret = new string('w', 36),
                channels = Array.Empty<object>(),
                enabled = true,
            });

            await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", pem[..30]);
            Assert.DoesNotContain("PRIVATE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/admin/v1/apps/app_privkey"), 404, "APP_NOT_FOUND", "not stored");
    }

    [Theory]
    [InlineData("alipay", "alipay_public_key")]
    [InlineData("wechatpay", "wechatpay_public_key")]
    public async Task PrivateKeyPastedAsChannelPublicKey_Returns400AndLeavesTheAccountAsItWas(string channel, string setting)
    {
        // Settings are stored unsealed and shown to operators, and ImportFromPem would take the private key as a public one.
        using var merchantKey = System.Security.Cryptography.RSA.Create(2048);
        using var channelKey = System.Security.Cryptography.RSA.Create(2048);
        var account = $"/admin/v1/channel-accounts/{channel}/privkey_{Guid.NewGuid():N}";
        object Config(string channelKeyPem) => channel == "alipay"
            ? new
            {
                base_url = "http://sim.test/",
                settings = new Dictionary<string, string> { ["app_id"] = "2021000000000001", [setting] = channelKeyPem },
                secrets = new Dictionary<string, string> { ["app_private_key"] = merchantKey.ExportPkcs8PrivateKeyPem() },
                enabled_methods = new[] { "QR_CODE" },
                enabled = true,
            }
            : new
            {
                base_url = "http://sim.test/",
                settings = new Dictionary<string, string>
                {
                    ["mchid"] = "1900000001",
                    ["appid"] = "wx0000000000000001",
                    ["serial_no"] = "5157F09EFDC096DE15EBE81A47057A72",
                    ["wechatpay_public_key_id"] = "PUB_KEY_ID_0001",
                    [setting] = channelKeyPem,
                },
                secrets = new Dictionary<string, string> { ["private_key"] = merchantKey.ExportPkcs8PrivateKeyPem(), ["apiv3_key"] = new string('k', 32) },
                enabled_methods = new[] { "QR_CODE" },
                enabled = true,
            };
        using var admin = fixture.OperatorClient();
        var stored = await admin.PutAsJsonAsync(account, Config(channelKey.ExportSubjectPublicKeyInfoPem()));
        Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        var before = await admin.GetStringAsync(account);

        var response = await admin.PutAsJsonAsync(account, Config(channelKey.ExportPkcs8PrivateKeyPem()));

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", channel);
        Assert.DoesNotContain("PRIVATE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await admin.GetStringAsync(account));
    }

    [Fact]
    public async Task OversizedAdminBody_Returns413AndStoresNothing()
    {
        using var admin = fixture.OperatorClient();
        var body = $$"""{"name":"{{new string('x', 70_000)}}","auth_scheme":"HMAC","channels":[],"enabled":true}""";

        var response = await admin.PutAsync("/admin/v1/apps/app_huge", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, 413, "PAYLOAD_TOO_LARGE", "oversized");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/admin/v1/apps/app_huge"), 404, "APP_NOT_FOUND", "not stored");
    }

    [Fact]
    public async Task UnknownChannel_Returns400()
    {
        using var admin = fixture.OperatorClient();

        var response = await admin.PutAsJsonAsync("/admin/v1/channel-accounts/paypalx/a1", new { base_url = "http://x.test/", enabled = true });

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", "unknown channel");
    }

    [Fact]
    public async Task OrderSearch_FindsOrdersFromSqlProjection()
    {
        var outTradeNo = $"search-{Guid.NewGuid():N}";
        var created = await MerchantClient.JsonAsync(await fixture.HmacMerchant().PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(outTradeNo, amount: 777)));
        using var admin = fixture.OperatorClient();

        var page = await MerchantClient.JsonAsync(await admin.GetAsync($"/admin/v1/orders?app_id={PaymentFixture.HmacAppId}&out_trade_no={outTradeNo}"));

        var row = Assert.Single(page["orders"]!.AsArray());
        Assert.Equal((string?)created["order_id"], (string?)row!["order_id"]);
        Assert.Equal(777, (long)row["amount"]!);
        Assert.Equal("pending", (string?)row["status"]);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesMerchantAdminAndCallbackEndpointsWithBodies()
    {
        var client = fixture.Api.CreateClient();

        var document = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var docsPage = await client.GetAsync("/docs/");

        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/v1/orders", "/v1/orders/{orderId}", "/v1/orders/{orderId}/close", "/v1/orders/{orderId}/sync",
                     "/v1/orders/by-out-trade-no/{outTradeNo}", "/v1/callbacks/{dc}/{channel}/{accountId}", "/admin/v1/apps/{appId}", "/admin/v1/orders" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is documented");
        }
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/dashboard", StringComparison.Ordinal));
        Assert.NotNull(paths["/v1/orders"]!["post"]!["requestBody"]!["content"]!["application/json"]);
        Assert.Equal(HttpStatusCode.OK, docsPage.StatusCode);
        Assert.Contains("html", docsPage.Content.Headers.ContentType?.MediaType ?? "");
    }

    [Theory]
    [InlineData("/admin/v1/orders?app_id=app_hmac&out_trade_no=%E8%AE%A2%E5%8D%95")]
    [InlineData("/admin/v1/orders?app_id=%C3%A9")]
    [InlineData("/admin/v1/orders?app_id=app%20hmac")]
    [InlineData("/admin/v1/contracts?app_id=app_hmac&out_contract_no=%C3%A9")]
    [InlineData("/admin/v1/contracts?app_id=%E8%AE%A2%E5%8D%95")]
    public async Task SearchWithNonAsciiOrMalformedNumber_Returns400Problem(string path)
    {
        using var admin = fixture.OperatorClient();

        var response = await admin.GetAsync(path);

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", path);
        Assert.Contains("[A-Za-z0-9_-]", (string?)(await MerchantClient.JsonAsync(response))["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/admin/v1/orders?out_trade_no=abc")]
    [InlineData("/admin/v1/orders?status=pending&out_trade_no=abc")]
    [InlineData("/admin/v1/contracts?out_contract_no=abc")]
    public async Task SearchByMerchantNumberWithoutApp_Returns400Problem(string path)
    {
        // The only index holding the merchant's number is (app_id, number): without the app the search walks every row.
        using var admin = fixture.OperatorClient();

        var response = await admin.GetAsync(path);

        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", path);
        Assert.Contains("app_id", (string?)(await MerchantClient.JsonAsync(response))["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContractSearchByAppAndNumber_ReturnsAPage()
    {
        using var admin = fixture.OperatorClient();

        var page = await MerchantClient.JsonAsync(await admin.GetAsync($"/admin/v1/contracts?app_id={PaymentFixture.HmacAppId}&out_contract_no=never-signed"));

        Assert.Empty(page["contracts"]!.AsArray());
        Assert.Null(page["next_cursor"]);
    }

    [Fact]
    public async Task OrderSearchWithBadStatus_Returns400()
    {
        using var admin = fixture.OperatorClient();

        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/admin/v1/orders?status=paid"), 400, "VALIDATION_FAILED", "status");
    }
}
