using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Api;

/// <summary>Every class of bad input gets a 4xx problem+json with a stable code, and changes nothing.</summary>
public sealed class BadInputTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private const string Valid = """{"out_trade_no":"OT","amount":100,"currency":"CNY","subject":"s","method":"QR_CODE","notify_url":"http://m.test/n"}""";

    private static string With(string field, string jsonValue) =>
        Valid.Replace($"\"{field}\":", $"\"__{field}\":").TrimEnd('}') + $",\"{field}\":{jsonValue}}}";

    private static string Without(string field) => Valid.Replace($"\"{field}\":", $"\"__{field}\":");

    public static TheoryData<string, string, int, string> Bodies => new()
    {
        { "empty body", "", 400, "MALFORMED_JSON" },
        { "not json", "amount=100", 400, "MALFORMED_JSON" },
        { "truncated json", "{\"amount\":", 400, "MALFORMED_JSON" },
        { "trailing comma", Valid.TrimEnd('}') + ",}", 400, "MALFORMED_JSON" },
        { "array", "[1,2]", 400, "VALIDATION_FAILED" },
        { "json string", "\"hello\"", 400, "VALIDATION_FAILED" },
        { "amount as string", With("amount", "\"100\""), 400, "VALIDATION_FAILED" },
        { "amount fractional", With("amount", "1.5"), 400, "VALIDATION_FAILED" },
        { "amount overflows long", With("amount", "100000000000000000000000"), 400, "VALIDATION_FAILED" },
        { "amount zero", With("amount", "0"), 400, "VALIDATION_FAILED" },
        { "amount negative", With("amount", "-1"), 400, "VALIDATION_FAILED" },
        { "amount above maximum", With("amount", "1000000001"), 400, "VALIDATION_FAILED" },
        { "amount null", With("amount", "null"), 400, "VALIDATION_FAILED" },
        { "subject as number", With("subject", "123"), 400, "VALIDATION_FAILED" },
        { "subject too long", With("subject", $"\"{new string('x', 257)}\""), 400, "VALIDATION_FAILED" },
        { "subject blank", With("subject", "\"   \""), 400, "VALIDATION_FAILED" },
        { "subject control character", With("subject", "\"a\\u0000b\""), 400, "VALIDATION_FAILED" },
        { "out_trade_no too long", With("out_trade_no", $"\"{new string('a', 65)}\""), 400, "VALIDATION_FAILED" },
        { "out_trade_no with space", With("out_trade_no", "\"a b\""), 400, "VALIDATION_FAILED" },
        { "out_trade_no unicode", With("out_trade_no", "\"订单1\""), 400, "VALIDATION_FAILED" },
        { "missing out_trade_no", Without("out_trade_no"), 400, "VALIDATION_FAILED" },
        { "missing amount", Without("amount"), 400, "VALIDATION_FAILED" },
        { "missing currency", Without("currency"), 400, "VALIDATION_FAILED" },
        { "missing subject", Without("subject"), 400, "VALIDATION_FAILED" },
        { "missing method", Without("method"), 400, "VALIDATION_FAILED" },
        { "missing notify_url", Without("notify_url"), 400, "VALIDATION_FAILED" },
        { "unknown currency", With("currency", "\"XYZ\""), 400, "VALIDATION_FAILED" },
        { "lower-case currency", With("currency", "\"cny\""), 400, "VALIDATION_FAILED" },
        { "unknown method", With("method", "\"CASH\""), 400, "VALIDATION_FAILED" },
        { "method as number", With("method", "4"), 400, "VALIDATION_FAILED" },
        { "method as numeric string", With("method", "\"4\""), 400, "VALIDATION_FAILED" },
        { "notify_url not http", With("notify_url", "\"ftp://m.test/n\""), 400, "VALIDATION_FAILED" },
        { "notify_url relative", With("notify_url", "\"/n\""), 400, "VALIDATION_FAILED" },
        { "return_url bad", With("return_url", "\"javascript:alert(1)\""), 400, "VALIDATION_FAILED" },
        { "barcode without auth_code", With("method", "\"SERVER\""), 400, "VALIDATION_FAILED" },
        { "auth_code on QR", With("auth_code", "\"123456\""), 400, "VALIDATION_FAILED" },
        { "expire too short", With("expire_seconds", "10"), 400, "VALIDATION_FAILED" },
        { "expire as string", With("expire_seconds", "\"7200\""), 400, "VALIDATION_FAILED" },
        { "bad user_ip", With("user_ip", "\"999.1.1.1\""), 400, "VALIDATION_FAILED" },
        { "metadata nested", With("metadata", "{\"a\":{\"b\":1}}"), 400, "VALIDATION_FAILED" },
        { "metadata too many", With("metadata", "{" + string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"k{i}\":\"v\"")) + "}"), 400, "VALIDATION_FAILED" },
        { "metadata bad key", With("metadata", "{\"a b\":\"v\"}"), 400, "VALIDATION_FAILED" },
        { "channel not allowed", With("channel", "\"alipay\""), 422, "CHANNEL_NOT_ALLOWED" },
        { "channel malformed", With("channel", "\"Mock!\""), 400, "VALIDATION_FAILED" },
        { "oversized body", With("description", $"\"{new string('x', 70_000)}\""), 413, "PAYLOAD_TOO_LARGE" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task BadCreateOrderBody_Returns4xxProblemAndCreatesNothing(string why, string body, int status, string code)
    {
        var before = await fixture.OrderRowCountAsync();

        var response = await fixture.HmacMerchant().SendAsync(HttpMethod.Post, "/v1/orders", body);

        await ProblemAssert.IsProblemAsync(response, status, code, why);
        Assert.Equal(before, await fixture.OrderRowCountAsync());
    }

    [Fact]
    public async Task WrongContentType_Returns415()
    {
        var response = await fixture.HmacMerchant().SendAsync(HttpMethod.Post, "/v1/orders", Valid, new MerchantClient.Tweaks(ContentType: "text/plain"));

        await ProblemAssert.IsProblemAsync(response, 415, "UNSUPPORTED_MEDIA_TYPE", "text/plain");
    }

    [Theory]
    [InlineData("not-an-order-id")]
    [InlineData("20261126101530123T100000")]
    [InlineData("%E8%AE%A2%E5%8D%95")]
    public async Task UnknownOrMalformedOrderId_Returns404Problem(string id)
    {
        var response = await fixture.HmacMerchant().GetAsync($"/v1/orders/{id}");

        await ProblemAssert.IsProblemAsync(response, 404, "ORDER_NOT_FOUND", id);
    }

    [Theory]
    [InlineData("GET", "/v1/nope", 404, "ROUTE_NOT_FOUND")]
    [InlineData("PUT", "/v1/orders", 405, "METHOD_NOT_ALLOWED")]
    [InlineData("DELETE", "/v1/orders/P1", 405, "METHOD_NOT_ALLOWED")]
    public async Task UnknownMerchantPathOrMethod_ReturnsProblemWithCode(string method, string path, int status, string code)
    {
        var response = await fixture.HmacMerchant().SendAsync(new HttpMethod(method), path, method == "GET" ? null : "{}");

        await ProblemAssert.IsProblemAsync(response, status, code, $"{method} {path}");
    }

    [Theory]
    [InlineData("GET", "/admin/v1/nope", 404, "ROUTE_NOT_FOUND")]
    [InlineData("DELETE", "/admin/v1/orders", 405, "METHOD_NOT_ALLOWED")]
    [InlineData("GET", "/admin/v1/orders?limit=abc", 400, "VALIDATION_FAILED")]
    [InlineData("GET", "/admin/v1/orders?limit=1&limit=2", 400, "VALIDATION_FAILED")]
    [InlineData("GET", "/admin/v1/reconciliation-items?open=maybe", 400, "VALIDATION_FAILED")]
    public async Task UnknownOrUnbindableAdminRequest_ReturnsProblemWithCode(string method, string path, int status, string code)
    {
        using var admin = fixture.OperatorClient();

        var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await ProblemAssert.IsProblemAsync(response, status, code, $"{method} {path}");
    }

    [Fact]
    public async Task CloseUnknownOrder_Returns404Problem()
    {
        var response = await fixture.HmacMerchant().PostJsonAsync("/v1/orders/20261126101530123T1000000/close", new { });

        await ProblemAssert.IsProblemAsync(response, 404, "ORDER_NOT_FOUND", "close");
    }
}
