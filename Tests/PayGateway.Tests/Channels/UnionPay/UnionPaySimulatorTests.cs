using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.ChannelSimulator.UnionPay;
using PayGateway.Channels;
using PayGateway.Channels.UnionPay;
using PayGateway.Tests.Infrastructure;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>The real <see cref="UnionPayChannel"/> against the simulator's UnionPay side, over real HTTP.</summary>
public sealed partial class UnionPaySimulatorTests : IAsyncLifetime
{
    private UnionPaySimulatorHarness _h = null!;

    public async Task InitializeAsync() => _h = await UnionPaySimulatorHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<ChannelPaymentResult> CreateAsync(string orderId, PayMethod method = PayMethod.WEB, long amount = 1234) =>
        _h.Channel.CreatePaymentAsync(_h.Account, _h.Request(orderId, method, amount), default);

    private Task<ChannelQueryResult> QueryAsync(string orderId) => _h.Channel.QueryPaymentAsync(_h.Account, orderId, default);

    // ---- create → pay → notification → query

    [Theory]
    [InlineData(PayMethod.WEB)]
    [InlineData(PayMethod.WAP)]
    public async Task BrowserConsume_FormPostedThenPaidAtCashier_NotificationVerifiedAndQuerySucceeded(PayMethod method)
    {
        var orderId = _h.NewOrderId();
        var created = await CreateAsync(orderId, method);
        var beforePayment = await QueryAsync(orderId);

        using var browser = new HttpClient();
        using var cashier = await SubmitAsync(browser, created.PayData!.Content);
        var page = await cashier.Content.ReadAsStringAsync();
        using var paid = await browser.PostAsync(new Uri(cashier.RequestMessage!.RequestUri!, FormAction().Match(page).Groups[1].Value), null);
        var notified = (await _h.Notifies.WaitForAsync(1)).Single();
        var ack = await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent, TimeSpan.FromSeconds(5));
        var query = await QueryAsync(orderId);
        var trade = _h.Simulator.FindTrade(orderId)!;

        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal("form", created.PayData.Kind);
        Assert.Equal(ChannelTradeState.NotFound, beforePayment.State);
        Assert.Equal(HttpStatusCode.OK, cashier.StatusCode);
        Assert.Contains("/unionpay/cashier/", cashier.RequestMessage.RequestUri!.AbsolutePath);
        Assert.Equal(method.ToString(), trade.Method);
        Assert.Contains("Payment successful.", await paid.Content.ReadAsStringAsync());

