using System.Text.Json.Nodes;
using PayGateway.Reliability;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reliability;

/// <summary>
/// Scenario 15: an order state stored by the previous version (a captured payload, <c>Fixtures/order-state-v1.json</c>)
/// loads in the current code, is projected by the current triggers, and is written back without losing anything
/// the current code knows. A payload from a newer version (an extra field) loads too.
/// </summary>
public sealed class SerializationCompatibilityTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reliability", "Fixtures", name));

    /// <summary>Writes a payload the way the storage provider does (same identity function, version 1), firing the projection triggers.</summary>
    private Task StoreAsPreviousVersionAsync(string orderId, string payload) => fixture.Database.ExecuteAsync(
        """
        INSERT INTO paygw_projected_state (IdentityHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, PayloadBinary, Version, ModifiedOn)
        VALUES (paygw_grain_identity(@service, 'order', 0, 0, @id), @service, 'order', 0, 0, @id, @payload, 1, UTC_TIMESTAMP(3))
        """, ("@service", fixture.ServiceId), ("@id", orderId), ("@payload", System.Text.Encoding.UTF8.GetBytes(payload)));

    private static CheckOptions StoredOnly => new() { AllowFailedNotifications = false };

    [Fact]
    public async Task PreviousVersionPayload_LoadsProjectsAndRoundTrips()
    {
        var payload = Fixture("order-state-v1.json");
        var stored = JsonNode.Parse(payload)!;
        var id = (string)stored["order_id"]!;
        await StoreAsPreviousVersionAsync(id, payload);

        var view = await fixture.Grains.GetGrain<IOrderGrain>(id).GetAsync();

        Assert.NotNull(view);
        Assert.Equal((OrderStatus.Succeeded, 2599L, "CNY", "compat-v1-0001", "MT2026110100000042"), (view.Status, view.Amount, view.Currency, view.OutTradeNo, view.ChannelTradeNo));
        Assert.Equal("tea-1", view.Metadata["sku"]);
        Assert.Equal(("delivered", 2), (view.Notifications.Single().Status, view.Notifications.Single().Attempts));
        Assert.Equal("succeeded", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_order WHERE order_id = @id", ("@id", id)));
        // The merchant API serves it.
        var response = await fixture.HmacMerchant().GetAsync($"/v1/orders/{id}");
        Assert.Equal("succeeded", (string?)(await MerchantClient.JsonAsync(response))["status"]);

        // The current code writes it (an operator resend) and everything it stored is still there.
        var eventId = (string)stored["notifications"]![0]!["event_id"]!;
        var resent = await fixture.Grains.GetGrain<IOrderGrain>(id).ResendNotificationAsync(eventId);
        Assert.Null(resent.Error);
        var rewritten = JsonNode.Parse(await fixture.Database.ScalarAsync<string>(
            "SELECT CONVERT(PayloadBinary USING utf8mb4) FROM paygw_projected_state WHERE GrainTypeString = 'order' AND GrainIdExtensionString = @id", ("@id", id)))!;
        foreach (var field in stored.AsObject().Select(f => f.Key).Where(k => k is not ("notifications" or "updated_at_ms" or "next_check_at_ms")))
        {
            Assert.True(JsonNode.DeepEquals(stored[field], rewritten[field]), $"field '{field}' changed: {stored[field]?.ToJsonString()} → {rewritten[field]?.ToJsonString()}");
        }
        Assert.Equal((string?)stored["notifications"]![0]!["body"], (string?)rewritten["notifications"]![0]!["body"]);

        var report = InvariantChecker.Check(new CheckInput
        {
            Gateway = await GatewayStateReader.ReadAsync(fixture.Database.ConnectionString, fixture.ServiceId),
            HasChannelRecords = false, // the channel of the previous version's order is not this simulator
        }, StoredOnly with { OrderScope = o => o == id });
        Assert.True(report.Passed, report.Format());
    }

    [Fact]
    public async Task NewerVersionPayloadWithUnknownFields_Loads()
    {
        var stored = JsonNode.Parse(Fixture("order-state-v1.json"))!.AsObject();
        var id = "20261101120000000T1ZZ002";
        stored["order_id"] = id;
        stored["out_trade_no"] = "compat-v2-0001";
        stored["disputes"] = new JsonArray(new JsonObject { ["dispute_id"] = "d1", ["amount"] = 100 });
        stored["risk_score"] = 0.25;
        await StoreAsPreviousVersionAsync(id, stored.ToJsonString());

        var view = await fixture.Grains.GetGrain<IOrderGrain>(id).GetAsync();

        Assert.Equal(OrderStatus.Succeeded, view!.Status);
        Assert.Equal("compat-v2-0001", view.OutTradeNo);
    }
}
