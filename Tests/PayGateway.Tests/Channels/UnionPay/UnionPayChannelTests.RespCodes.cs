using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.ChannelSimulator.UnionPay;
using PayGateway.Channels;
using PayGateway.Channels.UnionPay;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>
/// What UnionPay's response codes make of a query, a close, a notification and a refund: only a definitive refusal is
/// Failed (<see cref="UnionPayRespCodes"/>). The answers and notifications are signed by a chain generated here and
/// trusted by the account, so any code can be put in a correctly signed answer.
/// </summary>
public sealed partial class UnionPayChannelTests
{
    // ---- queryTrans: origRespCode

    [Theory]
    [InlineData("42")] // 扣款成功但交易超过规定支付时间: debited after the pay time
    [InlineData("74")] // 扣款成功，销账未知
    [InlineData("75")] // 扣款成功，销账失败
    [InlineData("A6")] // 有缺陷的成功
    [InlineData("01")] // generic; undecided in UnionPay's payout demos
    [InlineData("60")] // generic issuer failure; undecided in UnionPay's payout demos
    [InlineData("99")] // 通用错误
    [InlineData("ZZ")] // a code nobody placed
    public async Task Query_OrigRespCodeNotADefinitiveRefusal_UnknownAndCloseDoesNotClose(string origRespCode)
    {
        using var fake = FakeUnionPay.Start(Now);
        var orderId = GatewayOrderId(Now.AddHours(-3));
        fake.Answer = _ => [new("respCode", "00"), new("origRespCode", origRespCode), new("origRespMsg", "模拟"), new("txnAmt", "1234"), new("currencyCode", "156"), new("queryId", "Q1")];

        var queried = await fake.Channel.QueryPaymentAsync(fake.Account, orderId, default);
        var closed = await fake.Channel.ClosePaymentAsync(fake.Account, orderId, default);

        Assert.Equal((ChannelTradeState.Unknown, origRespCode), (queried.State, queried.ErrorCode));
        Assert.Equal((ChannelTradeState.Unknown, origRespCode), (closed.State, closed.ErrorCode));
    }

    [Theory]
    [InlineData("70")] // 交易已跳转，等待持卡人输入: the payer is still at it
    [InlineData("83")] // 发卡行（渠道）处理中
    [InlineData("05")]
    public async Task Query_OrigRespCodeInProgress_PendingAndCloseDoesNotClose(string origRespCode)
    {
        using var fake = FakeUnionPay.Start(Now);
        var orderId = GatewayOrderId(Now.AddHours(-3));
        fake.Answer = _ => [new("respCode", "00"), new("origRespCode", origRespCode), new("txnAmt", "1234"), new("currencyCode", "156")];

        var queried = await fake.Channel.QueryPaymentAsync(fake.Account, orderId, default);
        var closed = await fake.Channel.ClosePaymentAsync(fake.Account, orderId, default);

        Assert.Equal(ChannelTradeState.Pending, queried.State);
        Assert.Equal(ChannelTradeState.Unknown, closed.State);
    }

    [Theory]
    [InlineData("64")] // 卡上的余额不足
    [InlineData("61")] // 输入的卡号无效
    [InlineData("69")] // 您的输入超时，交易失败
    public async Task Query_OrigRespCodeDefinitiveRefusal_FailedAndCloseCloses(string origRespCode)
    {
        using var fake = FakeUnionPay.Start(Now);
        var orderId = GatewayOrderId(Now.AddHours(-3));
        fake.Answer = _ => [new("respCode", "00"), new("origRespCode", origRespCode), new("txnAmt", "1234"), new("currencyCode", "156")];

        var queried = await fake.Channel.QueryPaymentAsync(fake.Account, orderId, default);
        var closed = await fake.Channel.ClosePaymentAsync(fake.Account, orderId, default);

        Assert.Equal((ChannelTradeState.Failed, origRespCode), (queried.State, queried.ErrorCode));
        Assert.Equal(ChannelTradeState.Closed, closed.State);
    }

    [Theory]
    [InlineData("06")] // 系统繁忙
    [InlineData("37")] // 已超过最大查询次数或操作过于频繁
    public async Task Query_RespCodeBusyOrRateLimited_Unknown(string respCode)
    {
        using var fake = FakeUnionPay.Start(Now);
        fake.Answer = _ => [new("respCode", respCode)];

        var queried = await fake.Channel.QueryPaymentAsync(fake.Account, GatewayOrderId(Now), default);

        Assert.Equal((ChannelTradeState.Unknown, respCode), (queried.State, queried.ErrorCode));
    }

    // ---- notifications

