using System.Net;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Payments;

/// <summary>A callback reaching another datacenter's API host is forwarded home byte for byte.</summary>
public sealed class DatacenterRoutingTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    [Fact]
    public async Task CallbackArrivingAtOtherDatacenter_IsForwardedHomeAndApplied()
    {
        var settings = new Dictionary<string, string?>(fixture.Settings)
        {
            ["Gateway:DatacenterCode"] = "T2",
            ["Gateway:PublicBaseUrl"] = $"http://127.0.0.1:{GatewayFixture.FreePort()}/",
            ["Api:Datacenters:T1"] = fixture.ApiBaseAddress.ToString(),
        };
        await using var otherDatacenter = GatewayFixture.StartApi(settings);
        var merchant = fixture.HmacMerchant();
        var id = (string)(await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 3300))))["order_id"]!;

        var response = await fixture.PostMockCallbackAsync(otherDatacenter.CreateClient(), GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "SUCCEEDED", 3300);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"ack":"OK"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("succeeded", (string?)(await MerchantClient.JsonAsync(await merchant.GetAsync($"/v1/orders/{id}")))["status"]);
    }

    [Fact]
    public async Task HomeDatacenterTooSlowToAnswer_CallbackIsNotAcknowledgedWith502()
    {
        // A home API host that accepts the connection and never answers.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var settings = new Dictionary<string, string?>(fixture.Settings)
        {
            ["Gateway:DatacenterCode"] = "T2",
            ["Gateway:PublicBaseUrl"] = $"http://127.0.0.1:{GatewayFixture.FreePort()}/",
            ["Api:Datacenters:T1"] = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/",
            ["Api:DatacenterForwardTimeout"] = "00:00:01",
        };
        await using var otherDatacenter = GatewayFixture.StartApi(settings);
        var merchant = fixture.HmacMerchant();
        var id = (string)(await MerchantClient.JsonAsync(await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 3301))))["order_id"]!;

        var response = await fixture.PostMockCallbackAsync(otherDatacenter.CreateClient(), GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "SUCCEEDED", 3301);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("pending", (string?)(await MerchantClient.JsonAsync(await merchant.GetAsync($"/v1/orders/{id}")))["status"]);
    }

    [Fact]
    public async Task CallbackForUnknownDatacenter_IsNotAcknowledged()
    {
        var id = (string)(await MerchantClient.JsonAsync(await fixture.HmacMerchant().PostJsonAsync("/v1/orders", PaymentFixture.NewOrder())))["order_id"]!;

        var response = await fixture.PostMockCallbackAsync(fixture.Api.CreateClient(), "Z9", PaymentFixture.MockAccountId, id, "SUCCEEDED", 1234);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("pending", (string?)(await MerchantClient.JsonAsync(await fixture.HmacMerchant().GetAsync($"/v1/orders/{id}")))["status"]);
    }
}
