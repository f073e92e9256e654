using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.Tests.Infrastructure;
using PayGateway.Tests.Payments;
using PayGateway.Tests.Reliability;

namespace PayGateway.Tests.Recurring;

/// <summary>
/// Recurring-payment contracts end to end over HTTP on the mock channel: signing, renewal by deduction orders,
/// termination, idempotency and bad input. The fixture starts a period's deduction at 00:00 Beijing time, so a
/// contract whose first deduction date is today is due as soon as it is signed.
/// </summary>
public sealed class ContractTests(PaymentFixture fixture) : IClassFixture<PaymentFixture>
{
    private readonly MerchantClient _merchant = fixture.HmacMerchant();

    private static DateOnly BeijingToday => BeijingDay.Today;

    private object NewContract(string tag, DateOnly? first = null, long amount = 2500, int? maxDeductions = null, string? outContractNo = null) => new
    {
        out_contract_no = outContractNo ?? $"{tag}-{Guid.NewGuid():N}",
        channel = "mock",
        method = "WEB",
        amount,
        currency = "CNY",
        // Days, not months: a monthly contract's first date must be a day 1-28, which "today" is not always.
        period_unit = "DAY",
        period_every = 30,
        first_deduction_date = (first ?? BeijingToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        max_deductions = maxDeductions,
        display_account = "member 1024",
        subject = "Monthly membership",
        notify_url = new Uri(fixture.Webhooks.Url, tag).ToString(),
    };

    private async Task<JsonObject> CreateAsync(object body)
    {
        var response = await _merchant.PostJsonAsync("/v1/contracts", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await MerchantClient.JsonAsync(response);
    }

    private async Task<JsonObject> GetAsync(string contractId) => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/contracts/{contractId}"));

    private Task<JsonObject> WaitForAsync(string contractId, Func<JsonObject, bool> condition, string what) =>
        Eventually.HoldsAsync(() => GetAsync(contractId), condition, what, TimeSpan.FromSeconds(30));

    private int Charges(string orderId) => fixture.Simulator.Records.Count(r => r.Kind == RecordKind.Charge && r.OutTradeNo == orderId);

    [Fact]
    public async Task SignedContract_BecomesActiveChargesThisPeriodOnceAndSchedulesTheNext()
    {
        await BeijingDay.AwayFromMidnightAsync();
        var created = await CreateAsync(NewContract("ct-ok", amount: 2500));
        var contractId = (string)created["contract_id"]!;
        Assert.StartsWith("C", contractId);
        Assert.Equal("signing", (string?)created["status"]);
        Assert.Equal("redirect_url", (string?)created["sign_data"]!["kind"]);

        fixture.Simulator.Contracts.Sign(contractId);

        var charged = await WaitForAsync(contractId, c => (int)c["deductions_succeeded"]! == 1, "the first period was charged");
        Assert.Equal("active", (string?)charged["status"]);
        Assert.NotNull(charged["channel_contract_no"]);
        Assert.Equal(BeijingToday.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string?)charged["next_deduction_date"]);
        var deduction = Assert.Single(charged["deductions"]!.AsArray())!;
        Assert.Equal("succeeded", (string?)deduction["status"]);
        Assert.Equal($"{contractId}-1-1", (string?)deduction["out_trade_no"]);
        var orderId = (string)deduction["order_id"]!;
        var order = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/orders/{orderId}"));
        Assert.Equal("succeeded", (string?)order["status"]);
        Assert.Equal("AGREEMENT", (string?)order["method"]);
        Assert.Equal(2500, (long)order["amount"]!);
        Assert.Equal(contractId, (string?)order["metadata"]!["contract_id"]);
        Assert.Equal(1, Charges(orderId));

        var deliveries = await fixture.Webhooks.WaitForAsync("ct-ok", d => d.Count >= 2);
        var types = deliveries.Select(d => (string?)JsonNode.Parse(d.Body)!["type"]).ToList();
        Assert.Contains("contract.active", types);
        Assert.Contains("order.succeeded", types);
        Assert.Equal("active", await fixture.Database.ScalarAsync<string>("SELECT status FROM paygw_contract WHERE contract_id = @c", ("@c", contractId)));
        Assert.Equal(1, await fixture.Database.ScalarAsync<int>("SELECT deductions_succeeded FROM paygw_contract WHERE contract_id = @c", ("@c", contractId)));

        // Further sweeps find nothing due until next month: still exactly one deduction and one charge.
        await Task.Delay(1500);
        var later = await GetAsync(contractId);
        Assert.Single(later["deductions"]!.AsArray());
        Assert.Equal(1, Charges(orderId));
        await ReliabilityCheck.AssertHoldsAsync(fixture);
    }

