using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PayGateway.Reliability;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reliability;

/// <summary>
/// The bad-input corpus (issue 8): well over 200 hostile or broken requests against the merchant API, the operator
/// API and the channel callback endpoint. Every merchant/operator request must get a 4xx problem+json with a code;
/// every callback must get the channel's own rejection (or a 4xx before any channel is involved); nothing may be
/// a 5xx, and the stored orders and grain states must be byte-for-byte what they were before (row counts and
/// checksums of <c>paygw_order</c>, <c>OrleansStorage</c> and <c>paygw_projected_state</c>). The corpus runs inside a few test methods; each
/// reports every case that misbehaved, not just the first.
/// </summary>
public sealed class BadInputCorpusTests(BadInputCorpusTests.QuietFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<BadInputCorpusTests.QuietFixture>, IAsyncLifetime
{
    /// <summary>
    /// The payment fixture with supervision queries an hour apart, so the open orders the corpus aims at are not
    /// rewritten by supervision while it runs: any change to storage is then the corpus's doing.
    /// </summary>
    public sealed class QuietFixture : PaymentFixture
    {
        public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Gateway:Supervision:CheckDelays:0"] = "01:00:00",
            ["Gateway:Supervision:CheckDelays:1"] = "01:00:00",
        };
    }

    /// <summary>A request, and what it must get: an exact status/code when known, otherwise any 4xx with a code.</summary>
    private sealed record Case(string Name, Func<Task<HttpResponseMessage>> Send, int? Status = null, string? Code = null);

    private const string ValidBody = """{"out_trade_no":"corpus-valid","amount":100,"currency":"CNY","subject":"s","method":"QR_CODE","notify_url":"http://m.test/n"}""";

    private HttpClient _http = null!;
    private string _paidAmountOrder = null!;
    private string _otherOrder = null!;
    private string _rsaOrder = null!;
    private (string Nonce, long Timestamp, string Signature, string Body) _usedCreate;
    private (string Nonce, long Timestamp, string Signature, string Path) _usedGet;

    public async Task InitializeAsync()
    {
        // Real loopback HTTP, and header values sent as UTF-8 bytes so non-ASCII forgeries reach the server.
        _http = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 }) { BaseAddress = fixture.ApiBaseAddress };
        // Orders the corpus aims at, and two requests whose nonces it replays. All made before the fingerprint.
        var merchant = fixture.HmacMerchant();
        _paidAmountOrder = (string)(await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder("corpus-target", amount: 4321))))["order_id"]!;
        _otherOrder = (string)(await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder("corpus-other", amount: 777))))["order_id"]!;
        _rsaOrder = (string)(await MerchantClient.JsonAsync(await fixture.RsaMerchant().PostJsonAsync("/v1/orders", PaymentFixture.NewOrder("corpus-rsa", amount: 55))))["order_id"]!;

        var body = ValidBody.Replace("corpus-valid", "corpus-replayed", StringComparison.Ordinal);
        var ts = Now();
        var nonce = "replayed-" + NewNonce();
        var signature = HmacSign("POST", "/v1/orders", ts, nonce, body);
        var first = await Send(HttpMethod.Post, "/v1/orders", Encoding.UTF8.GetBytes(body), Header("app_hmac", nonce, ts, signature));
        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        _usedCreate = (nonce, ts, signature, body);

        var path = $"/v1/orders/{_paidAmountOrder}";
        var getNonce = "replayed-" + NewNonce();
        var getSignature = HmacSign("GET", path, ts, getNonce, "");
        var read = await Send(HttpMethod.Get, path, null, Header("app_hmac", getNonce, ts, getSignature));
        Assert.True(read.IsSuccessStatusCode);
        _usedGet = (getNonce, ts, getSignature, path);
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }

    // ---------------------------------------------------------------- helpers

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static string Header(string appId, string nonce, long timestamp, string signature, string scheme = "PAYGW-HMAC-SHA256") =>
        $"{scheme} app_id=\"{appId}\",nonce=\"{nonce}\",timestamp=\"{timestamp}\",signature=\"{signature}\"";

    private static byte[] Message(string method, string path, long timestamp, string nonce, byte[] body, string appId = "app_hmac") =>
        [.. Encoding.UTF8.GetBytes($"{method}\n{path}\n{appId}\n{timestamp}\n{nonce}\n"), .. body, (byte)'\n'];

    private string HmacSign(string method, string path, long timestamp, string nonce, string body, byte[]? secret = null, string appId = "app_hmac") =>
        Convert.ToBase64String(HMACSHA256.HashData(secret ?? fixture.HmacSecret, Message(method, path, timestamp, nonce, Encoding.UTF8.GetBytes(body), appId)));

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, byte[]? body, string? authorization,
        string? contentType = "application/json", params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        return await _http.SendAsync(request);
    }

    /// <summary>A correctly signed HMAC-app request carrying <paramref name="body"/> as raw bytes.</summary>
    private Func<Task<HttpResponseMessage>> SignedBytes(HttpMethod method, string path, byte[]? body, string contentType = "application/json")
        => () =>
        {
            var ts = Now();
            var nonce = NewNonce();
            var signature = Convert.ToBase64String(HMACSHA256.HashData(fixture.HmacSecret, Message(method.Method, path, ts, nonce, body ?? [])));
            return Send(method, path, body, Header("app_hmac", nonce, ts, signature), contentType);
        };

    private Func<Task<HttpResponseMessage>> Signed(HttpMethod method, string path, string? body = null) =>
        SignedBytes(method, path, body is null ? null : Encoding.UTF8.GetBytes(body));

    private Func<Task<HttpResponseMessage>> Create(string body) => Signed(HttpMethod.Post, "/v1/orders", body);

    private static string Mutate(Action<JsonObject> change)
    {
        var body = JsonNode.Parse(ValidBody)!.AsObject();
        body["out_trade_no"] = "corpus-" + Guid.NewGuid().ToString("N")[..12];
        change(body);
        return body.ToJsonString();
    }

    private static string Set(string field, string rawJsonValue) =>
        Mutate(b => b[field] = rawJsonValue == "null" ? null : JsonNode.Parse(rawJsonValue));

    /// <summary>Like <see cref="Set"/>, by text: for values a JSON DOM refuses to write (lone surrogates).</summary>
    private static string SetRaw(string field, string rawJsonValue)
    {
        var body = Mutate(_ => { });
        var existing = System.Text.RegularExpressions.Regex.Match(body, $"\"{field}\":(\"[^\"]*\"|[^,}}]*)");
        return existing.Success
            ? body.Remove(existing.Index, existing.Length).Insert(existing.Index, $"\"{field}\":{rawJsonValue}")
            : body.TrimEnd('}') + $",\"{field}\":{rawJsonValue}}}";
    }

    private async Task<List<string>> RunAsync(IReadOnlyList<Case> cases, Func<HttpResponseMessage, string, Case, string?> judge)
    {
        var failures = new List<string>();
        foreach (var c in cases)
        {
            HttpResponseMessage response;
            try
            {
                response = await c.Send();
            }
            catch (Exception ex)
            {
                failures.Add($"{c.Name}: the request failed: {ex.GetType().Name} {ex.Message}");
                continue;
            }
            var text = await response.Content.ReadAsStringAsync();
            if (judge(response, text, c) is { } why)
            {
                failures.Add($"{c.Name}: {why} (got {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}: {Shorten(text)})");
            }
        }
        return failures;
    }

    private static string Shorten(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private static string? IsProblem(HttpResponseMessage response, string text, Case c)
    {
        var status = (int)response.StatusCode;
        if (status is < 400 or >= 500)
        {
            return "not a 4xx";
        }
        if (c.Status is { } expected && expected != status)
        {
            return $"expected {expected}";
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return "not problem+json";
        }
        try
        {
            var problem = JsonNode.Parse(text)!;
            var code = (string?)problem["code"];
            if (string.IsNullOrEmpty(code))
            {
                return "problem without a code";
            }
            if (c.Code is not null && c.Code != code)
            {
                return $"expected code {c.Code}";
            }
            if ((int?)problem["status"] != status)
            {
                return "problem status differs from the HTTP status";
            }
        }
        catch (System.Text.Json.JsonException)
        {
            return "problem body is not JSON";
        }
        return null;
    }

    private async Task AssertCorpusAsync(IReadOnlyList<Case> cases, int minimum, Func<HttpResponseMessage, string, Case, string?> judge, bool reviewItemsMayGrow = false)
    {
        Assert.True(cases.Count >= minimum, $"the corpus shrank: {cases.Count} cases");
        var before = await GatewayStateReader.FingerprintAsync(fixture.Database.ConnectionString, includeReviewItems: !reviewItemsMayGrow);

        var failures = await RunAsync(cases, judge);

        var after = await GatewayStateReader.FingerprintAsync(fixture.Database.ConnectionString, includeReviewItems: !reviewItemsMayGrow);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases misbehaved:\n" + string.Join("\n", failures));
        Assert.Equal(before, after);
        var report = await ReliabilityCheck.RunAsync(fixture);
        Assert.True(report.Passed, report.Format());
    }

    // ---------------------------------------------------------------- create-order bodies

    private List<Case> CreateBodies()
    {
        var cases = new List<Case>();
        void Add(string name, string body, int? status = null, string? code = null) => cases.Add(new Case("create: " + name, Create(body), status, code));

        // Malformed JSON.
        foreach (var (name, body) in new[]
        {
            ("empty", ""), ("whitespace", "   "), ("open brace", "{"), ("close brace", "}"), ("mismatched", "{]"),
            ("bare word", "nul"), ("single quotes", "{'amount':1}"), ("trailing comma", "{\"amount\":1,}"),
            ("unterminated string", "{\"subject\":\"abc"), ("bad escape", "{\"subject\":\"\\x41\"}"), ("comment", "{/*c*/\"amount\":1}"),
            ("NaN", "{\"amount\":NaN}"), ("hex number", "{\"amount\":0x10}"), ("leading zero", "{\"amount\":007}"),
            ("plus sign", "{\"amount\":+5}"), ("two documents", ValidBody + ValidBody), ("form encoded", "amount=100&currency=CNY"),
            ("xml", "<order><amount>1</amount></order>"), ("raw control char", "{\"subject\":\"a\u0001b\"}"),
            ("deep nesting", new string('[', 200) + new string(']', 200)), ("missing colon", "{\"amount\" 1}"),
            ("unquoted key", "{amount:1}"), ("truncated valid body", ValidBody[..^5]),
        })
        {
            Add(name, body, 400);
        }
        cases.Add(new Case("create: invalid UTF-8 bytes", SignedBytes(HttpMethod.Post, "/v1/orders", [.. Encoding.UTF8.GetBytes("{\"subject\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")]), 400));
        cases.Add(new Case("create: UTF-16 body", SignedBytes(HttpMethod.Post, "/v1/orders", Encoding.Unicode.GetBytes(ValidBody)), 400));

        // Not an object.
        foreach (var body in new[] { "[]", "[1,2]", "\"order\"", "42", "true", "null" })
        {
            Add($"json {body}", body, 400);
        }

        // Wrong types, field by field.
        var wrongTypes = new Dictionary<string, string[]>
        {
            ["out_trade_no"] = ["123", "true", "[\"a\"]", "{}", "null"],
            ["amount"] = ["\"100\"", "true", "[100]", "{}", "null", "1.5", "1e2"],
            ["currency"] = ["156", "true", "[\"CNY\"]", "{}", "null"],
            ["subject"] = ["1", "false", "[\"s\"]", "{}", "null"],
            ["method"] = ["1", "true", "[\"QR_CODE\"]", "{}", "null"],
            ["notify_url"] = ["1", "true", "[]", "{}", "null"],
            ["description"] = ["1", "true", "[]", "{}"],
            ["return_url"] = ["1", "true", "{}"],
            ["expire_seconds"] = ["\"7200\"", "true", "7200.5", "[]"],
            ["user_ip"] = ["1", "[]"],
            ["user_id"] = ["1", "{}"],
            ["product_id"] = ["1", "[]"],
            ["auth_code"] = ["123456", "[]"],
            ["channel"] = ["1", "[]"],
            ["metadata"] = ["\"k=v\"", "[]", "1", "{\"k\":1}", "{\"k\":[\"v\"]}", "{\"k\":null}"],
        };
        foreach (var (field, values) in wrongTypes)
        {
            foreach (var value in values)
            {
                Add($"{field} = {value}", Set(field, value), 400, "VALIDATION_FAILED");
            }
        }

        // Amount boundaries and overflow.
        foreach (var value in new[]
        {
            "0", "-1", "-100", "1000000001", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "18446744073709551616", "100000000000000000000000000000", "1e20", "-0.0", "0.0001", "1.0E+2",
        })
        {
            Add($"amount {value}", Set("amount", value), 400, "VALIDATION_FAILED");
        }
        foreach (var value in new[] { "59", "0", "-1", "604801", "2147483648" })
        {
            Add($"expire_seconds {value}", Set("expire_seconds", value), 400, "VALIDATION_FAILED");
        }

        // Oversized fields.
        Add("out_trade_no 65", Set("out_trade_no", $"\"{new string('a', 65)}\""), 400, "VALIDATION_FAILED");
        Add("out_trade_no empty", Set("out_trade_no", "\"\""), 400, "VALIDATION_FAILED");
        Add("subject 257", Set("subject", $"\"{new string('s', 257)}\""), 400, "VALIDATION_FAILED");
        Add("subject 10k", Set("subject", $"\"{new string('s', 10_000)}\""), 400, "VALIDATION_FAILED");
        Add("description 1025", Set("description", $"\"{new string('d', 1025)}\""), 400, "VALIDATION_FAILED");
        Add("notify_url 513", Set("notify_url", $"\"http://m.test/{new string('n', 500)}\""), 400, "VALIDATION_FAILED");
        Add("user_id 65", Set("user_id", $"\"{new string('u', 65)}\""), 400, "VALIDATION_FAILED");
        Add("product_id 65", Set("product_id", $"\"{new string('p', 65)}\""), 400, "VALIDATION_FAILED");
        Add("metadata 21 entries", Set("metadata", "{" + string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"k{i}\":\"v\"")) + "}"), 400, "VALIDATION_FAILED");
        Add("metadata value 501", Set("metadata", $"{{\"k\":\"{new string('v', 501)}\"}}"), 400, "VALIDATION_FAILED");
        Add("metadata key 41", Set("metadata", $"{{\"{new string('k', 41)}\":\"v\"}}"), 400, "VALIDATION_FAILED");
        Add("body over 64 KiB", Set("description", $"\"{new string('x', 70_000)}\""), 413, "PAYLOAD_TOO_LARGE");
        Add("body of 1 MiB of spaces", ValidBody + new string(' ', 1 << 20), 413, "PAYLOAD_TOO_LARGE");

        // Unicode and control characters.
        foreach (var (name, field, value) in new[]
        {
            ("out_trade_no chinese", "out_trade_no", "\"订单123\""), ("out_trade_no emoji", "out_trade_no", "\"order-😀\""),
            ("out_trade_no fullwidth digits", "out_trade_no", "\"１２３\""), ("out_trade_no zero-width", "out_trade_no", "\"ab\\u200bcd\""),
            ("out_trade_no NUL", "out_trade_no", "\"ab\\u0000\""), ("out_trade_no newline", "out_trade_no", "\"ab\\ncd\""),
            ("out_trade_no slash", "out_trade_no", "\"../etc\""), ("out_trade_no percent", "out_trade_no", "\"a%2Fb\""),
            ("subject NUL", "subject", "\"a\\u0000b\""), ("subject bell", "subject", "\"a\\u0007\""), ("subject DEL", "subject", "\"a\\u007f\""),
            ("subject C1 control", "subject", "\"a\\u0085b\""), ("subject lone surrogate", "subject", "\"a\\ud800b\""),
            ("subject reversed surrogates", "subject", "\"\\udc00\\ud800\""), ("description NUL", "description", "\"\\u0000\""),
            ("user_id control", "user_id", "\"u\\u001b[31m\""), ("metadata value control", "metadata", "{\"k\":\"\\u0000\"}"),
            ("metadata key unicode", "metadata", "{\"ключ\":\"v\"}"), ("currency cyrillic", "currency", "\"СNY\""),
            ("method unicode", "method", "\"QR_CОDE\""),
        })
        {
            Add(name, SetRaw(field, value), 400);
        }

        // Invalid values of the right type.
        foreach (var (field, value) in new[]
        {
            ("currency", "\"cny\""), ("currency", "\"CN\""), ("currency", "\"CNYY\""), ("currency", "\"ZZZ\""), ("currency", "\"\""), ("currency", "\" CNY\""),
            ("method", "\"qr_code\""), ("method", "\"\""), ("method", "\"0\""), ("method", "\"99\""), ("method", "\"Qr_Code\""),
            ("notify_url", "\"http://\""), ("notify_url", "\"file:///etc/passwd\""), ("notify_url", "\"javascript:alert(1)\""),
            ("notify_url", "\"//m.test/n\""), ("notify_url", "\"m.test/n\""), ("notify_url", "\"gopher://m.test/\""), ("notify_url", "\"\""),
            ("return_url", "\"data:text/html,x\""), ("user_ip", "\"::g\""), ("user_ip", "\"localhost\""),
            ("channel", "\"MOCK\""), ("channel", "\"mock channel\""), ("auth_code", "\"abc\""),
        })
        {
            Add($"{field} {value}", Set(field, value), 400, "VALIDATION_FAILED");
        }
        Add("channel not routed", Set("channel", "\"alipay\""), 422, "CHANNEL_NOT_ALLOWED");
        Add("SERVER without auth_code", Set("method", "\"SERVER\""), 400, "VALIDATION_FAILED");
        Add("SERVER with bad auth_code", Mutate(b => { b["method"] = "SERVER"; b["auth_code"] = "12 34"; }), 400, "VALIDATION_FAILED");
        foreach (var field in new[] { "out_trade_no", "amount", "currency", "subject", "method", "notify_url" })
        {
            Add($"missing {field}", Mutate(b => b.Remove(field)), 400, "VALIDATION_FAILED");
        }
        Add("empty object", "{}", 400, "VALIDATION_FAILED");
        return cases;
    }

    [Fact]
    public async Task CreateOrderBodies_AllGet4xxProblems_AndChangeNothing() =>
        await AssertCorpusAsync(CreateBodies(), 170, IsProblem);

    /// <summary>
    /// Inputs the corpus found accepted (an order is created) that validation arguably should refuse. Kept out of
    /// the passing corpus and reported (docs/reliability.md) rather than silently dropped: none moves money, but
    /// each stores something other than what a strict reading of the API contract allows.
    /// </summary>
    private List<Case> KnownLenientInputs() =>
    [
        // Enum.TryParse trims whitespace: "QR_CODE " is stored as QR_CODE.
        new("create: method with trailing space", Create(Set("method", "\"QR_CODE \"")), 400, "VALIDATION_FAILED"),
        // IPAddress.TryParse accepts the legacy inet_aton forms: "1.2.3" is 1.2.0.3.
        new("create: user_ip 1.2.3", Create(Set("user_ip", "\"1.2.3\"")), 400, "VALIDATION_FAILED"),
        // Uri.TryCreate accepts a NUL in the path; the notify URL is stored with it.
        new("create: notify_url with NUL", Create(SetRaw("notify_url", "\"http://m.test/\\u0000\"")), 400, "VALIDATION_FAILED"),
    ];

    [Fact]
    public async Task LenientInputs_ShouldAlsoBeRefused() =>
        await AssertCorpusAsync(KnownLenientInputs(), 3, IsProblem);

    // ---------------------------------------------------------------- authentication forgeries

    private List<Case> Forgeries()
    {
        var cases = new List<Case>();
        var body = Encoding.UTF8.GetBytes(ValidBody);
        void Add(string name, Func<Task<HttpResponseMessage>> send, int? status = 401, string? code = null) => cases.Add(new Case("auth: " + name, send, status, code));
        Func<Task<HttpResponseMessage>> WithAuth(string? authorization, string contentType = "application/json", params (string, string)[] headers) =>
            () => Send(HttpMethod.Post, "/v1/orders", body, authorization, contentType, headers);
        string Good(string? appId = null, string? nonce = null, long? ts = null, string? signature = null, string scheme = "PAYGW-HMAC-SHA256")
        {
            var t = ts ?? Now();
            var n = nonce ?? NewNonce();
            var app = appId ?? "app_hmac";
            return Header(app, n, t, signature ?? HmacSign("POST", "/v1/orders", t, n, ValidBody, appId: app), scheme);
        }

        Add("no Authorization", WithAuth(null), code: "AUTH_MISSING");
        Add("empty Authorization", WithAuth(""));
        Add("Bearer token", WithAuth("Bearer abc.def.ghi"), code: "AUTH_MALFORMED");
        Add("Basic credentials", WithAuth("Basic YXBwX2htYWM6c2VjcmV0"), code: "AUTH_MALFORMED");
        Add("operator token as merchant", WithAuth($"Bearer {fixture.Secrets.OperatorToken}"), code: "AUTH_MALFORMED");
        Add("scheme in lower case", () => WithAuth(Good().Replace("PAYGW-HMAC-SHA256", "paygw-hmac-sha256", StringComparison.Ordinal))(), code: "AUTH_MALFORMED");
        Add("unknown scheme", () => WithAuth(Good(scheme: "PAYGW-HMAC-SHA1"))(), code: "AUTH_MALFORMED");
        Add("scheme only", WithAuth("PAYGW-HMAC-SHA256"), code: "AUTH_MALFORMED");
        foreach (var parameter in new[] { "app_id", "nonce", "timestamp", "signature" })
        {
            Add($"without {parameter}", () =>
            {
                var header = Good();
                var parts = header[(header.IndexOf(' ') + 1)..].Split(',').Where(p => !p.StartsWith(parameter + "=", StringComparison.Ordinal));
                return WithAuth("PAYGW-HMAC-SHA256 " + string.Join(",", parts))();
            }, code: "AUTH_MALFORMED");
            Add($"{parameter} twice", () => WithAuth(Good() + $",{parameter}=\"x\"")(), code: "AUTH_MALFORMED");
        }
        Add("extra parameter", () => WithAuth(Good() + ",realm=\"x\"")(), code: "AUTH_MALFORMED");
        Add("unquoted values", () => WithAuth(Good().Replace("\"", "", StringComparison.Ordinal))(), code: "AUTH_MALFORMED");
        Add("trailing comma", () => WithAuth(Good() + ",")(), code: "AUTH_MALFORMED");
        Add("nonce 7 characters", () => WithAuth(Good(nonce: "abcdefg"))(), code: "AUTH_MALFORMED");
        Add("nonce 65 characters", () => WithAuth(Good(nonce: new string('n', 65)))(), code: "AUTH_MALFORMED");
        Add("nonce with punctuation", () => WithAuth(Good(nonce: "abc!defgh"))(), code: "AUTH_MALFORMED");
        Add("nonce unicode", () => WithAuth(Good(nonce: "nonce-ünïcode"))(), code: "AUTH_MALFORMED");
        Add("app_id unicode", () => WithAuth(Good(appId: "app_hmаc"))(), code: "AUTH_MALFORMED");
        Add("app_id 65 characters", () => WithAuth(Good(appId: new string('a', 65)))(), code: "AUTH_MALFORMED");
        Add("app_id with quote", () => WithAuth(Good().Replace("app_hmac", "app\\\"hmac", StringComparison.Ordinal))(), code: "AUTH_MALFORMED");
        foreach (var timestamp in new[] { "abc", "-1", "1700000000.5", "1e9", " 1700000000", "0x6553F100", Now().ToString(CultureInfo.InvariantCulture) + "000", "" })
        {
            Add($"timestamp '{timestamp}'", () =>
            {
                var n = NewNonce();
                var signature = Convert.ToBase64String(HMACSHA256.HashData(fixture.HmacSecret, (byte[])[.. Encoding.UTF8.GetBytes($"POST\n/v1/orders\napp_hmac\n{timestamp}\n{n}\n"), .. body, (byte)'\n']));
                return WithAuth($"PAYGW-HMAC-SHA256 app_id=\"app_hmac\",nonce=\"{n}\",timestamp=\"{timestamp}\",signature=\"{signature}\"")();
            }, code: "AUTH_MALFORMED");
        }
        foreach (var skew in new long[] { -301, -3600, -86_400 * 365, 301, 86_400 })
        {
            Add($"timestamp skewed {skew} s (signed)", () => WithAuth(Good(ts: Now() + skew))(), code: "AUTH_STALE_TIMESTAMP");
        }
        Add("timestamp zero", () => WithAuth(Good(ts: 0))(), code: "AUTH_STALE_TIMESTAMP");
        Add("timestamp year 33658", () => WithAuth(Good(ts: 999_999_999_999))(), code: "AUTH_STALE_TIMESTAMP");
        Add("empty signature", () => WithAuth(Good(signature: ""))(), code: "AUTH_MALFORMED");
        Add("signature 1025 characters", () => WithAuth(Good(signature: new string('A', 1025)))(), code: "AUTH_MALFORMED");
        Add("signature not base64", () => WithAuth(Good(signature: "!!!not-base64!!!"))(), code: "AUTH_BAD_SIGNATURE");
        Add("signature of zeros", () => WithAuth(Good(signature: Convert.ToBase64String(new byte[32])))(), code: "AUTH_BAD_SIGNATURE");
        Add("signature truncated", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t, n, ValidBody)[..20]))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("signature over another body", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t, n, ValidBody.Replace("100", "1", StringComparison.Ordinal))))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("signature over another path", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders/x", t, n, ValidBody)))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("signature over another method", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("PUT", "/v1/orders", t, n, ValidBody)))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("signature over another timestamp", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t - 1, n, ValidBody)))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("signature over another nonce", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t, n + "x", ValidBody)))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("signature over another app_id", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t, n, ValidBody, appId: "app_rsa")))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("signature with another secret", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t, n, ValidBody, "not-the-secret"u8.ToArray())))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("hex instead of base64", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, Convert.ToHexStringLower(Convert.FromBase64String(HmacSign("POST", "/v1/orders", t, n, ValidBody)))))(); }, code: "AUTH_BAD_SIGNATURE");
        Add("HMAC app signed as the RSA app", () => WithAuth(Good(appId: "app_rsa"))(), code: "AUTH_BAD_SIGNATURE");
        Add("RSA scheme for the HMAC app", () => WithAuth(Good(scheme: "PAYGW-SHA256-RSA2048"))(), code: "AUTH_BAD_SIGNATURE");
        Add("RSA app signed by another key", () =>
        {
            using var other = RSA.Create(2048);
            var t = Now();
            var n = NewNonce();
            var signature = Convert.ToBase64String(other.SignData(Message("POST", "/v1/orders", t, n, body, "app_rsa"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            return WithAuth(Header("app_rsa", n, t, signature, "PAYGW-SHA256-RSA2048"))();
        }, code: "AUTH_BAD_SIGNATURE");
        Add("RSA app with PSS padding", () =>
        {
            var t = Now();
            var n = NewNonce();
            var signature = Convert.ToBase64String(fixture.MerchantKey.SignData(Message("POST", "/v1/orders", t, n, body, "app_rsa"), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
            return WithAuth(Header("app_rsa", n, t, signature, "PAYGW-SHA256-RSA2048"))();
        }, code: "AUTH_BAD_SIGNATURE");
        foreach (var appId in new[] { "app_nope", "APP_HMAC", "app_hmac2", "app-hmac", "a" })
        {
            Add($"unknown app {appId}", () => WithAuth(Good(appId: appId))(), code: "AUTH_UNKNOWN_APP");
        }
        Add("replay: the exact request again", () => Send(HttpMethod.Post, "/v1/orders", Encoding.UTF8.GetBytes(_usedCreate.Body),
            Header("app_hmac", _usedCreate.Nonce, _usedCreate.Timestamp, _usedCreate.Signature)), code: "AUTH_NONCE_REUSED");
        Add("replay: used nonce, fresh timestamp, re-signed", () => WithAuth(Good(nonce: _usedCreate.Nonce))(), code: "AUTH_NONCE_REUSED");
        Add("replay: used nonce on another body", () =>
        {
            var t = Now();
            var other = ValidBody.Replace("corpus-valid", "corpus-replay-other", StringComparison.Ordinal);
            return Send(HttpMethod.Post, "/v1/orders", Encoding.UTF8.GetBytes(other), Header("app_hmac", _usedCreate.Nonce, t, HmacSign("POST", "/v1/orders", t, _usedCreate.Nonce, other)));
        }, code: "AUTH_NONCE_REUSED");
        Add("replay: the exact GET again", () => Send(HttpMethod.Get, _usedGet.Path, null, Header("app_hmac", _usedGet.Nonce, _usedGet.Timestamp, _usedGet.Signature)), code: "AUTH_NONCE_REUSED");
        Add("replay: a GET's nonce on a create", () => WithAuth(Good(nonce: _usedGet.Nonce))(), code: "AUTH_NONCE_REUSED");
        Add("content-type text/plain", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t, n, ValidBody)), "text/plain")(); }, 415, "UNSUPPORTED_MEDIA_TYPE");
        Add("content-type form", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t, n, ValidBody)), "application/x-www-form-urlencoded")(); }, 415, "UNSUPPORTED_MEDIA_TYPE");
        Add("content-type xml", () => { var t = Now(); var n = NewNonce(); return WithAuth(Header("app_hmac", n, t, HmacSign("POST", "/v1/orders", t, n, ValidBody)), "application/xml")(); }, 415, "UNSUPPORTED_MEDIA_TYPE");
        Add("forwarding headers without a signature", WithAuth(null, "application/json", ("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-Host", "internal"), ("X-Real-IP", "10.0.0.1")), code: "AUTH_MISSING");
        Add("gateway's own forwarding header", WithAuth(null, "application/json", ("Paygw-Forwarded-From", "T1")), code: "AUTH_MISSING");
        Add("app id in a custom header only", WithAuth(null, "application/json", ("X-App-Id", "app_hmac"), ("X-Signature", "x")), code: "AUTH_MISSING");
        Add("two Authorization headers", () => Send(HttpMethod.Post, "/v1/orders", body, null, "application/json", ("Authorization", Good()), ("Authorization", Good())));
        Add("8 KiB Authorization", WithAuth("PAYGW-HMAC-SHA256 " + new string('a', 8192)), code: "AUTH_MALFORMED");

        // The operator API: forged or missing bearer tokens.
        foreach (var (name, method, path, token) in new[]
        {
            ("no token", HttpMethod.Get, "/admin/v1/orders", (string?)null),
            ("wrong token", HttpMethod.Get, "/admin/v1/orders", "Bearer " + new string('0', 48)),
            ("token hash as token", HttpMethod.Get, "/admin/v1/orders", "Bearer " + fixture.Secrets.OperatorTokenSha256),
            ("merchant signature on admin", HttpMethod.Get, "/admin/v1/orders", Good()),
            ("basic with wrong password", HttpMethod.Get, "/admin/v1/orders", "Basic " + Convert.ToBase64String("admin:admin"u8)),
            ("no token on app write", HttpMethod.Put, "/admin/v1/apps/app_evil", null),
            ("wrong token on account write", HttpMethod.Put, "/admin/v1/channel-accounts/mock/evil", "Bearer nope"),
            ("no token on resend", HttpMethod.Post, $"/admin/v1/orders/{_paidAmountOrder}/notifications/evt_x/resend", null),
            ("no token on reconciliation run", HttpMethod.Post, $"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/2026-01-01", null),
            ("wrong token on reconciliation report", HttpMethod.Get, $"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/2026-01-01", "Bearer " + new string('1', 48)),
            ("merchant signature on reconciliation items", HttpMethod.Get, "/admin/v1/reconciliation-items", Good()),
            // The right token, but as a browser replays it after a dashboard sign-in: Basic counts on the dashboard only.
            ("dashboard basic credentials on resend", HttpMethod.Post, $"/admin/v1/orders/{_paidAmountOrder}/notifications/evt_x/resend", OperatorBasic()),
            ("dashboard basic credentials on reconciliation run", HttpMethod.Post, $"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}/2026-01-01", OperatorBasic()),
            ("dashboard basic credentials on review item resolve", HttpMethod.Post, "/admin/v1/review-items/1/resolve", OperatorBasic()),
        })
        {
            cases.Add(new Case("operator: " + name, () => Send(method, path, method == HttpMethod.Get ? null : "{}"u8.ToArray(), token), 401, "OPERATOR_UNAUTHORIZED"));
        }
        return cases;

        string OperatorBasic() => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + fixture.Secrets.OperatorToken));
    }

    [Fact]
    public async Task AuthenticationForgeriesAndReplays_AllGet401Or415Problems_AndChangeNothing() =>
        await AssertCorpusAsync(Forgeries(), 70, IsProblem);

    // ---------------------------------------------------------------- other merchant endpoints

    private List<Case> Endpoints()
    {
        var cases = new List<Case>();
        void Add(string name, HttpMethod method, string path, int status, string code, string? body = null) =>
            cases.Add(new Case("endpoint: " + name, Signed(method, path, body ?? (method == HttpMethod.Get ? null : "{}")), status, code));
        foreach (var id in new[] { "not-an-order-id", "20261126101530123T100000", "00000000000000000000000000", "%E8%AE%A2%E5%8D%95", "..%2F..%2Fadmin", new string('9', 24), "a" })
        {
            Add($"get {id}", HttpMethod.Get, $"/v1/orders/{id}", 404, "ORDER_NOT_FOUND");
        }
        Add("get another app's order", HttpMethod.Get, $"/v1/orders/{_rsaOrder}", 404, "ORDER_NOT_FOUND");
        Add("close another app's order", HttpMethod.Post, $"/v1/orders/{_rsaOrder}/close", 404, "ORDER_NOT_FOUND");
        Add("sync another app's order", HttpMethod.Post, $"/v1/orders/{_rsaOrder}/sync", 404, "ORDER_NOT_FOUND");
        Add("close unknown order", HttpMethod.Post, "/v1/orders/20261126101530123T1000000/close", 404, "ORDER_NOT_FOUND");
        Add("sync unknown order", HttpMethod.Post, "/v1/orders/20261126101530123T1000000/sync", 404, "ORDER_NOT_FOUND");
        foreach (var no in new[] { "never-used", "corpus-rsa", "%E8%AE%A2%E5%8D%95", new string('x', 65), "a%20b" })
        {
            Add($"by out_trade_no {no}", HttpMethod.Get, $"/v1/orders/by-out-trade-no/{no}", 404, "ORDER_NOT_FOUND");
        }
        return cases;
    }

    // ---------------------------------------------------------------- operator requests that cannot be served

    private List<Case> OperatorRequests()
    {
        var cases = new List<Case>();
        var token = "Bearer " + fixture.Secrets.OperatorToken;
        void Add(string name, HttpMethod method, string path, int status, string code) =>
            cases.Add(new Case("operator: " + name, () => Send(method, path, method == HttpMethod.Get ? null : [], token), status, code));
        var run = $"/admin/v1/reconciliations/mock/{PaymentFixture.MockAccountId}";
        foreach (var day in new[] { "2026-02-30", "26-11-2026", "2026-1-1", "20261126", "2999-01-01", "1999-12-31", "%E6%97%A5", "2026-11-26T00:00", "0000-00-00" })
        {
            Add($"reconcile day {day}", HttpMethod.Post, $"{run}/{day}", 400, "VALIDATION_FAILED");
        }
        Add("reconcile upper-case channel", HttpMethod.Post, "/admin/v1/reconciliations/MOCK/mock-acc-1/2026-01-01", 400, "VALIDATION_FAILED");
        Add("reconcile account with a space", HttpMethod.Post, "/admin/v1/reconciliations/mock/acc%20x/2026-01-01", 400, "VALIDATION_FAILED");
        Add("reconcile 65-character account", HttpMethod.Post, $"/admin/v1/reconciliations/mock/{new string('a', 65)}/2026-01-01", 400, "VALIDATION_FAILED");
        Add("reconcile unknown account", HttpMethod.Post, "/admin/v1/reconciliations/mock/never-configured/2026-01-01", 422, "CHANNEL_ACCOUNT_NOT_FOUND");
        Add("reconcile unknown channel", HttpMethod.Post, "/admin/v1/reconciliations/nochannel/acc/2026-01-01", 422, "CHANNEL_ACCOUNT_NOT_FOUND");
        Add("report of a day never reconciled", HttpMethod.Get, $"{run}/2001-01-01", 404, "RECONCILIATION_NOT_FOUND");
        foreach (var query in new[] { "limit=0", "limit=201", "limit=-1", "code=lower_case", "code=DROP%20TABLE", "before=0", "before=-5", "channel=BAD", "account_id=a%20b" })
        {
            Add($"reconciliation items {query}", HttpMethod.Get, "/admin/v1/reconciliation-items?" + query, 400, "VALIDATION_FAILED");
        }
        // Non-ASCII (the columns are ASCII: MariaDB would refuse the comparison) or not a number at all; a merchant's
        // number without its app (no index holds the number alone).
        foreach (var query in new[]
        {
            "orders?out_trade_no=%E8%AE%A2%E5%8D%95", "orders?app_id=app_hmac&out_trade_no=%E8%AE%A2%E5%8D%95", "orders?app_id=%C3%A9",
            "orders?app_id=a%20b", "orders?out_trade_no=corpus-target", "contracts?out_contract_no=%C3%A9",
            "contracts?app_id=app_hmac&out_contract_no=%C3%A9", "contracts?app_id=%E8%AE%A2%E5%8D%95", "contracts?out_contract_no=corpus-c",
        })
        {
            Add($"search {query}", HttpMethod.Get, "/admin/v1/" + query, 400, "VALIDATION_FAILED");
        }
        return cases;
    }

    [Fact]
    public async Task OperatorRequestsThatCannotBeServed_Get4xxProblems_AndChangeNothing() =>
        await AssertCorpusAsync(OperatorRequests(), 33, IsProblem);

    [Fact]
    public async Task UnknownAndForeignOrders_Get404Problems_AndChangeNothing() =>
        await AssertCorpusAsync(Endpoints(), 15, IsProblem);

    // ---------------------------------------------------------------- refunds and transfers

    private List<Case> Funds()
    {
        var cases = new List<Case>();
        void Add(string name, HttpMethod method, string path, int status, string code, string? body = null) =>
            cases.Add(new Case("funds: " + name, Signed(method, path, body ?? (method == HttpMethod.Get ? null : "{}")), status, code));
        string Refund(string amount = "100", string outRefundNo = "\"corpus-r1\"", string reason = "\"r\"") =>
            $$"""{"out_refund_no":{{outRefundNo}},"amount":{{amount}},"reason":{{reason}}}""";
        var refunds = $"/v1/orders/{_paidAmountOrder}/refunds";

        // Refused by the order: nothing may be written, not even the out_refund_no reservation.
        Add("refund of an unpaid order", HttpMethod.Post, refunds, 409, "ORDER_NOT_REFUNDABLE", Refund());
        Add("refund of another app's order", HttpMethod.Post, $"/v1/orders/{_rsaOrder}/refunds", 404, "ORDER_NOT_FOUND", Refund());
        Add("refund of an order that does not exist", HttpMethod.Post, "/v1/orders/20261126101530123T100000/refunds", 404, "ORDER_NOT_FOUND", Refund());
        Add("refund of a malformed order id", HttpMethod.Post, "/v1/orders/not-an-order/refunds", 404, "ORDER_NOT_FOUND", Refund());
        foreach (var (name, body) in new[]
        {
            ("amount 0", Refund(amount: "0")), ("amount -1", Refund(amount: "-1")), ("amount 1.5", Refund(amount: "1.5")),
            ("amount as string", Refund(amount: "\"100\"")), ("amount 2^63", Refund(amount: "9223372036854775808")),
            ("amount above the maximum", Refund(amount: "1000000001")), ("amount null", Refund(amount: "null")),
            ("out_refund_no empty", Refund(outRefundNo: "\"\"")), ("out_refund_no 65", Refund(outRefundNo: $"\"{new string('r', 65)}\"")),
            ("out_refund_no with a space", Refund(outRefundNo: "\"a b\"")), ("out_refund_no unicode", Refund(outRefundNo: "\"退款1\"")),
            ("out_refund_no number", Refund(outRefundNo: "12")), ("reason 257", Refund(reason: $"\"{new string('x', 257)}\"")),
            ("reason with a control character", Refund(reason: "\"a\\u0007b\"")), ("reason empty", Refund(reason: "\"\"")),
            ("empty object", "{}"), ("array", "[]"),
        })
        {
            Add("refund " + name, HttpMethod.Post, refunds, 400, "VALIDATION_FAILED", body);
        }
        Add("refund body not JSON", HttpMethod.Post, refunds, 400, "MALFORMED_JSON", "{\"out_refund_no\":");
        foreach (var id in new[] { "nope", $"{_paidAmountOrder}R000", $"{_paidAmountOrder}R001", $"{_rsaOrder}R001", $"{_paidAmountOrder}X001", "20261126101530123T100000R001" })
        {
            Add($"get refund {id}", HttpMethod.Get, $"/v1/refunds/{id}", 404, "REFUND_NOT_FOUND");
        }
        Add("refund by unused out_refund_no", HttpMethod.Get, "/v1/refunds/by-out-refund-no/never-used", 404, "REFUND_NOT_FOUND");

        string Transfer(string channel = "\"mock\"", string payee = """{"type":"mock_account","account":"p1"}""", string amount = "100", string currency = "\"CNY\"") =>
            $$"""{"out_transfer_no":"corpus-t1","channel":{{channel}},"payee":{{payee}},"amount":{{amount}},"currency":{{currency}},"notify_url":"http://m.test/n"}""";
        foreach (var (name, body) in new[]
        {
            ("no payee", Transfer(payee: "null")), ("payee without account", Transfer(payee: """{"type":"mock_account"}""")),
            ("payee account 129", Transfer(payee: $$"""{"type":"mock_account","account":"{{new string('a', 129)}}"}""")),
            ("payee type with capitals", Transfer(payee: """{"type":"MOCK","account":"p1"}""")),
            ("amount 0", Transfer(amount: "0")), ("amount -7", Transfer(amount: "-7")), ("amount as string", Transfer(amount: "\"5\"")),
            ("currency lower case", Transfer(currency: "\"cny\"")), ("currency unknown", Transfer(currency: "\"XXX\"")),
            ("channel missing", Transfer(channel: "null")), ("empty object", "{}"),
        })
        {
            Add("transfer " + name, HttpMethod.Post, "/v1/transfers", 400, "VALIDATION_FAILED", body);
        }
        Add("transfer to a payee type the channel cannot pay", HttpMethod.Post, "/v1/transfers", 422, "PAYEE_TYPE_NOT_SUPPORTED",
            Transfer(payee: """{"type":"wechat_openid","account":"o1"}"""));
        Add("transfer on a channel the app has no route to", HttpMethod.Post, "/v1/transfers", 422, "CHANNEL_NOT_ALLOWED",
            Transfer(channel: "\"wechatpay\"", payee: """{"type":"wechat_openid","account":"o1"}"""));
        foreach (var id in new[] { "nope", "T", "T20261126101530123T100000", "20261126101530123T100000" })
        {
            Add($"get transfer {id}", HttpMethod.Get, $"/v1/transfers/{id}", 404, "TRANSFER_NOT_FOUND");
        }
        Add("transfer by unused out_transfer_no", HttpMethod.Get, "/v1/transfers/by-out-transfer-no/never-used", 404, "TRANSFER_NOT_FOUND");
        return cases;
    }

    [Fact]
    public async Task RefundAndTransferRequestsThatCannotBeServed_Get4xxProblems_AndChangeNothing() =>
        await AssertCorpusAsync(Funds(), 45, IsProblem);

    // ---------------------------------------------------------------- identifiers ending in a line feed

    /// <summary>
    /// Every restricted identifier with a trailing line feed, at full length (64 characters and then "\n", one more
    /// than its column holds) and short. A pattern anchored with <c>$</c> matches before a final "\n", so these once
    /// passed validation: the merchant-number key was written and storing the 65-character number then failed (a 5xx
    /// on every retry), or the id was stored with the line feed in it.
    /// </summary>
    private List<Case> NewlineEndedIdentifiers()
    {
        var cases = new List<Case>();
        void Add(string name, Func<Task<HttpResponseMessage>> send) => cases.Add(new Case("newline: " + name, send, 400, "VALIDATION_FAILED"));

        // The values are JSON text: the escape \n makes the parsed value end in a line feed.
        foreach (var (label, id) in new[] { ("64 + LF", new string('a', 64) + "\\n"), ("ab + LF", "ab\\n") })
        {
            Add($"out_trade_no {label}", Create(Set("out_trade_no", $"\"{id}\"")));
            Add($"out_refund_no {label}", Signed(HttpMethod.Post, $"/v1/orders/{_paidAmountOrder}/refunds", $$"""{"out_refund_no":"{{id}}","amount":100}"""));
            Add($"out_transfer_no {label}", Signed(HttpMethod.Post, "/v1/transfers", Transfer(id)));
            Add($"out_contract_no {label}", Signed(HttpMethod.Post, "/v1/contracts", Contract(id)));
        }
        foreach (var (label, code) in new[] { ("64 + LF", new string('1', 64) + "\\n"), ("12 + LF", "283712345678\\n") })
        {
            Add($"auth_code {label}", Create(Mutate(b => { b["method"] = "SERVER"; b["auth_code"] = JsonNode.Parse($"\"{code}\""); })));
        }
        foreach (var (label, key) in new[] { ("40 + LF", new string('k', 40) + "\\n"), ("k + LF", "k\\n") })
        {
            Add($"metadata key {label}", Create(Set("metadata", $"{{\"{key}\":\"v\"}}")));
        }
        Add("channel mock + LF", Create(Set("channel", "\"mock\\n\"")));
        Add("contract channel mock + LF", Signed(HttpMethod.Post, "/v1/contracts", Contract("corpus-c-" + NewNonce(), channel: "mock\\n")));
        Add("transfer channel mock + LF", Signed(HttpMethod.Post, "/v1/transfers", Transfer("corpus-t-lf", channel: "mock\\n")));
        Add("transfer payee type + LF", Signed(HttpMethod.Post, "/v1/transfers", Transfer("corpus-t-lf", payeeType: "mock_account\\n")));

        // Operator keys: an app or channel account stored under an id with a line feed.
        var token = "Bearer " + fixture.Secrets.OperatorToken;
        var app = Encoding.UTF8.GetBytes($$"""{"name":"n","auth_scheme":"HMAC","hmac_secret":"{{new string('s', 32)}}","webhook_secret":"{{new string('w', 32)}}","channels":[],"enabled":true}""");
        var account = Encoding.UTF8.GetBytes($$"""{"base_url":"{{fixture.Simulator.BaseAddress}}","settings":{"merchant_id":"{{PaymentFixture.MockMerchantId}}"},"secrets":{"hmac_key":"{{fixture.MockKey}}"},"enabled_methods":["QR_CODE"],"enabled":true}""");
        cases.Add(new Case("newline: operator app id ab + LF", () => Send(HttpMethod.Put, "/admin/v1/apps/app_lf%0A", app, token), 400, "VALIDATION_FAILED"));
        cases.Add(new Case("newline: operator account id ab + LF", () => Send(HttpMethod.Put, "/admin/v1/channel-accounts/mock/acc_lf%0A", account, token), 400, "VALIDATION_FAILED"));
        return cases;

        static string Transfer(string outTransferNo, string channel = "mock", string payeeType = "mock_account") =>
            $$"""{"out_transfer_no":"{{outTransferNo}}","channel":"{{channel}}","payee":{"type":"{{payeeType}}","account":"p1"},"amount":100,"currency":"CNY","notify_url":"http://m.test/n"}""";

        static string Contract(string outContractNo, string channel = "mock") =>
            $$"""{"out_contract_no":"{{outContractNo}}","channel":"{{channel}}","method":"WEB","amount":2500,"currency":"CNY","period_unit":"DAY","period_every":30,"first_deduction_date":"{{PayGateway.Tests.Recurring.BeijingDay.TodayText}}","display_account":"member 1","subject":"s","notify_url":"http://m.test/n"}""";
    }

    [Fact]
    public async Task IdentifiersEndingInALineFeed_Get400ValidationFailed_AndChangeNothing() =>
        await AssertCorpusAsync(NewlineEndedIdentifiers(), 18, IsProblem);

    // ---------------------------------------------------------------- channel callbacks

    private (string Body, Dictionary<string, string> Headers) MockCallback(string orderId, long amount, string status = "SUCCEEDED", string currency = "CNY",
        string? merchantInBody = null, long? timestamp = null, string? key = null, string? signedBody = null, string? headerMerchant = null)
    {
        var body = $$"""{"event_id":"evt_corpus_{{Guid.NewGuid():N}}","out_trade_no":"{{orderId}}","trade_no":"MT-corpus","status":"{{status}}","amount":{{amount}},"currency":"{{currency}}","merchant_id":"{{merchantInBody ?? PaymentFixture.MockMerchantId}}","paid_at":"{{DateTimeOffset.UtcNow:O}}"}""";
        var ts = (timestamp ?? Now()).ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key ?? fixture.MockKey), Encoding.UTF8.GetBytes($"{ts}\n{signedBody ?? body}")));
        return (body, new Dictionary<string, string>
        {
            ["Mock-Merchant-Id"] = headerMerchant ?? PaymentFixture.MockMerchantId,
            ["Mock-Timestamp"] = ts,
            ["Mock-Signature"] = signature,
        });
    }

    private Func<Task<HttpResponseMessage>> Callback((string Body, Dictionary<string, string> Headers) message, string? path = null,
        Action<Dictionary<string, string>>? alterHeaders = null, string? bodyOverride = null)
        => () =>
        {
            var headers = new Dictionary<string, string>(message.Headers);
            alterHeaders?.Invoke(headers);
            return Send(HttpMethod.Post, path ?? $"/v1/callbacks/{GatewayFixture.DatacenterCode}/mock/{PaymentFixture.MockAccountId}",
                Encoding.UTF8.GetBytes(bodyOverride ?? message.Body), null, "application/json", [.. headers.Select(h => (h.Key, h.Value))]);
        };

    private List<Case> Callbacks()
    {
        var cases = new List<Case>();
        var order = _paidAmountOrder;
        const long amount = 4321;
        void Add(string name, Func<Task<HttpResponseMessage>> send) => cases.Add(new Case("callback: " + name, send));

        // Broken authentication of a callback that would otherwise be accepted (right order, amount, currency).
        var valid = MockCallback(order, amount);
        Add("no headers", Callback(valid, alterHeaders: h => h.Clear()));
        Add("no signature", Callback(valid, alterHeaders: h => h.Remove("Mock-Signature")));
        Add("no timestamp", Callback(valid, alterHeaders: h => h.Remove("Mock-Timestamp")));
        Add("no merchant header", Callback(valid, alterHeaders: h => h.Remove("Mock-Merchant-Id")));
        Add("another merchant header", Callback(valid, alterHeaders: h => h["Mock-Merchant-Id"] = "sim-merchant-2"));
        Add("signature of zeros", Callback(valid, alterHeaders: h => h["Mock-Signature"] = new string('0', 64)));
        Add("signature truncated", Callback(valid, alterHeaders: h => h["Mock-Signature"] = h["Mock-Signature"][..32]));
        Add("signature empty", Callback(valid, alterHeaders: h => h["Mock-Signature"] = ""));
        Add("signature not hex", Callback(valid, alterHeaders: h => h["Mock-Signature"] = new string('z', 64)));
        Add("signature base64", Callback(valid, alterHeaders: h => h["Mock-Signature"] = Convert.ToBase64String(Convert.FromHexString(h["Mock-Signature"]))));
        Add("signed with another key", Callback(MockCallback(order, amount, key: "not-the-key")));
        Add("signed over another timestamp", Callback(valid, alterHeaders: h => h["Mock-Timestamp"] = (long.Parse(h["Mock-Timestamp"], CultureInfo.InvariantCulture) - 1).ToString(CultureInfo.InvariantCulture)));
        Add("timestamp 301 s old (signed)", Callback(MockCallback(order, amount, timestamp: Now() - 301)));
        Add("timestamp 360 s old (signed)", Callback(MockCallback(order, amount, timestamp: Now() - 360)));
        Add("timestamp 1 day old (signed)", Callback(MockCallback(order, amount, timestamp: Now() - 86_400)));
        Add("timestamp 360 s ahead (signed)", Callback(MockCallback(order, amount, timestamp: Now() + 360)));
        Add("timestamp not a number", Callback(valid, alterHeaders: h => h["Mock-Timestamp"] = "yesterday"));
        Add("timestamp in milliseconds", Callback(valid, alterHeaders: h => h["Mock-Timestamp"] += "000"));

        // Tampered after signing: the signature no longer covers the body.
        foreach (var (name, from, to) in new[]
        {
            ("amount", $"\"amount\":{amount}", "\"amount\":1"), ("currency", "\"currency\":\"CNY\"", "\"currency\":\"USD\""),
            ("order", $"\"out_trade_no\":\"{order}\"", $"\"out_trade_no\":\"{_otherOrder}\""), ("merchant", "\"merchant_id\":\"sim-merchant-1\"", "\"merchant_id\":\"sim-merchant-2\""),
            ("status", "\"status\":\"SUCCEEDED\"", "\"status\":\"CLOSED\""), ("trailing space", "}", "} "),
        })
        {
            Add($"tampered {name} after signing", Callback(valid, bodyOverride: valid.Body.Replace(from, to, StringComparison.Ordinal)));
        }

        // Correctly signed, but what it says does not fit the order or the protocol.
        Add("amount + 1 (signed)", Callback(MockCallback(order, amount + 1)));
        Add("amount 1 (signed)", Callback(MockCallback(order, 1)));
        Add("amount 0 (signed)", Callback(MockCallback(order, 0)));
        Add("amount negative (signed)", Callback(MockCallback(order, -amount)));
        Add("amount overflow (signed)", Callback(Resign(valid.Body.Replace($"\"amount\":{amount}", "\"amount\":99999999999999999999", StringComparison.Ordinal))));
        Add("currency USD (signed)", Callback(MockCallback(order, amount, currency: "USD")));
        Add("currency lower case (signed)", Callback(MockCallback(order, amount, currency: "cny")));
        Add("merchant in body differs (signed)", Callback(MockCallback(order, amount, merchantInBody: "sim-merchant-2")));
        Add("another order's id with this amount (signed)", Callback(MockCallback(_otherOrder, amount)));
        Add("another app's order with this amount (signed)", Callback(MockCallback(_rsaOrder, amount)));
        Add("not a gateway order id (signed)", Callback(MockCallback("merchant-order-1", amount)));
        Add("unknown gateway order id (signed)", Callback(MockCallback("20261126101530123T1000000", amount)));
        Add("unicode order id (signed)", Callback(MockCallback("订单-1", amount)));
        Add("unknown status (signed)", Callback(MockCallback(order, amount, status: "REFUNDED")));
        Add("status lower case with wrong amount (signed)", Callback(MockCallback(order, amount + 1, status: "succeeded")));
        Add("empty body (signed)", Callback(Resign("")));
        Add("not JSON (signed)", Callback(Resign("status=SUCCEEDED")));
        Add("JSON array (signed)", Callback(Resign("[]")));
        // (The mock adapter reads numbers from strings, so "4321" would be a genuine payment; a decimal string is not.)
        Add("amount as decimal string (signed)", Callback(Resign(valid.Body.Replace($"\"amount\":{amount}", "\"amount\":\"43.21\"", StringComparison.Ordinal))));
        Add("amount as fraction (signed)", Callback(Resign(valid.Body.Replace($"\"amount\":{amount}", $"\"amount\":{amount}.5", StringComparison.Ordinal))));
        Add("missing out_trade_no (signed)", Callback(Resign(valid.Body.Replace($"\"out_trade_no\":\"{order}\",", "", StringComparison.Ordinal))));

        // Wrong place: accounts and channels that do not exist, another datacenter, a forwarding loop, too big.
        Add("unknown account (signed)", Callback(valid, $"/v1/callbacks/{GatewayFixture.DatacenterCode}/mock/no-such-account"));
        Add("unknown channel", Callback(valid, $"/v1/callbacks/{GatewayFixture.DatacenterCode}/paypal/{PaymentFixture.MockAccountId}"));
        Add("account with bad characters", Callback(valid, $"/v1/callbacks/{GatewayFixture.DatacenterCode}/mock/acc%201"));
        Add("unknown datacenter", Callback(valid, $"/v1/callbacks/Z9/mock/{PaymentFixture.MockAccountId}"));
        Add("forged forwarding header for another datacenter", Callback(valid, $"/v1/callbacks/Z9/mock/{PaymentFixture.MockAccountId}", h => h["Paygw-Forwarded-From"] = "Z8"));
        Add("alipay path with a mock message", Callback(valid, $"/v1/callbacks/{GatewayFixture.DatacenterCode}/alipay/{PaymentFixture.MockAccountId}"));
        Add("wechatpay path with a mock message", Callback(valid, $"/v1/callbacks/{GatewayFixture.DatacenterCode}/wechatpay/{PaymentFixture.MockAccountId}"));
        Add("oversized body", Callback(valid, bodyOverride: valid.Body.TrimEnd('}') + $",\"pad\":\"{new string('p', 70_000)}\"}}"));
        return cases;

        (string, Dictionary<string, string>) Resign(string body)
        {
            var ts = Now().ToString(CultureInfo.InvariantCulture);
            return (body, new Dictionary<string, string>
            {
                ["Mock-Merchant-Id"] = PaymentFixture.MockMerchantId,
                ["Mock-Timestamp"] = ts,
                ["Mock-Signature"] = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(fixture.MockKey), Encoding.UTF8.GetBytes($"{ts}\n{body}"))),
            });
        }
    }

    /// <summary>The channel's own refusal (so it retries or gives up by its rules), or a 4xx before any channel is involved.</summary>
    private static string? IsChannelRejection(HttpResponseMessage response, string text, Case c)
    {
        var status = (int)response.StatusCode;
        return (status, text) switch
        {
            (400, """{"ack":"FAIL"}""") => null, // mock
            (400, "fail") => null, // alipay
            (500, _) when text.Contains("\"code\":\"FAIL\"", StringComparison.Ordinal) => null, // wechatpay asks for a retry with a 5xx by design
            (404 or 413 or 421, _) => null, // refused at the door: unknown account/channel/datacenter, too big, forwarding loop
            _ => "not the channel's rejection",
        };
    }

    [Fact]
    public async Task ForgedTamperedAndMisdirectedCallbacks_AreRejectedInTheChannelsFormat_AndChangeNoOrder()
    {
        var reviewBefore = await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_review_item");
        var cases = Callbacks();

        await AssertCorpusAsync(cases, 45, IsChannelRejection, reviewItemsMayGrow: true);

        // Every refusal that reached an account is kept for review.
        var reviewAfter = await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_review_item");
        Assert.True(reviewAfter - reviewBefore >= cases.Count - 8, $"only {reviewAfter - reviewBefore} review items for {cases.Count} refused callbacks");
        Assert.Equal(0, fixture.Simulator.ChargeCount(_paidAmountOrder, PaymentFixture.MockMerchantId));
    }

    [Fact]
    public void Corpus_HasAtLeast200Requests()
    {
        // The replay cases read fields set in InitializeAsync; building the lists sends nothing.
        var total = CreateBodies().Count + Forgeries().Count + Endpoints().Count + Funds().Count + NewlineEndedIdentifiers().Count + Callbacks().Count;
        output.WriteLine($"corpus: {CreateBodies().Count} create bodies, {Forgeries().Count} authentication forgeries and replays, {Endpoints().Count} endpoint probes, {Funds().Count} refund and transfer requests, {NewlineEndedIdentifiers().Count} identifiers ending in a line feed, {Callbacks().Count} callbacks = {total}");
        Assert.True(total >= 200, $"{total} requests");
    }
}
