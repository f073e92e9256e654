using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Payments;

/// <summary>
/// The payment loop over real HTTP: create → pay at the simulator → signed callback → succeeded → signed
/// merchant webhook; and everything that can go wrong on the way.
/// </summary>
public sealed class PaymentLoopTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private readonly MerchantClient _merchant = fixture.HmacMerchant();

    private async Task<string> CreateAsync(object body)
    {
        var response = await _merchant.PostJsonAsync("/v1/orders", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await MerchantClient.JsonAsync(response))["order_id"]!;
    }

    private async Task<JsonObject> OrderAsync(string id) => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/orders/{id}"));

    private Task<JsonObject> OrderWhenAsync(string id, Func<JsonObject, bool> condition, string what) =>
        Eventually.HoldsAsync(() => OrderAsync(id), condition, what);

    private Task<long> ReviewItemsAsync(string orderId, string code) => fixture.Database.ScalarAsync<long>(
        "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @o AND code = @c", ("@o", orderId), ("@c", code));

    [Fact]
    public async Task FullLoop_PaidOrderBecomesSucceededAndMerchantGetsVerifiableWebhook()
    {
        var id = await CreateAsync(fixture.NewOrderWithWebhook("loop", amount: 2500));

        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        var order = await OrderWhenAsync(id, o => (string?)o["status"] == "succeeded", "order succeeded");
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("loop", d => d.Count >= 1));
        Assert.True(WebhookSignature.Verify(delivery.Signature, delivery.Body, fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
        var evt = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(delivery.EventId, (string?)evt["id"]);
        Assert.Equal("order.succeeded", (string?)evt["type"]);
        Assert.InRange((long)evt["created"]!, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal(id, (string?)evt["order"]!["order_id"]);
        Assert.Equal("succeeded", (string?)evt["order"]!["status"]);
        Assert.Equal(2500, (long)evt["order"]!["amount"]!);
        Assert.NotNull(order["paid_at"]);
        Assert.Equal("delivered", (string?)(await OrderWhenAsync(id, o => (string?)o["notifications"]![0]!["status"] == "delivered", "delivered"))["notifications"]![0]!["status"]);
        Assert.False(WebhookSignature.Verify(delivery.Signature, delivery.Body.Replace("2500", "2501"), fixture.WebhookSecret, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task DuplicateAndConcurrentCallbacks_MoveOrderOnceAndNotifyOnce()
    {
        var id = await CreateAsync(fixture.NewOrderWithWebhook("dup"));
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { RepeatCallbacks = 3 });
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await OrderWhenAsync(id, o => (string?)o["status"] == "succeeded", "succeeded");

        var resends = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.Simulator.SendCallbackAsync(id, PaymentFixture.MockMerchantId)));

        Assert.All(resends, r => Assert.True(r.Acknowledged));
        await fixture.Webhooks.WaitForAsync("dup", d => d.Count >= 1);
        await Task.Delay(500);
        var order = await OrderAsync(id);
        Assert.Single(order["notifications"]!.AsArray());
        Assert.Single(fixture.Webhooks.For("dup").Select(d => d.EventId).Distinct());
        Assert.Equal(1, fixture.Simulator.ChargeCount(id, PaymentFixture.MockMerchantId));
    }

    [Fact]
    public async Task TamperedAmountWithValidSignature_IsRejectedRecordedAndChangesNothing()
    {
        var id = await CreateAsync(PaymentFixture.NewOrder(amount: 1000));
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { TamperCallbackAmount = true, Operations = [SimulatorOperation.Callback] });

        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        await Eventually.HoldsAsync(() => ReviewItemsAsync(id, "AMOUNT_MISMATCH"), n => n > 0, "review item recorded");
        Assert.Equal("pending", (string?)(await OrderAsync(id))["status"]);
        Assert.Empty((await OrderAsync(id))["notifications"]!.AsArray());
        Assert.Contains(fixture.Simulator.RecordsFor(id), r => r.Kind == "callback_sent" && r.Result == "NO_ACK");
    }

    [Fact]
    public async Task TamperedCurrencyWithValidSignature_IsRejectedAndChangesNothing()
    {
        var id = await CreateAsync(PaymentFixture.NewOrder(amount: 1000));

        var response = await fixture.PostMockCallbackAsync(fixture.Api.CreateClient(), GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "SUCCEEDED", 1000, "USD");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await ReviewItemsAsync(id, "CURRENCY_MISMATCH"));
        Assert.Equal("pending", (string?)(await OrderAsync(id))["status"]);
    }

    [Fact]
    public async Task CallbackWithBadSignature_IsRejectedAndChangesNothing()
    {
        var id = await CreateAsync(PaymentFixture.NewOrder());
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Callback] });

        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        await Eventually.HoldsAsync(() => fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_review_item WHERE code = 'INVALID_SIGNATURE' AND body LIKE @o", ("@o", $"%{id}%")), n => n > 0, "review item");
        Assert.Equal("pending", (string?)(await OrderAsync(id))["status"]);
    }

    [Fact]
    public async Task ValidCallbackSentToAnotherAccount_IsRejectedAsAccountMismatch()
    {
        Assert.True((await fixture.SaveMockAccountAsync("mock-acc-2")).IsSuccessStatusCode);
        var id = await CreateAsync(PaymentFixture.NewOrder(amount: 1234));

        var response = await fixture.PostMockCallbackAsync(fixture.Api.CreateClient(), GatewayFixture.DatacenterCode, "mock-acc-2", id, "SUCCEEDED", 1234);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await ReviewItemsAsync(id, "ACCOUNT_MISMATCH"));
        Assert.Equal("pending", (string?)(await OrderAsync(id))["status"]);
    }

    [Fact]
    public async Task CallbacksForUnknownAccountsAndChannels_LeaveNoActivations_AndConfiguredAccountStillWorks()
    {
        // Callbacks are unauthenticated until their account's keys are found: made-up accounts or channel names must
        // not keep grains in memory until idle collection, nor be forwarded between letting-go activations.
        var prefix = $"ghost{Guid.NewGuid():N}"[..16];
        var client = fixture.Api.CreateClient();
        var orderId = await CreateAsync(PaymentFixture.NewOrder(amount: 1234));
        var unknownAccounts = Enumerable.Range(0, 100).Select(i => fixture.PostMockCallbackAsync(client, GatewayFixture.DatacenterCode, $"{prefix}-{i}", orderId, "SUCCEEDED", 1234));
        var burstForOneAccount = Enumerable.Range(0, 20).Select(_ => fixture.PostMockCallbackAsync(client, GatewayFixture.DatacenterCode, $"{prefix}-burst", orderId, "SUCCEEDED", 1234));
        var unknownChannels = Enumerable.Range(0, 5).Select(i => client.PostAsync($"/v1/callbacks/{GatewayFixture.DatacenterCode}/{prefix}x{i}/{PaymentFixture.MockAccountId}", new StringContent("{}")));

        var responses = await Task.WhenAll([.. unknownAccounts, .. burstForOneAccount, .. unknownChannels]);

        Assert.All(responses[..120], r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.All(responses[120..], r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        await Eventually.HoldsAsync(
            async () => (await management.GetDetailedGrainStatistics()).Count(s => s.GrainId.Key.ToString()!.Contains(prefix, StringComparison.Ordinal)),
            count => count == 0, "the unknown accounts' and channels' grains are deactivated", TimeSpan.FromSeconds(10));
        Assert.Equal("pending", (string?)(await OrderAsync(orderId))["status"]);

        var accepted = await fixture.PostMockCallbackAsync(client, GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, orderId, "SUCCEEDED", 1234);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("succeeded", (string?)(await OrderAsync(orderId))["status"]);
    }

    [Fact]
    public async Task LateClosedCallbackAfterSuccess_NeverUndoesSucceeded()
    {
        var id = await CreateAsync(PaymentFixture.NewOrder(amount: 800));
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await OrderWhenAsync(id, o => (string?)o["status"] == "succeeded", "succeeded");

        var response = await fixture.PostMockCallbackAsync(fixture.Api.CreateClient(), GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "CLOSED", 800);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // acknowledged: the channel must stop resending
        Assert.Equal("succeeded", (string?)(await OrderAsync(id))["status"]);
    }

    [Fact]
    public async Task RepeatedClosedCallbackForClosedOrder_ChangesNothing()
    {
        var id = await CreateAsync(PaymentFixture.NewOrder(amount: 810));
        var closed = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/close", new { }));
        Assert.Equal("closed", (string?)closed["status"]);
        var order = fixture.Grains.GetGrain<IOrderGrain>(id);
        var before = await order.GetAsync();

        await Task.Delay(20); // a rewrite would now carry a later closing time
        var notice = new CallbackNotice("mock", PaymentFixture.MockAccountId, id, ReportedPaymentState.Closed, null, 810, "CNY", null);
        Assert.True((await order.HandleCallbackAsync(notice)).Accepted);
        Assert.True((await order.HandleCallbackAsync(notice with { State = ReportedPaymentState.Failed })).Accepted);

        var after = (await order.GetAsync())!;
        Assert.Equal(OrderStatus.Closed, after.Status);
        // (UpdatedAt may move meanwhile: delivering the order.closed webhook records its outcome on the order.)
        Assert.Equal(before!.ClosedAt, after.ClosedAt);
        Assert.Null(after.Failure);
        Assert.Single(after.Notifications); // the one order.closed event
    }

    [Fact]
    public async Task PaidCallbackForClosedOrder_AsksChannelAndFlagsForReviewWithoutReopening()
    {
        var id = await CreateAsync(PaymentFixture.NewOrder(amount: 900));
        await _merchant.PostJsonAsync($"/v1/orders/{id}/close", new { });

        var response = await fixture.PostMockCallbackAsync(fixture.Api.CreateClient(), GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "SUCCEEDED", 900);

        // The channel's query says the trade is closed, so the "paid" callback is contradicted and refused.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, await ReviewItemsAsync(id, "CONTRADICTED_BY_CHANNEL"));
        Assert.Equal("closed", (string?)(await OrderAsync(id))["status"]);
        Assert.Contains(fixture.Simulator.RecordsFor(id), r => r.Kind == "query");
    }

    [Fact]
    public async Task PaidCallbackForClosedOrderWhoseReviewItemCannotBeFiled_IsNotAcknowledgedThenFiledOnceOnRedelivery()
    {
        await StorageFaults.InstallAsync(fixture.Database);
        var id = await CreateAsync(PaymentFixture.NewOrder(amount: 920));
        using var channel = fixture.Api.CreateClient();
        // The channel's word closes the order here while its trade stays payable there; then the payer pays it.
        Assert.Equal(HttpStatusCode.OK, (await fixture.PostMockCallbackAsync(channel, GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "CLOSED", 920)).StatusCode);
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { SuppressCallbacks = true });
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await StorageFaults.FailReviewItemsAsync(fixture.Database, id);
        HttpResponseMessage refused;
        CallbackOutcome outcome;
        try
        {
            refused = await fixture.PostMockCallbackAsync(channel, GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "SUCCEEDED", 920);
            outcome = await fixture.Grains.GetGrain<IOrderGrain>(id).HandleCallbackAsync(
                new CallbackNotice("mock", PaymentFixture.MockAccountId, id, ReportedPaymentState.Succeeded, null, 920, "CNY", null));
        }
        finally
        {
            await StorageFaults.HealReviewItemsAsync(fixture.Database, id);
        }

        // Not acknowledged: the item is the only prompt record that money moved, so the channel must send it again.
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.False(outcome.Accepted);
        Assert.Equal("REVIEW_ITEM_NOT_FILED", outcome.RejectionCode);
        Assert.Equal(0, await ReviewItemsAsync(id, "PAID_AFTER_FINAL"));

        var redelivered = await fixture.PostMockCallbackAsync(channel, GatewayFixture.DatacenterCode, PaymentFixture.MockAccountId, id, "SUCCEEDED", 920);

        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Equal(1, await ReviewItemsAsync(id, "PAID_AFTER_FINAL"));
        Assert.Equal("closed", (string?)(await OrderAsync(id))["status"]); // final is final: an operator refunds
    }

    [Fact]
    public async Task MerchantEndpointDown_RetriesOnScheduleWithSameEventThenFailsAndCanBeResent()
    {
        fixture.Webhooks.AnswerWith("down", 500);
        var id = await CreateAsync(fixture.NewOrderWithWebhook("down"));
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        // Test schedule: first attempt, then 300 ms, 300 ms, 600 ms → 4 attempts, then failed.
        var order = await OrderWhenAsync(id, o => o["notifications"] is JsonArray { Count: > 0 } n && (string?)n[0]!["status"] == "failed", "notification failed");
        var attempts = fixture.Webhooks.For("down");
        Assert.Equal(4, attempts.Count);
        Assert.Equal(4, (int)order["notifications"]![0]!["attempts"]!);
        Assert.Single(attempts.Select(a => a.EventId).Distinct());
        Assert.Single(attempts.Select(a => a.Body).Distinct());
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(250) && gaps[1] >= TimeSpan.FromMilliseconds(250) && gaps[2] >= TimeSpan.FromMilliseconds(500),
            $"attempt gaps {string.Join(", ", gaps)} should follow 300, 300, 600 ms");

        fixture.Webhooks.AnswerWith("down", 200);
        using var admin = fixture.OperatorClient();
        var eventId = attempts[0].EventId;
        var resend = await admin.PostAsync($"/admin/v1/orders/{id}/notifications/{eventId}/resend", null);

        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        var delivered = await fixture.Webhooks.WaitForAsync("down", d => d.Any(x => x.AnsweredWith == 200));
        Assert.Equal(eventId, delivered.Last().EventId);
        Assert.Equal(attempts[0].Body, delivered.Last().Body);
        await OrderWhenAsync(id, o => (string?)o["notifications"]![0]!["status"] == "delivered", "delivered after resend");
    }

    [Fact]
    public async Task MerchantEndpointRedirects_AttemptsFailAndNothingIsFollowed()
    {
        // Followed, a 302 would turn the POST into a GET whose 200 counted as a delivery the merchant never saw.
        fixture.Webhooks.AnswerWith("redirected", 302);
        var id = await CreateAsync(fixture.NewOrderWithWebhook("redirected"));
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        var order = await OrderWhenAsync(id, o => o["notifications"] is JsonArray { Count: > 0 } n && (string?)n[0]!["status"] == "failed", "notification failed");

        Assert.Equal(4, fixture.Webhooks.For("redirected").Count);
        Assert.Equal("HTTP 302", (string?)order["notifications"]![0]!["last_error"]);
        Assert.Empty(fixture.Webhooks.For("moved/redirected"));
    }

    [Fact]
    public async Task MerchantEndpointRecovers_DeliveryHappensOnNextAttempt()
    {
        fixture.Webhooks.AnswerWith("flaky", 503);
        var id = await CreateAsync(fixture.NewOrderWithWebhook("flaky"));
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await fixture.Webhooks.WaitForAsync("flaky", d => d.Count >= 1);

        fixture.Webhooks.AnswerWith("flaky", 200);

        var deliveries = await fixture.Webhooks.WaitForAsync("flaky", d => d.Any(x => x.AnsweredWith == 200));
        Assert.Single(deliveries.Select(d => d.EventId).Distinct());
        await OrderWhenAsync(id, o => (string?)o["notifications"]![0]!["status"] == "delivered", "delivered");
    }

    [Fact]
    public async Task ChannelTimesOutAfterCharging_SupervisionResolvesToSucceededWithoutSecondCharge()
    {
        var body = fixture.NewOrderWithWebhook("lost", method: "SERVER", authCode: "28763443825664394");
        // The charge happens and its callback is suppressed: only supervision can find out.
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { TimeoutAfterCharge = true, SuppressCallbacks = true, Operations = [SimulatorOperation.Create, SimulatorOperation.Callback] });
        string id;
        try
        {
            var created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", body));
            Assert.Equal("unknown", (string?)created["status"]);
            id = (string)created["order_id"]!;
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }

        await OrderWhenAsync(id, o => (string?)o["status"] == "succeeded", "supervision resolves the unknown outcome");
        await fixture.Webhooks.WaitForAsync("lost", d => d.Count >= 1);
        Assert.Equal(1, fixture.Simulator.ChargeCount(id, PaymentFixture.MockMerchantId));
        Assert.Equal(1, fixture.Simulator.RecordsFor(id).Count(r => r.Kind == "create"));
    }

    [Fact]
    public async Task CreateThatNeverReachedChannel_IsResentBySupervisionSoThePayerCanPay()
    {
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_ERROR", "down", 500), Operations = [SimulatorOperation.Create], Times = 1 });
        JsonObject created;
        try
        {
            created = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(amount: 1500)));
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        Assert.Equal("unknown", (string?)created["status"]);
        var id = (string)created["order_id"]!;

        var order = await OrderWhenAsync(id, o => (string?)o["status"] == "pending" && o["pay_data"] is not null, "create re-sent by supervision");

        Assert.Equal("qr_code", (string?)order["pay_data"]!["kind"]);
        Assert.Equal(2, fixture.Simulator.RecordsFor(id).Count(r => r.Kind == "create"));
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
        await OrderWhenAsync(id, o => (string?)o["status"] == "succeeded", "paid after the re-sent create");
    }

    [Fact]
    public async Task MerchantSync_FollowsChannelWhenNoCallbackArrives()
    {
        var id = await CreateAsync(PaymentFixture.NewOrder(amount: 4200));
        fixture.Simulator.SetBehaviour(id, new SimulatorBehaviour { SuppressCallbacks = true });
        fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);

        var synced = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/orders/{id}/sync", new { }));

        Assert.Equal("succeeded", (string?)synced["status"]);
    }

    [Fact]
    public async Task ExpiredUnpaidOrder_IsClosedAtChannelExactlyOnce()
    {
        // The API refuses expiries under a minute, so this order is created through the grains with a 1 s expiry.
        var command = new CreateOrderCommand(PaymentFixture.HmacAppId, $"exp-{Guid.NewGuid():N}", 300, "CNY", "Expiring", null, PayMethod.QR_CODE, null,
            new Uri(fixture.Webhooks.Url, "expiry").ToString(), null, 1, null, null, null, null, System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty);
        var created = await fixture.Grains.GetGrain<IMerchantOrderKeyGrain>(MerchantOrderKey.For(command.AppId, command.OutTradeNo)).CreateOrderAsync(command);
        var id = created.Order!.OrderId;
        await Task.Delay(1200);

        // Duplicate ticks on top of the sweep's own: each must be harmless.
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.Grains.GetGrain<IOrderGrain>(id).WakeAsync()));
        var order = await OrderWhenAsync(id, o => (string?)o["status"] == "closed", "expired order closed");

        Assert.Equal(1, fixture.Simulator.RecordsFor(id).Count(r => r.Kind == "close"));
        var delivery = (await fixture.Webhooks.WaitForAsync("expiry", d => d.Count >= 1)).Single();
        Assert.Equal("order.closed", (string?)JsonNode.Parse(delivery.Body)!["type"]);
        Assert.NotNull(order["closed_at"]);
    }
}