    [Fact]
    public async Task RefusedDeductions_AreRetriedInTheSamePeriodAndTheThirdAttemptCharges()
    {
        await BeijingDay.AwayFromMidnightAsync();
        var contractId = (string)(await CreateAsync(NewContract("ct-retry")))["contract_id"]!;
        // The contract's code is what a deduction's behaviour falls back to: the first two deductions are refused.
        fixture.Simulator.SetBehaviour(contractId, new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("BALANCE_NOT_ENOUGH", "The payer's balance is too low."),
            Operations = [SimulatorOperation.Deduct],
            Times = 2,
        });

        fixture.Simulator.Contracts.Sign(contractId);

        var charged = await WaitForAsync(contractId, c => (int)c["deductions_succeeded"]! == 1, "the third attempt charged");
        var attempts = charged["deductions"]!.AsArray().Select(d => ((int)d!["period"]!, (int)d["attempt"]!, (string?)d["status"])).ToList();
        Assert.Equal([(1, 1, "failed"), (1, 2, "failed"), (1, 3, "succeeded")], attempts);
        var orders = charged["deductions"]!.AsArray().Select(d => (string)d!["order_id"]!).ToList();
        Assert.Equal(3, orders.Distinct().Count());
        Assert.Equal([0, 0, 1], orders.Select(Charges).ToList());
        var failedOrder = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/orders/{orders[0]}"));
        Assert.Equal("failed", (string?)failedOrder["status"]);
        Assert.Equal("BALANCE_NOT_ENOUGH", (string?)failedOrder["failure"]!["code"]);
        await ReliabilityCheck.AssertHoldsAsync(fixture); // contracts: one open deduction, one charge per period, deductions agree with orders
    }

    [Fact]
    public async Task DeductionTheChannelIsStillProcessing_IsFollowedUntilItsCallbackSettlesIt()
    {
        await BeijingDay.AwayFromMidnightAsync();
        var contractId = (string)(await CreateAsync(NewContract("ct-async")))["contract_id"]!;
        fixture.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { AsyncDeduction = true, AsyncDeductionDelayMs = 1500, Operations = [SimulatorOperation.Deduct] });

        fixture.Simulator.Contracts.Sign(contractId);

