using System.Diagnostics;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Reliability;
using PayGateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PayGateway.Tests.Reliability;

/// <summary>
/// Scenario 17 (10× overload) on limits small enough to make the overload exact: the API host admits
/// <see cref="OverloadFixture.HostLimit"/> merchant requests at once and <see cref="OverloadFixture.AppLimit"/> per app,
/// with no queue, and answers within <see cref="OverloadFixture.Deadline"/>. The simulator holds admitted creates at
/// the channel (<c>delay_ms</c>), so they keep their slots while the bursts arrive. Each test checks that the held
/// requests were still in progress when the refusals were answered, so the counts below are exact, not likely.
/// </summary>
public sealed class OverloadTests(OverloadFixture fixture, ITestOutputHelper output) : IClassFixture<OverloadFixture>
{
    /// <summary>How long the channel holds an admitted create: well inside the deadline, well above the time a burst takes.</summary>
    private const int HoldMs = 2500;

    /// <summary>Slack for a busy machine on top of the deadline, before a request counts as hanging.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    private readonly MerchantClient _appA = fixture.HmacMerchant();
    private readonly MerchantClient _appB = fixture.RsaMerchant();

    private sealed record Answer(string AppId, string OutTradeNo, long Amount, int Status, string Text, string? ContentType, TimeSpan? RetryAfter, bool Signed,
        TimeSpan Took, DateTimeOffset At)
    {
        public CallerObservation Observation => ReliabilityCheck.Observed(AppId, OutTradeNo, Status, Text);

        public string? Code => Observation.ErrorCode;

        public string? OrderId => Observation.OrderId;

        public override string ToString() => $"{AppId} {OutTradeNo}: {Status} in {Took.TotalMilliseconds:F0} ms {Text}";
    }

    private static string NewKey(string tag)
    {
        var key = $"{tag}-{Guid.NewGuid():N}";
        return key[..Math.Min(40, key.Length)];
    }