    [Fact]
    public async Task Notification_Consume42DebitedAfterPayTime_AcceptedAsUnknownNotFailed()
    {
        using var fake = FakeUnionPay.Start(Now);
        var orderId = GatewayOrderId(Now.AddHours(-2));

        var result = await fake.Channel.ParseCallbackAsync(fake.Account, fake.Notification(ConsumeNotice(orderId, "42")), default);

        // Unknown: the callback grain acknowledges it and leaves the order as it is; supervision asks UnionPay.
        Assert.Null(result.RejectionCode);
        Assert.Equal((orderId, ChannelTradeState.Unknown), (result.Callback!.OrderId, result.Callback.State));
    }

    [Theory]
    [InlineData("70", ChannelTradeState.Pending)]
    [InlineData("64", ChannelTradeState.Failed)]
    [InlineData("00", ChannelTradeState.Succeeded)]
    public async Task Notification_ConsumeOtherCodes_MappedByTheAllowList(string respCode, ChannelTradeState expected)
    {
        using var fake = FakeUnionPay.Start(Now);

        var result = await fake.Channel.ParseCallbackAsync(fake.Account, fake.Notification(ConsumeNotice(GatewayOrderId(Now), respCode)), default);

        Assert.Equal(expected, result.Callback!.State);
    }

    [Theory]
    [InlineData("06", ChannelFundsState.Unknown)]
    [InlineData("42", ChannelFundsState.Unknown)]
    [InlineData("36", ChannelFundsState.Failed)]
    public async Task Notification_Refund_FailedOnlyForADefinitiveRefusal(string respCode, ChannelFundsState expected)
    {
        using var fake = FakeUnionPay.Start(Now);
        var refundId = RefundId.For(GatewayOrderId(Now.AddDays(-1)), 1);
        var notice = new List<KeyValuePair<string, string>>
        {
            new("txnType", "04"), new("txnSubType", "00"), new("bizType", "000201"), new("merId", VectorMerId), new("orderId", refundId),
            new("txnTime", "20260301110000"), new("txnAmt", "600"), new("currencyCode", "156"), new("respCode", respCode), new("respMsg", "模拟"), new("queryId", "R1"),
        };

        var result = await fake.Channel.ParseCallbackAsync(fake.Account, fake.Notification(notice), default);

        Assert.Equal(expected, result.Refund!.State);
    }

    // ---- requests: backTransReq refund, appTransReq consume

    [Theory]
    [InlineData("06")] // 系统繁忙，请稍后再试
    [InlineData("02")] // 系统未开放或暂时关闭，请稍后再试
    [InlineData("37")] // 已超过最大查询次数或操作过于频繁
    [InlineData("45")] // 原交易已被成功退货或已被成功撤销: maybe by an earlier copy of this refund
    [InlineData("99")]
    public async Task Refund_RespCodeNotADefinitiveRefusal_Unknown(string respCode)
    {
        using var fake = FakeUnionPay.Start(Now);
        fake.Answer = _ => [new("respCode", respCode), new("respMsg", "模拟")];

        var result = await fake.Channel.RefundAsync(fake.Account, RefundRequest(), default);

        Assert.Equal((ChannelFundsState.Unknown, respCode), (result.State, result.ErrorCode));
    }

    [Theory]
    [InlineData("36")] // 与原交易信息不符
    [InlineData("35")] // 原交易不存在或状态不正确
    public async Task Refund_RespCodeInTheFailureList_Failed(string respCode)
    {
        using var fake = FakeUnionPay.Start(Now);
        fake.Answer = _ => [new("respCode", respCode), new("respMsg", "模拟")];

        var result = await fake.Channel.RefundAsync(fake.Account, RefundRequest(), default);

        Assert.Equal((ChannelFundsState.Failed, respCode), (result.State, result.ErrorCode));
    }

    [Fact]
    public async Task RefundQuery_OrigRespCodeNotADefinitiveRefusal_Unknown()
    {
        using var fake = FakeUnionPay.Start(Now);
        var request = RefundRequest();
        fake.Answer = _ => [new("respCode", "00"), new("origRespCode", "99"), new("txnAmt", "600"), new("queryId", "R1")];

        var result = await fake.Channel.QueryRefundAsync(fake.Account,
            new ChannelRefundQuery(request.RefundId, request.OrderId, request.ChannelTradeNo, request.RefundAmount, "CNY", request.RequestedAt), default);

        Assert.Equal((ChannelFundsState.Unknown, "99"), (result.State, result.ErrorCode));
    }