        var pending = await WaitForAsync(contractId, c => c["deductions"]!.AsArray().Count == 1, "the deduction started");
        Assert.Equal("pending", (string?)pending["deductions"]![0]!["status"]);
        var charged = await WaitForAsync(contractId, c => (int)c["deductions_succeeded"]! == 1, "the deduction settled");
        var deduction = Assert.Single(charged["deductions"]!.AsArray())!;
        Assert.Equal("succeeded", (string?)deduction["status"]);
        Assert.Equal(1, Charges((string)deduction["order_id"]!));
    }

    [Fact]
    public async Task MerchantCloseOfADeductionWhoseAnswerWasLost_IsRefusedAndThePeriodIsChargedOnce()
    {
        await BeijingDay.AwayFromMidnightAsync();
        var contractId = (string)(await CreateAsync(NewContract("ct-close")))["contract_id"]!;
        // The channel takes the deduction only after the gateway stopped waiting (ChannelTimeout 3 s): the order is
        // unknown, and until the deduction lands the channel answers a query with "no such trade".
        fixture.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { DelayMs = 10_000, Operations = [SimulatorOperation.Deduct] });

        fixture.Simulator.Contracts.Sign(contractId);

        var order = await Eventually.HoldsAsync(
            async () => await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/orders/by-out-trade-no/{contractId}-1-1")),
            o => (string?)o["status"] == "unknown", "the deduction's answer was lost", TimeSpan.FromSeconds(30));
        var orderId = (string)order["order_id"]!;

        var response = await _merchant.PostJsonAsync($"/v1/orders/{orderId}/close", new { });

        // Closed now, the deduction landing later would be a charge for an order counted as failed, and the contract
        // would charge the period again.
        await ProblemAssert.IsProblemAsync(response, 409, ErrorCodes.OrderNotClosable, "a deduction cannot be closed");
        Assert.Contains("deduction", (string?)(await MerchantClient.JsonAsync(response))["detail"], StringComparison.Ordinal);
        Assert.Equal("unknown", (string?)(await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/orders/{orderId}")))["status"]);

        var charged = await WaitForAsync(contractId, c => (int)c["deductions_succeeded"]! == 1, "the late deduction settled the order");
        var deduction = Assert.Single(charged["deductions"]!.AsArray())!;
        Assert.Equal(orderId, (string?)deduction["order_id"]);
        Assert.Equal(1, Charges(orderId));
        fixture.Simulator.SetBehaviour(contractId, null);
    }

    [Fact]
    public async Task ContractWithMaxDeductionsReached_StopsRenewing()
    {
        await BeijingDay.AwayFromMidnightAsync();
        var contractId = (string)(await CreateAsync(NewContract("ct-max", maxDeductions: 1)))["contract_id"]!;

        fixture.Simulator.Contracts.Sign(contractId);

        var done = await WaitForAsync(contractId, c => (int)c["deductions_succeeded"]! == 1, "the only deduction was made");
        Assert.Equal("active", (string?)done["status"]);
        Assert.Null(done["next_deduction_date"]);
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT next_check_at IS NULL FROM paygw_contract WHERE contract_id = @c", ("@c", contractId)));
    }

    [Fact]
    public async Task ContractDueLater_IsActiveWithoutDeductionUntilItsDate()
    {
        var contractId = (string)(await CreateAsync(NewContract("ct-later", first: BeijingToday.AddDays(3))))["contract_id"]!;

        fixture.Simulator.Contracts.Sign(contractId);

        var active = await WaitForAsync(contractId, c => (string?)c["status"] == "active", "the signature arrived");
        await Task.Delay(1000);
        Assert.Empty((await GetAsync(contractId))["deductions"]!.AsArray());
        Assert.Equal(BeijingToday.AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), (string?)active["next_deduction_date"]);
    }

    [Fact]
    public async Task MerchantTermination_EndsTheContractAtTheChannelAndIsIdempotent()
    {
        var contractId = (string)(await CreateAsync(NewContract("ct-term", first: BeijingToday.AddDays(3))))["contract_id"]!;
        fixture.Simulator.Contracts.Sign(contractId);
        await WaitForAsync(contractId, c => (string?)c["status"] == "active", "the signature arrived");

        var ended = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/contracts/{contractId}/terminate", new { reason = "customer cancelled" }));
        var again = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/contracts/{contractId}/terminate", new { }));

        Assert.Equal("terminated", (string?)ended["status"]);
        Assert.NotNull(ended["terminated_at"]);
        Assert.Null(ended["next_deduction_date"]);
        Assert.Equal("terminated", (string?)again["status"]);
        Assert.Equal("TERMINATED", fixture.Simulator.Contracts.Find(contractId)!.Status);
        var deliveries = await fixture.Webhooks.WaitForAsync("ct-term", d => d.Any(x => x.Body.Contains("contract.terminated", StringComparison.Ordinal)));
        Assert.Single(deliveries, d => (string?)JsonNode.Parse(d.Body)!["type"] == "contract.terminated");
    }

    [Fact]
    public async Task PayerTerminationAtTheChannel_TerminatesTheContract()
    {
        var contractId = (string)(await CreateAsync(NewContract("ct-payer", first: BeijingToday.AddDays(3))))["contract_id"]!;
        fixture.Simulator.Contracts.Sign(contractId);
        await WaitForAsync(contractId, c => (string?)c["status"] == "active", "the signature arrived");

        fixture.Simulator.Contracts.TerminateAsPayer(contractId);

        var ended = await WaitForAsync(contractId, c => (string?)c["status"] == "terminated", "the termination notification arrived");
        Assert.Empty(ended["deductions"]!.AsArray());

        // The channel repeats its notice later: acknowledged, and the contract still shows when it really ended.
        var contract = fixture.Grains.GetGrain<ISignGrain>(contractId);
        var terminatedAt = (await contract.GetAsync())!.TerminatedAt;
        Assert.NotNull(terminatedAt);
        var repeat = await contract.HandleCallbackAsync(
            new ContractCallbackNotice("mock", PaymentFixture.MockAccountId, contractId, ReportedContractState.Terminated, null, DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.True(repeat.Accepted);
        Assert.Equal(terminatedAt, (await contract.GetAsync())!.TerminatedAt);
    }

    [Fact]
    public async Task TerminationBeforeSigning_ClosesTheContractAndALateSignatureIsUndoneAtTheChannel()
    {
        var contractId = (string)(await CreateAsync(NewContract("ct-unsigned", first: BeijingToday.AddDays(3))))["contract_id"]!;

        var closed = await MerchantClient.JsonAsync(await _merchant.PostJsonAsync($"/v1/contracts/{contractId}/terminate", new { }));
        Assert.Equal("closed", (string?)closed["status"]);
        Assert.Equal("TERMINATED_BEFORE_SIGNING", (string?)closed["failure"]!["code"]);
        Assert.Equal("TERMINATED", fixture.Simulator.Contracts.Find(contractId)!.Status);
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync($"/v1/contracts/{contractId}/terminate", new { }), 409, ErrorCodes.ContractNotTerminable, "closed unsigned");

        // A verified "signed" notice that arrives after the close (the channel signed it before hearing of the end):
        // accepted, the contract stays closed, the case is recorded for review, and the gateway ends it at the channel.
        var terminationsBefore = fixture.Simulator.Records.Count(r => r.Kind == RecordKind.ContractTerminate && r.OutTradeNo == contractId);
        var outcome = await fixture.Grains.GetGrain<ISignGrain>(contractId).HandleCallbackAsync(
            new ContractCallbackNotice("mock", PaymentFixture.MockAccountId, contractId, ReportedContractState.Signed, "late-1", DateTimeOffset.UtcNow));

        Assert.True(outcome.Accepted);
        Assert.Equal("closed", (string?)(await GetAsync(contractId))["status"]);
        Assert.Equal(terminationsBefore + 1, fixture.Simulator.Records.Count(r => r.Kind == RecordKind.ContractTerminate && r.OutTradeNo == contractId));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_review_item WHERE order_id = @c AND code = 'SIGNED_AFTER_CLOSE'", ("@c", contractId)));
    }

    [Fact]
    public async Task ContractNotSignedWithinItsSignWindow_IsClosedAndTheMerchantIsNotified()
    {
        // The API allows sign windows of five minutes and more; the key grain trusts the validated shape, so the test
        // asks it directly for a two-second window.
        var number = "ct-expire-" + Guid.NewGuid().ToString("N");
        var command = new CreateContractCommand(PaymentFixture.HmacAppId, number, "mock", PayMethod.WEB, 1500, "CNY", ContractPeriodUnits.Day, 30,
            BeijingToday.AddDays(3), null, "member 1024", "Monthly membership", new Uri(fixture.Webhooks.Url, "ct-expire").ToString(), null, null,
            SignExpireSeconds: 2, System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty);

        var created = await fixture.Grains.GetGrain<IMerchantContractKeyGrain>(MerchantContractKey.For(PaymentFixture.HmacAppId, number)).CreateContractAsync(command);

        var contractId = created.Contract!.ContractId;
        Assert.Equal(ContractStatus.Signing, created.Contract.Status);
        var closed = await WaitForAsync(contractId, c => (string?)c["status"] == "closed", "the sign window passed");
        Assert.Equal("SIGN_EXPIRED", (string?)closed["failure"]!["code"]);
        Assert.Null(closed["next_deduction_date"]);
        var delivery = Assert.Single(await fixture.Webhooks.WaitForAsync("ct-expire", d => d.Count >= 1));
        Assert.Equal("contract.closed", (string?)JsonNode.Parse(delivery.Body)!["type"]);
        await ReliabilityCheck.AssertHoldsAsync(fixture);
    }

    [Fact]
    public async Task SignatureAfterCloseWhoseTerminationHadNoAnswer_IsTerminatedAtTheChannelLater()
    {
        var number = "ct-undo-" + Guid.NewGuid().ToString("N");
        var command = new CreateContractCommand(PaymentFixture.HmacAppId, number, "mock", PayMethod.WEB, 1500, "CNY", ContractPeriodUnits.Day, 30,
            BeijingToday.AddDays(3), null, "member 1024", "Monthly membership", new Uri(fixture.Webhooks.Url, "ct-undo").ToString(), null, null,
            SignExpireSeconds: 3, System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty);
        var contractId = (await fixture.Grains.GetGrain<IMerchantContractKeyGrain>(MerchantContractKey.For(PaymentFixture.HmacAppId, number)).CreateContractAsync(command))
            .Contract!.ContractId;
        // The payer signs at the channel, but the gateway hears nothing of it (no notification; queries answer "no such
        // contract"), so it closes the contract at the sign deadline.
        fixture.Simulator.SetBehaviour(contractId, new SimulatorBehaviour
        {
            SuppressCallbacks = true,
            Fail = new SimulatorFailure("CONTRACT_NOT_FOUND", "No such contract_code.", 404),
            Operations = [SimulatorOperation.Callback, SimulatorOperation.ContractQuery],
        });
        Assert.Equal(ContractSignOutcome.Signed, fixture.Simulator.Contracts.Sign(contractId).Outcome);
        var closed = await WaitForAsync(contractId, c => (string?)c["status"] == "closed", "the sign window passed");
        Assert.Equal("SIGN_EXPIRED", (string?)closed["failure"]!["code"]);

        // The channel's notification arrives late, and the gateway's termination of the agreement gets no answer.
        fixture.Simulator.SetBehaviour(contractId, new SimulatorBehaviour
        {
            Fail = new SimulatorFailure("SYSTEM_ERROR", "Try again later.", 503),
            Operations = [SimulatorOperation.ContractTerminate],
        });
        int Terminations() => fixture.Simulator.Records.Count(r => r.Kind == RecordKind.ContractTerminate && r.OutTradeNo == contractId);
        await fixture.Simulator.Contracts.SendCallbackAsync(contractId);
        await Eventually.HoldsAsync(() => Task.FromResult(Terminations()), n => n >= 1, "the gateway tried to end the agreement");
        Assert.Equal(MockContractStatus.Signed, fixture.Simulator.Contracts.Find(contractId)!.Status);

        // The channel answers again: the gateway tries once more, on its own, until the agreement has ended.
        fixture.Simulator.SetBehaviour(contractId, null);
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Simulator.Contracts.Find(contractId)!.Status), s => s == MockContractStatus.Terminated,
            "the agreement was terminated at the channel", TimeSpan.FromSeconds(30));
        Assert.True(Terminations() >= 2);
        Assert.Equal("closed", (string?)(await GetAsync(contractId))["status"]);
        await Eventually.HoldsAsync(() => fixture.Database.ScalarAsync<long>("SELECT next_check_at IS NULL FROM paygw_contract WHERE contract_id = @c", ("@c", contractId)),
            done => done == 1, "nothing is left to do for the contract");
        await ReliabilityCheck.AssertHoldsAsync(fixture);
    }

    [Fact]
    public async Task DeductionWhoseOrderWasNeverStoredBeforeTermination_EndsWithoutChargingTheEndedContract()
    {
        await BeijingDay.AwayFromMidnightAsync();
        await StorageFaults.InstallAsync(fixture.Database);
        var contractId = (string)(await CreateAsync(NewContract("ct-ended")))["contract_id"]!;
        var outTradeNo = $"{contractId}-1-1";
        // The first attempt is recorded, but its order cannot be stored (a storage outage): it stays open without an order.
        await StorageFaults.FailWritesAsync(fixture.Database, outTradeNo, "insert");
        var contract = fixture.Grains.GetGrain<ISignGrain>(contractId);
        var key = fixture.Grains.GetGrain<IMerchantOrderKeyGrain>(MerchantOrderKey.For(PaymentFixture.HmacAppId, outTradeNo));
        try
        {
            fixture.Simulator.Contracts.Sign(contractId);
            await WaitForAsync(contractId, c => c["deductions"]!.AsArray().Count == 1, "the first attempt was recorded");
            await Eventually.HoldsAsync(key.GetOrderIdAsync, id => id is not null, "the attempt's order id was fixed");
            await Task.Delay(1000); // a few more tries to store the order, all refused

            var ended = await contract.TerminateAsync("customer cancelled");
            Assert.Equal(ContractStatus.Terminated, ended.Contract!.Status);
        }
        finally
        {
            await StorageFaults.HealWritesAsync(fixture.Database, outTradeNo);
        }

        var settled = await WaitForAsync(contractId, c => (string?)c["deductions"]![0]!["status"] != "pending", "the open attempt was settled");
        var deduction = Assert.Single(settled["deductions"]!.AsArray())!;
        Assert.Equal("failed", (string?)deduction["status"]);
        Assert.Null(deduction["order_id"]);
        Assert.Equal("CONTRACT_ENDED", await fixture.Database.ScalarAsync<string>(
            "SELECT JSON_VALUE(CONVERT(PayloadBinary USING utf8mb4), '$.deductions[0].failure.code') FROM paygw_projected_state WHERE GrainTypeString = 'contract' AND JSON_VALUE(CONVERT(PayloadBinary USING utf8mb4), '$.contract_id') = @c",
            ("@c", contractId)));
        Assert.Equal("terminated", (string?)settled["status"]);
        var orderId = await key.GetOrderIdAsync();
        Assert.DoesNotContain(fixture.Simulator.Records, r => r.Kind == RecordKind.Deduct && r.OutTradeNo == orderId);
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_order WHERE order_id = @o", ("@o", orderId!)));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT next_check_at IS NULL FROM paygw_contract WHERE contract_id = @c", ("@c", contractId)));
    }

    [Fact]
    public async Task RepeatedCreate_ReturnsTheSameContractAndADifferentBodyIsAConflict()
    {
        var number = "ct-rep-" + Guid.NewGuid().ToString("N");
        var body = NewContract("ct-rep", first: BeijingToday.AddDays(3), outContractNo: number);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _merchant.PostJsonAsync("/v1/contracts", body)));
        var ids = new List<string>();
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            ids.Add((string)(await MerchantClient.JsonAsync(r))["contract_id"]!);
        }
        var different = await _merchant.PostJsonAsync("/v1/contracts", NewContract("ct-rep", first: BeijingToday.AddDays(3), amount: 999, outContractNo: number));
        var byNumber = await MerchantClient.JsonAsync(await _merchant.GetAsync($"/v1/contracts/by-out-contract-no/{number}"));

        Assert.Single(ids.Distinct());
        Assert.Equal(ids[0], (string?)byNumber["contract_id"]);
        await ProblemAssert.IsProblemAsync(different, 409, ErrorCodes.OutContractNoConflict, "same number, other amount");
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_contract WHERE out_contract_no = @n", ("@n", number)));
    }

    [Fact]
    public async Task RetryAfterMidnightOfAnAcceptedRequest_GetsTheContractItCreated()
    {
        // The request was accepted yesterday (Beijing time) with yesterday as its first date: made through the key grain,
        // which trusts the validated shape, exactly as the API made it then.
        var number = "ct-late-" + Guid.NewGuid().ToString("N");
        var yesterday = BeijingToday.AddDays(-1);
        var body = NewContract("ct-late", first: yesterday, outContractNo: number);
        var command = new CreateContractCommand(PaymentFixture.HmacAppId, number, "mock", PayMethod.WEB, 2500, "CNY", ContractPeriodUnits.Day, 30,
            yesterday, null, "member 1024", "Monthly membership", new Uri(fixture.Webhooks.Url, "ct-late").ToString(), null, null,
            3600, System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty);
        var created = await fixture.Grains.GetGrain<IMerchantContractKeyGrain>(MerchantContractKey.For(PaymentFixture.HmacAppId, number)).CreateContractAsync(command);
        Assert.NotNull(created.Contract);

        var retried = await CreateAsync(body);
        var different = await _merchant.PostJsonAsync("/v1/contracts", NewContract("ct-late", first: yesterday, amount: 999, outContractNo: number));
        var unknown = await _merchant.PostJsonAsync("/v1/contracts", NewContract("ct-late", first: yesterday));

        Assert.Equal(created.Contract.ContractId, (string?)retried["contract_id"]);
        await ProblemAssert.IsProblemAsync(different, 400, ErrorCodes.ValidationFailed, "a different request is judged as new: its date has passed");
        await ProblemAssert.IsProblemAsync(unknown, 400, ErrorCodes.ValidationFailed, "no earlier request: the date has passed");
    }

    [Fact]
    public async Task InvalidContractRequests_AreProblemsThatCreateNothing()
    {
        var before = await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_contract");
        var valid = NewContract("ct-bad");

        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/contracts", new { out_contract_no = "x" }), 400, ErrorCodes.ValidationFailed, "almost nothing given");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/contracts", With(valid, "method", "SERVER")), 400, ErrorCodes.ValidationFailed, "no payer to sign by barcode");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/contracts", With(valid, "period_unit", "WEEK")), 400, ErrorCodes.ValidationFailed, "unknown period unit");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/contracts", With(valid, "first_deduction_date", BeijingToday.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))), 400, ErrorCodes.ValidationFailed, "first date in the past");
        var monthly = With(valid, "period_unit", "MONTH");
        monthly["period_every"] = 1;
        monthly["first_deduction_date"] = BeijingToday.AddMonths(2).AddDays(29 - BeijingToday.AddMonths(2).Day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/contracts", monthly), 400, ErrorCodes.ValidationFailed, "monthly on the 29th");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/contracts", With(valid, "amount", 12.5)), 400, ErrorCodes.ValidationFailed, "fractional minor units");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/contracts", With(valid, "channel", "alipay")), 422, ErrorCodes.ChannelNotAllowed, "app has no alipay route");
        await ProblemAssert.IsProblemAsync(await _merchant.GetAsync("/v1/contracts/C0000"), 404, ErrorCodes.ContractNotFound, "malformed id");
        await ProblemAssert.IsProblemAsync(await _merchant.PostJsonAsync("/v1/contracts/C0000/terminate", new { }), 404, ErrorCodes.ContractNotFound, "terminate a malformed id");

        Assert.Equal(before, await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_contract"));

        var mine = await CreateAsync(NewContract("ct-own", first: BeijingToday.AddDays(3)));
        await ProblemAssert.IsProblemAsync(await fixture.RsaMerchant().GetAsync($"/v1/contracts/{mine["contract_id"]}"), 404, ErrorCodes.ContractNotFound, "another app's contract");
        await ProblemAssert.IsProblemAsync(await fixture.RsaMerchant().PostJsonAsync($"/v1/contracts/{mine["contract_id"]}/terminate", new { }), 404, ErrorCodes.ContractNotFound, "terminate another app's contract");
        Assert.Equal("signing", (string?)(await GetAsync((string)mine["contract_id"]!))["status"]);
    }

    [Fact]
    public async Task MerchantOrderWithADeductionNumber_IsRefused()
    {
        var response = await _merchant.PostJsonAsync("/v1/orders", new
        {
            out_trade_no = "C20261127000000000AA01001-1-1",
            amount = 100,
            currency = "CNY",
            subject = "x",
            method = "QR_CODE",
            notify_url = "https://example.com/n",
        });
        var agreement = await _merchant.PostJsonAsync("/v1/orders", new
        {
            out_trade_no = "plain-" + Guid.NewGuid().ToString("N"),
            amount = 100,
            currency = "CNY",
            subject = "x",
            method = "AGREEMENT",
            notify_url = "https://example.com/n",
        });

        await ProblemAssert.IsProblemAsync(response, 400, ErrorCodes.ValidationFailed, "reserved out_trade_no");
        await ProblemAssert.IsProblemAsync(agreement, 400, ErrorCodes.ValidationFailed, "AGREEMENT is not a merchant's method");
    }

    private static JsonObject With(object body, string field, JsonNode? value)
    {
        var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!.AsObject();
        json[field] = value;
        return json;
    }
}