    /// <summary>A create; the same out_trade_no and amount always make the same body, so a repeat is the same request.</summary>
    private static async Task<Answer> SendAsync(MerchantClient merchant, string outTradeNo, long amount = 1700, string? notifyUrl = null)
    {
        var clock = Stopwatch.StartNew();
        using var response = await merchant.PostJsonAsync("/v1/orders", PaymentFixture.NewOrder(outTradeNo, amount, notifyUrl: notifyUrl));
        var text = await response.Content.ReadAsStringAsync();
        clock.Stop();
        return new Answer(merchant.AppId, outTradeNo, amount, (int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.Delta, response.Headers.Contains("Paygw-Signature"), clock.Elapsed, DateTimeOffset.UtcNow);
    }

    private static Task<Answer> CreateAsync(MerchantClient merchant, string tag) => SendAsync(merchant, NewKey(tag));

    /// <summary>Orders are stored pending before the channel is called: once stored, the request is inside, holding its slot at the channel.</summary>
    private Task WaitUntilStoredAsync(int count, string tag) => Eventually.HoldsAsync(
        () => fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_order WHERE out_trade_no LIKE @t", ("@t", tag + "-%")),
        n => n == count, $"{count} '{tag}' orders stored and waiting for the channel");

    private static void HoldTheChannel(PaymentFixture fixture) =>
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = HoldMs, Operations = [SimulatorOperation.Create] });

    private static void AssertRefused(Answer answer, int status, string code)
    {
        Assert.True(answer.Status == status && answer.Code == code, $"expected {status} {code}: {answer}");
        Assert.Equal("application/problem+json", answer.ContentType);
        Assert.True(answer.RetryAfter is { } after && after >= TimeSpan.FromSeconds(1), $"no Retry-After: {answer}");
    }

    /// <summary>A refusal by admission control: by the app's allowance (429) or by the host's pool (503).</summary>
    private static void AssertShed(Answer answer)
    {
        if (answer.Status == 429)
        {
            AssertRefused(answer, 429, ErrorCodes.RateLimited);
        }
        else
        {
            AssertRefused(answer, 503, ErrorCodes.Overloaded);
        }
    }

    private static TimeSpan Percentile(IEnumerable<Answer> answers, double percentile)
    {
        var sorted = answers.Select(a => a.Took).Order().ToList();
        return sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile * sorted.Count) - 1)];
    }

    private async Task<long> StoredOrdersAsync(IEnumerable<string> outTradeNos)
    {
        long stored = 0;
        foreach (var key in outTradeNos)
        {
            stored += await fixture.Database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_order WHERE out_trade_no = @o", ("@o", key));
        }
        return stored;
    }

    [Fact]
    public async Task Scenario17_TenTimesTheLimit_AdmittedSucceed_RestRefused429Or503WithRetryAfter_RefusedCreateNothing_I1Holds()
    {
        var createsBefore = fixture.Simulator.Records.Count(r => r.Kind == RecordKind.Create);
        Answer[] held, burstA, burstB;
        HoldTheChannel(fixture);
        try
        {
            // App A takes its whole allowance, two of the host's three slots; the channel holds both creates.
            var holding = new[] { CreateAsync(_appA, "ovl-held"), CreateAsync(_appA, "ovl-held") };
            await WaitUntilStoredAsync(2, "ovl-held");

            // 10× A's allowance at once: A's own limit refuses each (429) before it can touch the host's last slot.
            burstA = await Task.WhenAll(Enumerable.Range(0, 10 * OverloadFixture.AppLimit).Select(_ => CreateAsync(_appA, "ovl-a")));
            // 10× the host's limit from B at once: one takes the last slot; the host refuses the others (503), or B's
            // own limit does (429) while another of B's requests holds B's second slot on its way to being refused.
            burstB = await Task.WhenAll(Enumerable.Range(0, 10 * OverloadFixture.HostLimit).Select(_ => CreateAsync(_appB, "ovl-b")));
            held = await Task.WhenAll(holding);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }
        var all = held.Concat(burstA).Concat(burstB).ToList();
        var admitted = all.Where(a => a.Status == 200).ToList();
        var refused = all.Where(a => a.Status != 200).ToList();
        output.WriteLine($"A: 2 held, burst of {burstA.Length}: {burstA.Count(a => a.Status == 429)} × 429; B: burst of {burstB.Length}: " +
            $"{burstB.Count(a => a.Status == 200)} admitted, {burstB.Count(a => a.Status == 503)} × 503, {burstB.Count(a => a.Status == 429)} × 429; " +
            $"refusals answered in at most {refused.Max(a => a.Took).TotalMilliseconds:F0} ms");

        // Exact counts hold only if every refusal was answered while the held requests still held their slots.
        Assert.True(refused.Max(a => a.At) < held.Min(a => a.At), "the machine was too slow for this test: a burst outlasted the channel's hold");
        Assert.All(held, a => Assert.True(a.Status == 200, a.ToString()));
        Assert.All(burstA, a => AssertRefused(a, 429, ErrorCodes.RateLimited));
        Assert.Single(burstB, a => a.Status == 200);
        Assert.All(burstB.Where(a => a.Status != 200), AssertShed);
        Assert.Contains(burstB, a => a.Status == 503);
        Assert.Equal(OverloadFixture.HostLimit, admitted.Count);
        // Nothing hangs: admitted requests finish within the deadline, refusals at once (before any admitted one finished).
        Assert.All(all, a => Assert.True(a.Took < OverloadFixture.Deadline + Slack, $"took too long: {a}"));
        Assert.All(admitted, a => Assert.Equal("pending", a.Observation.Status));

        // Refused requests created nothing, in the gateway or at the channel.
        Assert.Equal(0, await StoredOrdersAsync(refused.Select(a => a.OutTradeNo)));
        Assert.Equal(admitted.Count, fixture.Simulator.Records.Count(r => r.Kind == RecordKind.Create) - createsBefore);
        var observations = all.Select(a => a.Observation).ToList();
        await ReliabilityCheck.AssertHoldsAsync(fixture, callers: observations);

        // Later, each refused request repeated as it was (same out_trade_no, same body) succeeds, once.
        foreach (var first in refused)
        {
            var retry = await SendAsync(first.AppId == _appA.AppId ? _appA : _appB, first.OutTradeNo, first.Amount);
            Assert.True(retry.Status == 200, retry.ToString());
            observations.Add(retry.Observation);
        }
        Assert.Equal(refused.Count, await StoredOrdersAsync(refused.Select(a => a.OutTradeNo)));
        await ReliabilityCheck.AssertHoldsAsync(fixture, callers: observations);
    }

    [Fact]
    public async Task Scenario17_SustainedTenTimesOverload_AdmittedWithinDeadline_RestShed_ShedCreateNothing_I1Holds()
    {
        // Ten times as many merchants as the host admits, creating orders back to back for a few seconds (no channel
        // delay: the gateway's own work is the bottleneck). A shed merchant comes back after 100 ms, not the 1 s of
        // Retry-After, to keep the pressure on; each attempt is a new out_trade_no so what was stored can be counted.
        var clients = 10 * OverloadFixture.HostLimit;
        var answers = new System.Collections.Concurrent.ConcurrentBag<Answer>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var merchant = i % 2 == 0 ? _appA : _appB;
            while (DateTime.UtcNow < until)
            {
                var answer = await CreateAsync(merchant, "ovl-sus");
                answers.Add(answer);
                if (answer.Status != 200)
                {
                    await Task.Delay(100);
                }
            }
        })));

        var admitted = answers.Where(a => a.Status == 200).ToList();
        var late = answers.Where(a => a.Code == ErrorCodes.DeadlineExceeded).ToList();
        var shed = answers.Where(a => a.Status != 200 && a.Code != ErrorCodes.DeadlineExceeded).ToList();
        output.WriteLine($"{answers.Count} requests from {clients} merchants: {admitted.Count} admitted (p50 {Percentile(admitted, 0.5).TotalMilliseconds:F0} ms, " +
            $"p99 {Percentile(admitted, 0.99).TotalMilliseconds:F0} ms), {shed.Count(a => a.Status == 429)} × 429, {shed.Count(a => a.Status == 503)} × 503 " +
            $"(p99 {Percentile(shed, 0.99).TotalMilliseconds:F0} ms), {late.Count} past the deadline");

        Assert.NotEmpty(admitted);
        Assert.NotEmpty(shed);
        Assert.All(shed, AssertShed);
        Assert.All(late, a => AssertRefused(a, 503, ErrorCodes.DeadlineExceeded));
        // Admitted traffic keeps the deadline; nothing waits for Orleans' 30 s call timeout.
        Assert.All(answers, a => Assert.True(a.Took < OverloadFixture.Deadline + Slack, $"took too long: {a}"));
        Assert.True(Percentile(admitted, 0.99) < OverloadFixture.Deadline);

        // Shed requests stored nothing; every admitted one stored exactly its order.
        Assert.Equal(0, await StoredOrdersAsync(shed.Select(a => a.OutTradeNo)));
        Assert.Equal(admitted.Count, await StoredOrdersAsync(admitted.Select(a => a.OutTradeNo)));
        await ReliabilityCheck.AssertHoldsAsync(fixture, callers: [.. answers.Select(a => a.Observation)]);
    }

    [Fact]
    public async Task Scenario17_RequestHeldPastTheDeadline_Is503DeadlineExceededWithRetryAfter_AndItsRetryReturnsTheSameOrder()
    {
        var channelHold = OverloadFixture.Deadline + TimeSpan.FromSeconds(3);
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = (int)channelHold.TotalMilliseconds, Operations = [SimulatorOperation.Create], Times = 1 });
        var key = NewKey("ovl-deadline");
        Answer first;
        try
        {
            first = await SendAsync(_appA, key, amount: 4321);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }

        // Answered at the deadline: not when the channel answers, nor when Orleans would time the call out (30 s).
        AssertRefused(first, 503, ErrorCodes.DeadlineExceeded);
        Assert.True(first.Took >= OverloadFixture.Deadline - TimeSpan.FromMilliseconds(100) && first.Took < OverloadFixture.Deadline + Slack, first.ToString());
        Assert.True(first.Signed, "an authenticated merchant's DEADLINE_EXCEEDED is signed like any other answer");

        // The work it started goes on: the order was stored before the channel call, which still reaches the channel.
        var id = await fixture.Database.ScalarAsync<string>("SELECT order_id FROM paygw_order WHERE out_trade_no = @o", ("@o", first.OutTradeNo));
        await fixture.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.Create && r.OutTradeNo == id, channelHold + TimeSpan.FromSeconds(5));

        // Repeating the same request returns that order (while the first is still at the channel, a repeat waits
        // behind it and may itself be answered DEADLINE_EXCEEDED; each is safe).
        var observations = new List<CallerObservation> { first.Observation };
        var retried = await Eventually.HoldsAsync(async () =>
        {
            var answer = await SendAsync(_appA, key, amount: 4321);
            observations.Add(answer.Observation);
            Assert.True(answer.Status == 200 || answer.Code == ErrorCodes.DeadlineExceeded, answer.ToString());
            return answer;
        }, a => a.Status == 200, "the repeated create succeeds", TimeSpan.FromSeconds(30));

        output.WriteLine($"first answer {first.Status} {first.Code} after {first.Took.TotalMilliseconds:F0} ms; {observations.Count - 1} repeat(s) until {retried.Status} with the same order");
        Assert.Equal(id, retried.OrderId);
        Assert.Single(fixture.Simulator.RecordsFor(id), r => r.Kind == RecordKind.Create);
        Assert.Equal(1, await StoredOrdersAsync([first.OutTradeNo]));
        await ReliabilityCheck.AssertHoldsAsync(fixture, callers: observations);
    }

    [Fact]
    public async Task Scenario17_CallbackWhileEveryMerchantSlotIsTaken_IsAcknowledgedAtOnce()
    {
        var toPay = await SendAsync(_appB, NewKey("ovl-cb"), notifyUrl: new Uri(fixture.Webhooks.Url, "ovl-cb").ToString());
        Assert.True(toPay.Status == 200, toPay.ToString());
        var id = toPay.OrderId!;
        Answer[] held;
        Answer refused;
        SimulatorRecord delivery;
        HoldTheChannel(fixture);
        try
        {
            // Every merchant slot of the host is taken.
            var holding = new[] { CreateAsync(_appA, "ovl-full"), CreateAsync(_appA, "ovl-full"), CreateAsync(_appB, "ovl-full") };
            await WaitUntilStoredAsync(OverloadFixture.HostLimit, "ovl-full");
            refused = await CreateAsync(_appB, "ovl-shed");

            // The payer pays; the channel's callback draws from the callback pool and is taken at its first delivery.
            fixture.Simulator.Pay(id, PaymentFixture.MockMerchantId);
            delivery = await fixture.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.OutTradeNo == id, TimeSpan.FromSeconds(10));
            held = await Task.WhenAll(holding);
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }

        AssertRefused(refused, 503, ErrorCodes.Overloaded);
        Assert.True(delivery.Result == "ACK", $"the first delivery was not acknowledged: {delivery}");
        Assert.True(delivery.Timestamp < held.Min(a => a.At), "the machine was too slow for this test: the callback came after the merchant slots were free");
        Assert.All(held, a => Assert.True(a.Status == 200, a.ToString()));
        await Eventually.HoldsAsync(() => fixture.Grains.GetGrain<IOrderGrain>(id).GetAsync(), o => o?.Status == OrderStatus.Succeeded, "paid order succeeded");
        Assert.Equal(1, fixture.Simulator.ChargeCount(id, PaymentFixture.MockMerchantId));
        await ReliabilityCheck.AssertHoldsAsync(fixture, callers: [toPay.Observation, refused.Observation, .. held.Select(a => a.Observation)]);
    }
}

/// <summary>A gateway whose API host admits very little (see <see cref="OverloadTests"/>), so a test can overload it exactly.</summary>
public sealed class OverloadFixture : PaymentFixture
{
    public const int HostLimit = 3;
    public const int AppLimit = 2;
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    public override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Api:Admission:MerchantConcurrency"] = HostLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Api:Admission:MerchantQueue"] = "0",
        ["Api:Admission:AppConcurrency"] = AppLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Api:Admission:AppQueue"] = "0",
        ["Api:Admission:RequestDeadline"] = Deadline.ToString(),
        // The channel may take longer than the deadline without the silo giving up on it (the tests' usual 3 s).
        ["Gateway:ChannelTimeout"] = "00:00:15",
    };
}