    [Theory]
    [InlineData("06", ChannelOutcome.Unknown)]
    [InlineData("70", ChannelOutcome.Unknown)]
    [InlineData("31", ChannelOutcome.Failed)]
    public async Task AppConsume_RespCode_FailedOnlyForADefinitiveRefusal(string respCode, ChannelOutcome expected)
    {
        using var fake = FakeUnionPay.Start(Now);
        fake.Answer = _ => [new("respCode", respCode), new("respMsg", "模拟")];

        var result = await fake.Channel.CreatePaymentAsync(fake.Account, Request(GatewayOrderId(Now), PayMethod.APP), default);

        Assert.Equal((expected, respCode), (result.Outcome, result.ErrorCode));
    }

    private static List<KeyValuePair<string, string>> ConsumeNotice(string orderId, string respCode) =>
    [
        new("txnType", "01"), new("txnSubType", "01"), new("bizType", "000201"), new("merId", VectorMerId), new("orderId", orderId),
        new("txnTime", "20260301100000"), new("txnAmt", "1234"), new("currencyCode", "156"), new("respCode", respCode), new("respMsg", "模拟"),
        new("queryId", "Q1"), new("traceTime", "0301115900"),
    ];

    private static ChannelRefundRequest RefundRequest()
    {
        var orderId = GatewayOrderId(Now.AddDays(-1));
        return new ChannelRefundRequest(RefundId.For(orderId, 1), orderId, "Q1", 600, 1234, "CNY", null, Now.AddMinutes(-1));
    }

    /// <summary>
    /// UnionPay's gateway in-process: answers every request with the fields <see cref="Answer"/> gives (plus the
    /// request's merId and orderId), signed by a chain the account trusts; builds signed notifications the same way.
    /// </summary>
    private sealed class FakeUnionPay : IDisposable
    {
        private readonly UnionPayCertificateAuthority _ca;
        private readonly ServiceProvider _services;

        private FakeUnionPay(DateTimeOffset now)
        {
            _ca = UnionPayCertificateAuthority.Create(now);
            _services = new ServiceCollection().AddHttpClient(UnionPayChannel.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new Responder(RespondAsync)).Services.BuildServiceProvider();
            Channel = new UnionPayChannel(_services.GetRequiredService<IHttpClientFactory>(), NullLogger<UnionPayChannel>.Instance, new FakeTimeProvider(now));
            var account = VectorAccount(root: _ca.RootPem);
            Account = account with { Settings = new Dictionary<string, string>(account.Settings) { ["middle_cert"] = _ca.MiddlePem } };
        }

        public UnionPayChannel Channel { get; }

        public ChannelAccount Account { get; }

        /// <summary>The answer's fields for a request's fields.</summary>
        public Func<IReadOnlyDictionary<string, string>, List<KeyValuePair<string, string>>> Answer { get; set; } = _ => throw new InvalidOperationException("No answer configured.");

        public static FakeUnionPay Start(DateTimeOffset now) => new(now);

        public ChannelCallbackRequest Notification(IEnumerable<KeyValuePair<string, string>> fields)
        {
            List<KeyValuePair<string, string>> all = [new("version", "5.1.0"), new("encoding", "UTF-8"), new("signMethod", "01"), new("accessType", "0"), .. fields];
            return new(new Dictionary<string, string>(), Encoding.UTF8.GetBytes(UnionPayForm.EncodeUrlEncoded(Signed(all))), "application/x-www-form-urlencoded");
        }

        public void Dispose()
        {
            _services.Dispose();
            _ca.Dispose();
        }

        private async Task<HttpResponseMessage> RespondAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            Assert.True(UnionPayForm.TryParseUrlEncoded(body, out var sent));
            var fields = new List<KeyValuePair<string, string>>
            {
                new("version", "5.1.0"), new("encoding", "UTF-8"), new("signMethod", "01"), new("accessType", "0"),
                new("txnType", sent["txnType"]), new("txnSubType", sent["txnSubType"]), new("bizType", sent["bizType"]),
                new("merId", sent["merId"]), new("orderId", sent["orderId"]), new("txnTime", sent["txnTime"]),
            };
            fields.AddRange(Answer(sent));
            // A synchronous answer is raw k=v&…, values not URL-encoded (channel-protocols.md C4).
            var text = string.Join('&', Signed(fields).Select(f => f.Key + "=" + f.Value));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(text, Encoding.UTF8, "text/plain") };
        }

        private List<KeyValuePair<string, string>> Signed(IEnumerable<KeyValuePair<string, string>> fields)
        {
            var list = fields.ToList();
            list.Add(new("signPubKeyCert", _ca.SigningPemCrlf));
            using var key = _ca.Signing.GetRSAPrivateKey()!;
            list.Add(new("signature", UnionPaySignature.Sign(UnionPaySignContent.Build(list.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal)), key)));
            return list;
        }

        private sealed class Responder(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request, cancellationToken);
        }
    }
}
