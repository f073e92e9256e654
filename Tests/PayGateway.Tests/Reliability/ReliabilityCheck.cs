using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator;
using PayGateway.Reliability;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reliability;

/// <summary>Runs the invariant checker over a <see cref="PaymentFixture"/>: its database, its simulator and its webhook receiver.</summary>
public static class ReliabilityCheck
{
    public static CheckOptions OptionsFor(PaymentFixture fixture) => new()
    {
        ChannelMerchantByAccount = new Dictionary<string, string> { [$"mock/{PaymentFixture.MockAccountId}"] = PaymentFixture.MockMerchantId },
        WebhookUrlPrefix = fixture.Webhooks.Url.ToString(),
    };

    /// <summary>The same for an <see cref="AlipayFixture"/>: Alipay's records name the Alipay app id as the channel merchant (I3 per merchant).</summary>
    public static CheckOptions OptionsFor(AlipayFixture fixture)
    {
        var options = OptionsFor((PaymentFixture)fixture);
        return options with
        {
            ChannelMerchantByAccount = new Dictionary<string, string>(options.ChannelMerchantByAccount) { [$"alipay/{AlipayFixture.AccountId}"] = AlipayFixture.AlipayAppId },
        };
    }

    /// <summary>What a merchant saw for one request (for I6): the status, and the order id, order status or problem code its body carried.</summary>
    public static CallerObservation Observed(string appId, string outTradeNo, int httpStatus, string text)
    {
        string? orderId = null, status = null, code = null;
        try
        {
            var json = JsonNode.Parse(text);
            orderId = (string?)json?["order_id"];
            code = (string?)json?["code"];
            status = json?["status"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null; // a problem's status is a number
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return new CallerObservation(appId, outTradeNo, httpStatus, orderId, status, code);
    }

    public static IReadOnlyList<ChannelRecord> ChannelRecords(SimulatorHost simulator) =>
        [.. simulator.Records.Select(r => new ChannelRecord(r.Kind, r.MerchantId, r.OutTradeNo, r.Amount, r.Currency, r.ResponseStatus, r.Result, r.TradeNo))];

    public static IReadOnlyList<WebhookDelivery> Webhooks(WebhookReceiver receiver) =>
        [.. receiver.Deliveries.Select(d => new WebhookDelivery(d.EventId, d.Body, d.AnsweredWith))];

    public static async Task<InvariantReport> RunAsync(PaymentFixture fixture, CheckOptions? options = null, IReadOnlyList<CallerObservation>? callers = null,
        IReadOnlyList<GatewaySnapshot>? history = null)
    {
        var snapshot = await GatewayStateReader.ReadAsync(fixture.Database.ConnectionString, fixture.ServiceId);
        return InvariantChecker.Check(new CheckInput
        {
            Gateway = snapshot,
            History = history ?? [],
            Channel = ChannelRecords(fixture.Simulator),
            Webhooks = Webhooks(fixture.Webhooks),
            Callers = callers ?? [],
        }, options ?? OptionsFor(fixture));
    }

    /// <summary>Waits (supervision and deliveries are asynchronous) until the invariants hold, then asserts they do, with the full report.</summary>
    public static async Task<InvariantReport> AssertHoldsAsync(PaymentFixture fixture, CheckOptions? options = null, IReadOnlyList<CallerObservation>? callers = null,
        TimeSpan? settle = null)
    {
        var deadline = DateTime.UtcNow + (settle ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var report = await RunAsync(fixture, options, callers);
            if (report.Passed || DateTime.UtcNow > deadline)
            {
                Assert.True(report.Passed, report.Format());
                return report;
            }
            await Task.Delay(250);
        }
    }
}