        var callback = notified.Result.Callback!;
        Assert.Equal(orderId, callback.OrderId);
        Assert.Equal(ChannelTradeState.Succeeded, callback.State);
        Assert.Equal(1234, callback.Amount);
        Assert.Equal("CNY", callback.Currency);
        Assert.Equal(trade.TradeNo, callback.ChannelTradeNo);
        Assert.Equal(UnionPaySimulatorHarness.MerId, callback.ChannelMerchantId);
        Assert.StartsWith("application/x-www-form-urlencoded", notified.Request.ContentType);
        Assert.Equal((200, "ACK"), (ack.ResponseStatus, ack.Result));

        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1234, query.Amount);
        Assert.Equal("CNY", query.Currency);
        Assert.Equal(trade.TradeNo, query.ChannelTradeNo);
        Assert.Equal(1, _h.Simulator.ChargeCount(orderId));
    }

    [Fact]
    public async Task AppConsume_TnReturnedThenPaid_QuerySucceeded()
    {
        var orderId = _h.NewOrderId();
        var created = await CreateAsync(orderId, PayMethod.APP);
        var trade = _h.Simulator.FindTrade(orderId)!;
        _h.Simulator.Pay(orderId);
        var query = await QueryAsync(orderId);

        Assert.Equal(ChannelOutcome.Accepted, created.Outcome);
        Assert.Equal(new PayData("app_params", trade.TradeNo), created.PayData);
        Assert.Equal("APP", trade.Method);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1, _h.Simulator.ChargeCount(orderId));
    }

    [Fact]
    public async Task AppConsume_SameOrderWithOtherAmount_DuplicateIsUnknownNotFailed()
    {
        var orderId = _h.NewOrderId();
        await CreateAsync(orderId, PayMethod.APP);

        var conflict = await CreateAsync(orderId, PayMethod.APP, amount: 999);

        // respCode 12 (duplicate): the first request exists, so this one must not be read as "nothing charged".
        Assert.Equal((ChannelOutcome.Unknown, "12"), (conflict.Outcome, conflict.ErrorCode));
    }

    [Fact]
    public async Task AppConsume_ConfiguredDefinitiveRefusal_Failed()
    {
        var orderId = _h.NewOrderId();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { Fail = new SimulatorFailure("61", "卡号无效"), Operations = [SimulatorOperation.Create] });

        var created = await CreateAsync(orderId, PayMethod.APP);

        Assert.Equal((ChannelOutcome.Failed, "61"), (created.Outcome, created.ErrorCode));
    }

    [Theory]
    [InlineData("03")]
    [InlineData("04")]
    [InlineData("05")]
    public async Task AppConsume_StatusUnknownRespCodes_Unknown(string respCode)
    {
        var orderId = _h.NewOrderId();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { Fail = new SimulatorFailure(respCode, "交易状态未明"), Operations = [SimulatorOperation.Create] });

        var created = await CreateAsync(orderId, PayMethod.APP);

        Assert.Equal((ChannelOutcome.Unknown, respCode), (created.Outcome, created.ErrorCode));
    }

    [Fact]
    public async Task AppConsume_SignedWithAKeyUnionPayDoesNotKnow_RefusedWithRespCode11()
    {
        var stranger = UnionPaySimulatorHarness.NewMerchant();

        var created = await _h.Channel.CreatePaymentAsync(_h.AccountWith(pfxBase64: stranger.PfxBase64), _h.Request(_h.NewOrderId(), PayMethod.APP), default);

        Assert.Equal((ChannelOutcome.Failed, "11"), (created.Outcome, created.ErrorCode));
    }

    // ---- timeouts and unverifiable answers are unknown

    [Fact]
    public async Task Query_SimulatorNeverAnswers_Unknown()
    {
        var orderId = _h.NewOrderId();
        await CreateAsync(orderId, PayMethod.APP);
        _h.Simulator.Pay(orderId);
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Query] });

        var query = await _h.ImpatientChannel.QueryPaymentAsync(_h.Account, orderId, default);

        Assert.Equal(ChannelTradeState.Unknown, query.State);
    }

    [Fact]
    public async Task AppConsume_ChargedThenNoAnswer_UnknownAndQueryLaterSucceeded()
    {
        var orderId = _h.NewOrderId();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Create] });

        var created = await _h.ImpatientChannel.CreatePaymentAsync(_h.Account, _h.Request(orderId, PayMethod.APP), default);
        // On a busy machine the impatient client can give up before the simulator has got to the charge.
        await Eventually.HoldsAsync(() => Task.FromResult(_h.Simulator.ChargeCount(orderId)), n => n == 1, "the simulator charged the order");
        var query = await QueryAsync(orderId);

        Assert.Equal(ChannelOutcome.Unknown, created.Outcome);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal(1, _h.Simulator.ChargeCount(orderId));
    }

    [Fact]
    public async Task Query_AnswerSignedWithWrongKey_Unknown()
    {
        var orderId = _h.NewOrderId();
        await CreateAsync(orderId, PayMethod.APP);
        _h.Simulator.Pay(orderId);
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Query] });

        var query = await QueryAsync(orderId);

        Assert.Equal(ChannelTradeState.Unknown, query.State);
    }

    [Fact]
    public async Task Query_AccountTrustingAnotherRoot_UnknownAndNotificationRejected()
    {
        var orderId = _h.NewOrderId();
        await CreateAsync(orderId, PayMethod.APP);
        using var other = UnionPayCertificateAuthority.Create(DateTimeOffset.UtcNow);
        var distrusting = _h.AccountWith(rootPem: other.RootPem);
        _h.Simulator.Pay(orderId);
        var notification = (await _h.Notifies.WaitForAsync(1)).Single().Request;

        var query = await _h.Channel.QueryPaymentAsync(distrusting, orderId, default);
        var parsed = await _h.Channel.ParseCallbackAsync(distrusting, notification, default);

        Assert.Equal(ChannelTradeState.Unknown, query.State);
        Assert.Equal("INVALID_SIGNATURE", parsed.RejectionCode);
        Assert.Contains("UntrustedCertificate", parsed.RejectionReason);
    }

    [Fact]
    public async Task Query_UnionPayCertWithAnotherCompanysName_UnknownUnderTheProductionRule()
    {
        await using var h = await UnionPaySimulatorHarness.StartAsync(configure: o => o.SigningCertificateCn = "041@8310000000083040@某某支付有限公司@00016495");
        var orderId = h.NewOrderId();
        await h.Channel.CreatePaymentAsync(h.Account, h.Request(orderId, PayMethod.APP), default);
        h.Simulator.Pay(orderId);

        var query = await h.Channel.QueryPaymentAsync(h.Account, orderId, default);
        var parsed = await h.Channel.ParseCallbackAsync(h.Account, (await h.Notifies.WaitForAsync(1)).Single().Request, default);

        Assert.Equal(ChannelTradeState.Unknown, query.State);
        Assert.Contains("NotUnionPayCertificate", parsed.RejectionReason);
    }

    // ---- close: ACP cannot close; the channel reports only what a query proves

    [Fact]
    public async Task Close_UnpaidWithinPayWindow_UnknownAndStillPayable()
    {
        var orderId = _h.NewOrderId();
        await CreateAsync(orderId, PayMethod.APP);

        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, orderId, default);
        var pay = _h.Simulator.Pay(orderId);

        Assert.Equal((ChannelTradeState.Unknown, "CLOSE_NOT_SUPPORTED"), (closed.State, closed.ErrorCode));
        Assert.Equal(PayOutcome.Paid, pay.Outcome);
    }

    [Fact]
    public async Task Close_Paid_Succeeded()
    {
        var orderId = _h.NewOrderId();
        await CreateAsync(orderId, PayMethod.APP);
        _h.Simulator.Pay(orderId);

        var closed = await _h.Channel.ClosePaymentAsync(_h.Account, orderId, default);

        Assert.Equal(ChannelTradeState.Succeeded, closed.State);
    }

    [Fact]
    public async Task Close_UnpaidAfterPayWindowAndGrace_ClosedAndNoLongerPayable()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await UnionPaySimulatorHarness.StartAsync(clock);
        var orderId = h.NewOrderId();
        var request = h.Request(orderId, PayMethod.APP) with { ExpiresAt = clock.GetUtcNow().AddDays(1) };
        await h.Channel.CreatePaymentAsync(h.Account, request, default);

        clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(5));
        var early = await h.Channel.ClosePaymentAsync(h.Account, orderId, default);
        clock.Advance(TimeSpan.FromMinutes(6));
        var closed = await h.Channel.ClosePaymentAsync(h.Account, orderId, default);
        var pay = h.Simulator.Pay(orderId);

        // The pay window (2 h) capped payTimeout below the order's one-day expiry; UnionPay refuses payment after it.
        Assert.Equal(ChannelTradeState.Unknown, early.State);
        Assert.Equal(ChannelTradeState.Closed, closed.State);
        Assert.Equal(PayOutcome.NotPayable, pay.Outcome);
    }

    // ---- notifications

    [Fact]
    public async Task Notification_TamperedInTransit_Rejected()
    {
        var orderId = _h.NewOrderId();
        await CreateAsync(orderId, PayMethod.APP);
        _h.Simulator.Pay(orderId);
        var original = (await _h.Notifies.WaitForAsync(1)).Single().Request;
        var tampered = original with { Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original.Body.Span).Replace("txnAmt=1234", "txnAmt=1", StringComparison.Ordinal)) };

        var result = await _h.Channel.ParseCallbackAsync(_h.Account, tampered, default);

        Assert.NotNull((await _h.Channel.ParseCallbackAsync(_h.Account, original, default)).Callback);
        Assert.NotEqual(original.Body.ToArray(), tampered.Body.ToArray());
        Assert.Null(result.Callback);
        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task Notification_BadSignatureBehaviour_RejectedAndRetried()
    {
        var orderId = _h.NewOrderId();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Callback] });
        await CreateAsync(orderId, PayMethod.APP);
        _h.Simulator.Pay(orderId);

        var received = await _h.Notifies.WaitForAsync(3);
        await _h.Simulator.WaitForRecordAsync(_ => _h.Simulator.RecordsFor(orderId).Count(r => r.Kind == RecordKind.CallbackSent) == 3, TimeSpan.FromSeconds(5));

        Assert.All(received, r => Assert.Equal("INVALID_SIGNATURE", r.Result.RejectionCode));
        Assert.All(_h.Simulator.RecordsFor(orderId).Where(r => r.Kind == RecordKind.CallbackSent), r => Assert.Equal((400, "NO_ACK"), (r.ResponseStatus, r.Result)));
    }

    [Fact]
    public async Task Notification_WrongAmountCorrectlySigned_DecodedFaithfullyForTheCallerToReject()
    {
        var orderId = _h.NewOrderId();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { TamperCallbackAmount = true, Operations = [SimulatorOperation.Callback] });
        await CreateAsync(orderId, PayMethod.APP);
        _h.Simulator.Pay(orderId);

        var callback = (await _h.Notifies.WaitForAsync(1)).Single().Result.Callback!;

        // Correctly signed: only the gateway's own amount check against the order catches it.
        Assert.Equal(1235, callback.Amount);
        Assert.Equal(orderId, callback.OrderId);
    }

    [Fact]
    public async Task Notification_RepeatedDelivery_SameEventId()
    {
        var orderId = _h.NewOrderId();
        _h.Simulator.SetBehaviour(orderId, new SimulatorBehaviour { RepeatCallbacks = 2, Operations = [SimulatorOperation.Callback] });
        await CreateAsync(orderId, PayMethod.APP);
        _h.Simulator.Pay(orderId);

        var received = await _h.Notifies.WaitForAsync(2);

        Assert.Equal(received[0].Result.Callback!.ChannelEventId, received[1].Result.Callback!.ChannelEventId);
        Assert.Equal(1, _h.Simulator.ChargeCount(orderId));
    }

    /// <summary>What the payer's browser does with the auto-submit form: POST its fields to its action, follow the redirect.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient browser, string html)
    {
        var action = WebUtility.HtmlDecode(FormActionAttribute().Match(html).Groups[1].Value);
        using var form = new FormUrlEncodedContent(UnionPayChannelTests.FormFields(html));
        return await browser.PostAsync(action, form);
    }

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<form id=\"pay_form\" action=\"([^\"]+)\"")]
    private static partial Regex FormActionAttribute();
}
