using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PayGateway.Channels;
using PayGateway.Channels.WeChatPay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// Refunds, refund notifications and transfers of the WeChat Pay adapter against <see cref="FakeWeChatPayServer"/>:
/// the exact request on the wire and how every documented answer is read.
/// </summary>
public sealed class WeChatPayFundsChannelTests : IDisposable
{
    private const string MchId = WeChatPayChannelTests.MchId;
    private const string OrderId = "20261126125300123AA01000";
    private const string RefundId = OrderId + "R001";
    private const string TransferId = "T20261126125300123AA01000";
    private const string OpenId = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";

    private static readonly DateTimeOffset Start = WeChatPayAdapterRig.Start;

    private readonly WeChatPayAdapterRig _rig = new([0xA1, 0xB2, 0xC3, 0xD5]);

    private WeChatPayTestPlatform _platform => _rig.Platform;
    private FakeWeChatPayServer _server => _rig.Server;
    private WeChatPayChannel _channel => _rig.Channel;
    private ChannelAccount _account => _rig.Account;

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void Contract_PayeeTypesAndCurrencies()
    {
        Assert.Equal([PayeeTypes.WeChatOpenId], ((ITransferChannel)_channel).PayeeTypes);
        Assert.Equal(["CNY"], _channel.TransferCurrencies);
    }

    [Fact]
    public async Task Refund_SendsDocumentedBody_ToTheRefundsPath()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, RefundAnswer("PROCESSING"));

        var result = await _channel.RefundAsync(_account, Refund(), default);

        Assert.Equal(ChannelFundsState.Pending, result.State);
        var sent = Assert.Single(_server.Requests, r => r.PathAndQuery == "/v3/refund/domestic/refunds");
        Assert.Equal("POST", sent.Method);
        Assert.True(sent.AuthorizationValid);
        Assert.Null(sent.PlatformSerial);
        using var json = JsonDocument.Parse(sent.Body);
        var root = json.RootElement;
        Assert.Equal(["out_trade_no", "out_refund_no", "reason", "notify_url", "amount"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(OrderId, root.GetProperty("out_trade_no").GetString());
        Assert.Equal(RefundId, root.GetProperty("out_refund_no").GetString());
        Assert.Equal("商品已售完", root.GetProperty("reason").GetString());
        Assert.Equal("https://gateway.test/callbacks/wechatpay/acc-1", root.GetProperty("notify_url").GetString());
        Assert.Equal("{\"refund\":600,\"total\":1000,\"currency\":\"CNY\"}", root.GetProperty("amount").GetRawText());
        Assert.Contains("商品已售完", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refund_LongReason_IsCutTo80BytesOfUtf8()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, RefundAnswer("PROCESSING"));

        await _channel.RefundAsync(_account, Refund() with { Reason = new string('退', 40) }, default);

        using var json = JsonDocument.Parse(_server.Requests.Single(r => r.Method == "POST").Body);
        Assert.Equal(new string('退', 26), json.RootElement.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("SUCCESS", ChannelFundsState.Succeeded, null)]
    [InlineData("PROCESSING", ChannelFundsState.Pending, null)]
    [InlineData("ABNORMAL", ChannelFundsState.Pending, "REFUND_ABNORMAL")]
    [InlineData("CLOSED", ChannelFundsState.Failed, "REFUND_CLOSED")]
    [InlineData("SOMETHING_NEW", ChannelFundsState.Unknown, "SOMETHING_NEW")]
    public async Task RefundAnswer_StatusMapsToFundsState(string status, ChannelFundsState expected, string? errorCode)
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, RefundAnswer(status));

        var requested = await _channel.RefundAsync(_account, Refund(), default);
        var queried = await _channel.QueryRefundAsync(_account, Query(), default);

        Assert.Equal((expected, errorCode), (requested.State, requested.ErrorCode));
        Assert.Equal((expected, errorCode), (queried.State, queried.ErrorCode));
        Assert.Equal(("50300908092018010222000000000", 600L, "CNY"), (queried.ChannelRefundNo, queried.Amount, queried.Currency));
        Assert.Equal(status == "SUCCESS" ? new DateTimeOffset(2026, 11, 26, 18, 5, 6, TimeSpan.FromHours(8)) : null, queried.SucceededAt);
    }

    [Theory]
    [InlineData("out_refund_no", RefundId, "20261126125300123AA01000R002")]
    [InlineData("out_trade_no", OrderId, "20261126125300123AA01999")]
    [InlineData("\"refund\":", "\"refund\":600", "\"refund\":601")]
    [InlineData("currency", "\"currency\":\"CNY\"", "\"currency\":\"HKD\"")]
    public async Task RefundAnswer_AboutAnotherRefundOrAmount_IsUnknown(string field, string original, string replacement)
    {
        Assert.Contains(field, RefundAnswer("SUCCESS"), StringComparison.Ordinal);
        _server.Respond = (_, _) => (HttpStatusCode.OK, RefundAnswer("SUCCESS").Replace(original, replacement, StringComparison.Ordinal));

        var requested = await _channel.RefundAsync(_account, Refund(), default);
        var queried = await _channel.QueryRefundAsync(_account, Query(), default);

        Assert.Equal(ChannelFundsState.Unknown, requested.State);
        Assert.Equal(ChannelFundsState.Unknown, queried.State);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "PARAM_ERROR", ChannelFundsState.Failed)]
    [InlineData(HttpStatusCode.Forbidden, "NOT_ENOUGH", ChannelFundsState.Failed)]
    [InlineData(HttpStatusCode.Forbidden, "NO_AUTH", ChannelFundsState.Failed)]
    [InlineData(HttpStatusCode.NotFound, "RESOURCE_NOT_EXISTS", ChannelFundsState.Failed)]
    [InlineData(HttpStatusCode.TooManyRequests, "FREQUENCY_LIMITED", ChannelFundsState.Unknown)]
    [InlineData(HttpStatusCode.InternalServerError, "SYSTEM_ERROR", ChannelFundsState.Unknown)]
    [InlineData(HttpStatusCode.Forbidden, "SOMETHING_NEW", ChannelFundsState.Unknown)]
    public async Task RefundRefusal_MapsByCode(HttpStatusCode status, string code, ChannelFundsState expected)
    {
        _server.Respond = (_, _) => (status, $"{{\"code\":\"{code}\",\"message\":\"refused\"}}");

        var result = await _channel.RefundAsync(_account, Refund(), default);

        Assert.Equal((expected, code, "refused"), (result.State, result.ErrorCode, result.ErrorMessage));
        Assert.DoesNotContain(_server.Requests, r => r.Method == "GET" && r.PathAndQuery.StartsWith("/v3/refund", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefundServerErrorWithoutBody_IsUnknown()
    {
        _server.Respond = (_, _) => (HttpStatusCode.BadGateway, null);

        var result = await _channel.RefundAsync(_account, Refund(), default);

        Assert.Equal((ChannelFundsState.Unknown, "CHANNEL_UNKNOWN"), (result.State, result.ErrorCode));
    }

    [Fact]
    public async Task InvalidRequest_ForARefundWeChatHolds_ReportsThatRefundsState()
    {
        _server.Respond = (request, _) => request.Method == HttpMethod.Post
            ? (HttpStatusCode.BadRequest, "{\"code\":\"INVALID_REQUEST\",\"message\":\"订单金额或退款金额与之前请求不一致\"}")
            : (HttpStatusCode.OK, RefundAnswer("SUCCESS"));

        var result = await _channel.RefundAsync(_account, Refund(), default);

        Assert.Equal(ChannelFundsState.Succeeded, result.State);
        Assert.Contains(_server.Requests, r => r.Method == "GET" && r.PathAndQuery == $"/v3/refund/domestic/refunds/{RefundId}");
    }

    [Fact]
    public async Task InvalidRequest_WithNoSuchRefund_IsFailed()
    {
        _server.Respond = (request, _) => request.Method == HttpMethod.Post
            ? (HttpStatusCode.BadRequest, "{\"code\":\"INVALID_REQUEST\",\"message\":\"申请退款金额超过订单可退金额\"}")
            : (HttpStatusCode.NotFound, "{\"code\":\"RESOURCE_NOT_EXISTS\",\"message\":\"退款单不存在\"}");

        var result = await _channel.RefundAsync(_account, Refund(), default);

        Assert.Equal((ChannelFundsState.Failed, "INVALID_REQUEST", "申请退款金额超过订单可退金额"), (result.State, result.ErrorCode, result.ErrorMessage));
    }

    [Fact]
    public async Task InvalidRequest_ThenUnansweredLookUp_IsUnknown()
    {
        _server.Respond = (request, _) => request.Method == HttpMethod.Post
            ? (HttpStatusCode.BadRequest, "{\"code\":\"INVALID_REQUEST\",\"message\":\"x\"}")
            : (HttpStatusCode.InternalServerError, "{\"code\":\"SYSTEM_ERROR\",\"message\":\"busy\"}");

        var result = await _channel.RefundAsync(_account, Refund(), default);

        Assert.Equal((ChannelFundsState.Unknown, "INVALID_REQUEST"), (result.State, result.ErrorCode));
    }

    [Theory]
    [InlineData(600, 1000, "USD")]
    [InlineData(0, 1000, "CNY")]
    [InlineData(1001, 1000, "CNY")]
    public async Task RefundThatCannotBeValid_FailsWithoutCallingWeChat(long amount, long orderAmount, string currency)
    {
        var result = await _channel.RefundAsync(_account, Refund() with { RefundAmount = amount, OrderAmount = orderAmount, Currency = currency }, default);

        Assert.Equal((ChannelFundsState.Failed, "INVALID_REQUEST"), (result.State, result.ErrorCode));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task RefundQuery_UnknownRefund_IsNotFound()
    {
        _server.Respond = (_, _) => (HttpStatusCode.NotFound, "{\"code\":\"RESOURCE_NOT_EXISTS\",\"message\":\"退款单不存在\"}");

        var result = await _channel.QueryRefundAsync(_account, Query(), default);

        Assert.Equal(ChannelFundsState.NotFound, result.State);
        var sent = Assert.Single(_server.Requests, r => r.Method == "GET" && !r.PathAndQuery.StartsWith(WeChatPayCertificates.Path, StringComparison.Ordinal));
        Assert.Equal($"/v3/refund/domestic/refunds/{RefundId}", sent.PathAndQuery);
    }

    [Fact]
    public async Task RefundAnswer_Unsigned_IsUnknown()
    {
        _server.SignAnswers = false;
        _server.Respond = (_, _) => (HttpStatusCode.OK, RefundAnswer("SUCCESS"));

        var result = await _channel.RefundAsync(_account, Refund(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
    }

    [Fact]
    public async Task RefundTimeout_IsUnknown()
    {
        _server.Throw = new TaskCanceledException("timeout");

        var result = await _channel.RefundAsync(_account, Refund(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
    }

    [Fact]
    public async Task RefundNotification_Success_IsAcceptedRefund()
    {
        await _channel.WarmUpAsync(_account, default);
        var body = RefundNotification("REFUND.SUCCESS", RefundResource("SUCCESS"));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json"), default);

        Assert.Null(result.RejectionCode);
        Assert.Null(result.Callback);
        Assert.Equal(
            new ChannelRefundCallback(RefundId, OrderId, ChannelFundsState.Succeeded, "50300908092018010222000000000", 600, "CNY", MchId,
                new DateTimeOffset(2026, 11, 26, 18, 5, 6, TimeSpan.FromHours(8)), "EV-refund-0001"),
            result.Refund);
    }

    [Theory]
    [InlineData("ABNORMAL", ChannelFundsState.Pending)]
    [InlineData("CLOSED", ChannelFundsState.Failed)]
    public async Task RefundNotification_AbnormalAndClosed_MapToPendingAndFailed(string status, ChannelFundsState expected)
    {
        await _channel.WarmUpAsync(_account, default);
        var body = RefundNotification("REFUND." + status, RefundResource(status));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json"), default);

        Assert.Equal(expected, result.Refund!.State);
        Assert.Null(result.Refund.SucceededAt);
    }

    [Fact]
    public async Task RefundNotification_EventDisagreeingWithStatus_IsRejected()
    {
        await _channel.WarmUpAsync(_account, default);
        var body = RefundNotification("REFUND.SUCCESS", RefundResource("CLOSED"));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json"), default);

        Assert.Equal("INVALID_NOTIFICATION", result.RejectionCode);
    }

    [Fact]
    public async Task RefundNotification_ForAnotherMerchant_IsRejected()
    {
        await _channel.WarmUpAsync(_account, default);
        var body = RefundNotification("REFUND.SUCCESS", RefundResource("SUCCESS").Replace(MchId, "1999999999", StringComparison.Ordinal));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json"), default);

        Assert.Equal("MERCHANT_MISMATCH", result.RejectionCode);
    }

    [Fact]
    public async Task RefundNotification_AlteredAfterSigning_IsRejected()
    {
        await _channel.WarmUpAsync(_account, default);
        var body = RefundNotification("REFUND.SUCCESS", RefundResource("SUCCESS"));
        var headers = _platform.Sign(body, Start);
        var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("REFUND.SUCCESS", "REFUND.CLOSED", StringComparison.Ordinal));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(headers, altered, "application/json"), default);

        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
        Assert.Null(result.Refund);
    }

    [Fact]
    public async Task RefundNotification_SealedWithAnotherKey_IsRejected()
    {
        await _channel.WarmUpAsync(_account, default);
        var body = RefundNotification("REFUND.SUCCESS", RefundResource("SUCCESS"), apiV3Key: "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ");

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json"), default);

        Assert.Equal("INVALID_NOTIFICATION", result.RejectionCode);
    }

    [Fact]
    public async Task NotificationOfAnotherKind_IsRejectedUnsupported()
    {
        await _channel.WarmUpAsync(_account, default);
        var body = RefundNotification("MCHTRANSFER.BILL.FINISHED", RefundResource("SUCCESS"));

        var result = await _channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(_platform.Sign(body, Start), body, "application/json"), default);

        Assert.Equal("UNSUPPORTED_EVENT", result.RejectionCode);
    }

    [Fact]
    public async Task Transfer_SendsDocumentedBatch_WithTheNameEncryptedForThePlatform()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, BatchAnswer(TransferId));

        var result = await _channel.TransferAsync(_account, Transfer() with { PayeeName = "张三" }, default);

        Assert.Equal((ChannelFundsState.Pending, "1030000071100999991182020050700019480001"), (result.State, result.ChannelTransferNo));
        var sent = Assert.Single(_server.Requests, r => r.PathAndQuery == "/v3/transfer/batches");
        Assert.Equal("POST", sent.Method);
        Assert.True(sent.AuthorizationValid);
        Assert.Equal(_platform.Serial, sent.PlatformSerial);
        using var json = JsonDocument.Parse(sent.Body);
        var root = json.RootElement;
        Assert.Equal(["appid", "out_batch_no", "batch_name", "batch_remark", "total_amount", "total_num", "transfer_detail_list"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(WeChatPayChannelTests.AppId, root.GetProperty("appid").GetString());
        Assert.Equal(TransferId, root.GetProperty("out_batch_no").GetString());
        Assert.Equal(TransferId, root.GetProperty("batch_name").GetString());
        Assert.Equal("佣金", root.GetProperty("batch_remark").GetString());
        Assert.Equal(5000, root.GetProperty("total_amount").GetInt64());
        Assert.Equal(1, root.GetProperty("total_num").GetInt32());
        var detail = Assert.Single(root.GetProperty("transfer_detail_list").EnumerateArray().ToList());
        Assert.Equal(["out_detail_no", "transfer_amount", "transfer_remark", "openid", "user_name"], detail.EnumerateObject().Select(p => p.Name));
        Assert.Equal(TransferId, detail.GetProperty("out_detail_no").GetString());
        Assert.Equal(5000, detail.GetProperty("transfer_amount").GetInt64());
        Assert.Equal("佣金", detail.GetProperty("transfer_remark").GetString());
        Assert.Equal(OpenId, detail.GetProperty("openid").GetString());
        var sealedName = detail.GetProperty("user_name").GetString()!;
        Assert.DoesNotContain("张三", sent.Body, StringComparison.Ordinal);
        Assert.Equal("张三", Encoding.UTF8.GetString(_platform.Key.Decrypt(Convert.FromBase64String(sealedName), RSAEncryptionPadding.OaepSHA1)));
    }

    [Theory]
    [InlineData(5000, null)]
    [InlineData(29, "张三")]
    public async Task Transfer_WithoutAUsableName_SendsNoUserNameNorSerialHeader(long amount, string? name)
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, BatchAnswer(TransferId));

        await _channel.TransferAsync(_account, Transfer() with { Amount = amount, PayeeName = name }, default);

        var sent = Assert.Single(_server.Requests, r => r.PathAndQuery == "/v3/transfer/batches");
        Assert.Null(sent.PlatformSerial);
        Assert.DoesNotContain("user_name", sent.Body, StringComparison.Ordinal);
        // Nothing to encrypt, so no certificate was fetched before sending (one is fetched afterwards to verify the answer).
        Assert.Equal("/v3/transfer/batches", _server.Requests.First().PathAndQuery);
    }

    [Theory]
    [InlineData(5000, "USD", PayeeTypes.WeChatOpenId, null)]
    [InlineData(5000, "CNY", PayeeTypes.AlipayUserId, null)]
    [InlineData(0, "CNY", PayeeTypes.WeChatOpenId, null)]
    [InlineData(200_000, "CNY", PayeeTypes.WeChatOpenId, null)]
    public async Task TransferThatCannotBeValid_FailsWithoutCallingWeChat(long amount, string currency, string payeeType, string? name)
    {
        var result = await _channel.TransferAsync(_account, Transfer() with { Amount = amount, Currency = currency, PayeeType = payeeType, PayeeName = name }, default);

        Assert.Equal((ChannelFundsState.Failed, "INVALID_REQUEST"), (result.State, result.ErrorCode));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Transfer_AcceptedForAnotherBatch_IsUnknown()
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, BatchAnswer("T20261126125300123AA09999"));

        var result = await _channel.TransferAsync(_account, Transfer(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
    }

    [Theory]
    [InlineData("SUCCESS", ChannelFundsState.Succeeded)]
    [InlineData("INIT", ChannelFundsState.Pending)]
    [InlineData("WAIT_PAY", ChannelFundsState.Pending)]
    [InlineData("PROCESSING", ChannelFundsState.Pending)]
    [InlineData("FAIL", ChannelFundsState.Failed)]
    [InlineData("SOMETHING_NEW", ChannelFundsState.Unknown)]
    public async Task TransferQuery_DetailStatusMapsToFundsState(string status, ChannelFundsState expected)
    {
        _server.Respond = (_, _) => (HttpStatusCode.OK, DetailAnswer(status));

        var result = await _channel.QueryTransferAsync(_account, Transfer(), default);

        Assert.Equal(expected, result.State);
        Assert.Equal("1030000071100999991182020050700019480001", result.ChannelTransferNo);
        var sent = Assert.Single(_server.Requests, r => r.PathAndQuery.StartsWith("/v3/transfer/batches", StringComparison.Ordinal));
        Assert.Equal($"/v3/transfer/batches/out-batch-no/{TransferId}/details/out-detail-no/{TransferId}", sent.PathAndQuery);
        if (expected == ChannelFundsState.Failed)
        {
            Assert.Equal("ACCOUNT_FROZEN", result.ErrorCode);
        }
        if (expected == ChannelFundsState.Succeeded)
        {
            Assert.Equal(new DateTimeOffset(2026, 11, 26, 18, 9, 0, TimeSpan.FromHours(8)), result.SucceededAt);
        }
    }

    [Theory]
    [InlineData("\"transfer_amount\":5000", "\"transfer_amount\":5001")]
    [InlineData(OpenId, "oOtherPayer000000000000000000")]
    [InlineData("\"out_detail_no\":\"" + TransferId + "\"", "\"out_detail_no\":\"T20261126125300123AA09999\"")]
    public async Task TransferQuery_AboutAnotherTransfer_IsUnknown(string original, string replacement)
    {
        Assert.Contains(original, DetailAnswer("SUCCESS"), StringComparison.Ordinal);
        _server.Respond = (_, _) => (HttpStatusCode.OK, DetailAnswer("SUCCESS").Replace(original, replacement, StringComparison.Ordinal));

        var result = await _channel.QueryTransferAsync(_account, Transfer(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
    }

    [Theory]
    [InlineData("NOT_FOUND")]
    [InlineData("RESOURCE_NOT_EXISTS")]
    public async Task TransferQuery_NoSuchDetailNorBatch_IsNotFound(string code)
    {
        _server.Respond = (_, _) => (HttpStatusCode.NotFound, $"{{\"code\":\"{code}\",\"message\":\"记录不存在\"}}");

        var result = await _channel.QueryTransferAsync(_account, Transfer(), default);

        Assert.Equal((ChannelFundsState.NotFound, code), (result.State, result.ErrorCode));
        Assert.Equal([DetailPath, BatchQueryPath], _server.Requests.Select(r => r.PathAndQuery).Where(p => p.StartsWith("/v3/transfer/batches", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TransferQuery_DetailNotFoundWhileTheBatchExists_IsPendingNotNotFound()
    {
        // WeChat processes a batch asynchronously: until it has, the detail query answers NOT_FOUND.
        _server.Respond = (request, _) => Answer(request, detail: DetailNotFound, batch: (HttpStatusCode.OK, BatchQueryAnswer()));

        var result = await _channel.QueryTransferAsync(_account, Transfer(), default);

        Assert.Equal((ChannelFundsState.Pending, "1030000071100999991182020050700019480001"), (result.State, result.ChannelTransferNo));
        var batchQuery = Assert.Single(_server.Requests, r => r.PathAndQuery == BatchQueryPath);
        Assert.True(batchQuery.AuthorizationValid);
    }

    [Theory]
    [InlineData("\"out_batch_no\":\"" + TransferId + "\"", "\"out_batch_no\":\"T20261126125300123AA09999\"")]
    [InlineData("\"total_amount\":5000", "\"total_amount\":5001")]
    [InlineData("\"mchid\":\"" + MchId + "\"", "\"mchid\":\"1900000001\"")]
    [InlineData("\"transfer_batch\"", "\"batch\"")]
    public async Task TransferQuery_DetailNotFoundAndTheBatchAnswerIsAboutAnotherBatch_IsUnknown(string original, string replacement)
    {
        Assert.Contains(original, BatchQueryAnswer(), StringComparison.Ordinal);
        _server.Respond = (request, _) => Answer(request, detail: DetailNotFound, batch: (HttpStatusCode.OK, BatchQueryAnswer().Replace(original, replacement, StringComparison.Ordinal)));

        var result = await _channel.QueryTransferAsync(_account, Transfer(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
    }

    [Fact]
    public async Task TransferQuery_DetailNotFoundAndTheBatchAnswerUnverified_IsUnknown()
    {
        // Only the batch query's "no such batch" is altered after signing: it must not count as one.
        _server.Respond = (request, _) => Answer(request, detail: DetailNotFound, batch: (HttpStatusCode.NotFound, "{\"code\":\"NOT_FOUND\",\"message\":\"批次不存在\"}"));
        _server.TamperAfterSigning = body => body.Contains("批次不存在", StringComparison.Ordinal) ? body + " " : body;

        var result = await _channel.QueryTransferAsync(_account, Transfer(), default);

        Assert.Equal(ChannelFundsState.Unknown, result.State);
    }

    [Fact]
    public async Task Transfer_InvalidRequestWhileTheBatchExistsButItsDetailIsNotVisibleYet_IsNotFailed()
    {
        // A re-send of a batch WeChat took (and is still processing) with other content, e.g. a re-encrypted name.
        _server.Respond = (request, _) => request.Method == HttpMethod.Post
            ? (HttpStatusCode.BadRequest, "{\"code\":\"INVALID_REQUEST\",\"message\":\"商家批次单号重复，请使用新的单号\"}")
            : Answer(request, detail: DetailNotFound, batch: (HttpStatusCode.OK, BatchQueryAnswer()));

        var result = await _channel.TransferAsync(_account, Transfer(), default);

        Assert.Equal((ChannelFundsState.Pending, "1030000071100999991182020050700019480001"), (result.State, result.ChannelTransferNo));
    }

    [Fact]
    public async Task Transfer_InvalidRequestAndWeChatHoldsNoSuchBatch_IsFailed()
    {
        _server.Respond = (request, _) => request.Method == HttpMethod.Post
            ? (HttpStatusCode.BadRequest, "{\"code\":\"INVALID_REQUEST\",\"message\":\"参数错误\"}")
            : DetailNotFound;

        var result = await _channel.TransferAsync(_account, Transfer(), default);

        Assert.Equal((ChannelFundsState.Failed, "INVALID_REQUEST"), (result.State, result.ErrorCode));
        Assert.Contains(_server.Requests, r => r.PathAndQuery == BatchQueryPath);
    }

    private static ChannelRefundRequest Refund() => new(RefundId, OrderId, "4200001234202611260000000001", 600, 1000, "CNY", "商品已售完", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static ChannelRefundQuery Query() => new(RefundId, OrderId, "4200001234202611260000000001", 600, "CNY", new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private const string DetailPath = $"/v3/transfer/batches/out-batch-no/{TransferId}/details/out-detail-no/{TransferId}";
    private const string BatchQueryPath = $"/v3/transfer/batches/out-batch-no/{TransferId}?need_query_detail=false";

    private static readonly (HttpStatusCode, string?) DetailNotFound = (HttpStatusCode.NotFound, "{\"code\":\"NOT_FOUND\",\"message\":\"记录不存在\"}");

    private static (HttpStatusCode Status, string? Body) Answer(HttpRequestMessage request, (HttpStatusCode, string?) detail, (HttpStatusCode, string?) batch) =>
        request.RequestUri!.PathAndQuery switch
        {
            DetailPath => detail,
            BatchQueryPath => batch,
            _ => (HttpStatusCode.NotFound, "{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}"),
        };

    private static ChannelTransferRequest Transfer() => new(TransferId, 5000, "CNY", PayeeTypes.WeChatOpenId, OpenId, null, "佣金");

    private static string RefundAnswer(string status) =>
        "{\"refund_id\":\"50300908092018010222000000000\",\"out_refund_no\":\"" + RefundId + "\",\"transaction_id\":\"4200001234202611260000000001\","
        + "\"out_trade_no\":\"" + OrderId + "\",\"channel\":\"ORIGINAL\",\"user_received_account\":\"支付用户零钱\","
        + (status == "SUCCESS" ? "\"success_time\":\"2026-11-26T18:05:06+08:00\"," : "")
        + "\"create_time\":\"2026-11-26T18:05:00+08:00\",\"status\":\"" + status + "\",\"funds_account\":\"AVAILABLE\","
        + "\"amount\":{\"total\":1000,\"refund\":600,\"from\":[],\"payer_total\":1000,\"payer_refund\":600,\"settlement_refund\":600,"
        + "\"settlement_total\":1000,\"discount_refund\":0,\"currency\":\"CNY\",\"refund_fee\":0},\"promotion_detail\":[]}";

    private static string RefundResource(string status) =>
        "{\"mchid\":\"" + MchId + "\",\"out_trade_no\":\"" + OrderId + "\",\"transaction_id\":\"4200001234202611260000000001\","
        + "\"out_refund_no\":\"" + RefundId + "\",\"refund_id\":\"50300908092018010222000000000\",\"refund_status\":\"" + status + "\","
        + (status == "SUCCESS" ? "\"success_time\":\"2026-11-26T18:05:06+08:00\"," : "")
        + "\"user_received_account\":\"支付用户零钱\",\"amount\":{\"total\":1000,\"refund\":600,\"payer_total\":1000,\"payer_refund\":600}}";

    private static byte[] RefundNotification(string eventType, string plaintext, string apiV3Key = WeChatPayTestPlatform.ApiV3Key)
    {
        const string nonce = "refundNonce1";
        var ciphertext = WeChatPayAesGcm.Encrypt(apiV3Key, nonce, "refund", plaintext);
        return Encoding.UTF8.GetBytes(
            "{\"id\":\"EV-refund-0001\",\"create_time\":\"2026-11-26T18:05:07+08:00\",\"resource_type\":\"encrypt-resource\","
            + $"\"event_type\":\"{eventType}\",\"summary\":\"退款状态变化\",\"resource\":{{\"original_type\":\"refund\","
            + $"\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"{ciphertext}\",\"associated_data\":\"refund\",\"nonce\":\"{nonce}\"}}}}");
    }

    private static string BatchAnswer(string outBatchNo) =>
        "{\"out_batch_no\":\"" + outBatchNo + "\",\"batch_id\":\"1030000071100999991182020050700019480001\","
        + "\"create_time\":\"2026-11-26T18:08:00+08:00\",\"batch_status\":\"ACCEPTED\"}";

    // The batch query by out_batch_no with need_query_detail=false, as WeChat documents it.
    private static string BatchQueryAnswer() =>
        "{\"transfer_batch\":{\"mchid\":\"" + MchId + "\",\"out_batch_no\":\"" + TransferId + "\",\"batch_id\":\"1030000071100999991182020050700019480001\","
        + "\"appid\":\"" + WeChatPayChannelTests.AppId + "\",\"batch_status\":\"PROCESSING\",\"batch_type\":\"API\",\"batch_name\":\"" + TransferId + "\","
        + "\"batch_remark\":\"佣金\",\"total_amount\":5000,\"total_num\":1,\"create_time\":\"2026-11-26T18:08:00+08:00\"}}";

    private static string DetailAnswer(string status) =>
        "{\"mchid\":\"" + MchId + "\",\"out_batch_no\":\"" + TransferId + "\",\"batch_id\":\"1030000071100999991182020050700019480001\","
        + "\"appid\":\"" + WeChatPayChannelTests.AppId + "\",\"out_detail_no\":\"" + TransferId + "\",\"detail_id\":\"1040000071100999991182020050700019500100\","
        + "\"detail_status\":\"" + status + "\",\"transfer_amount\":5000,\"transfer_remark\":\"佣金\","
        + (status == "FAIL" ? "\"fail_reason\":\"ACCOUNT_FROZEN\"," : "")
        + "\"openid\":\"" + OpenId + "\",\"initiate_time\":\"2026-11-26T18:08:00+08:00\",\"update_time\":\"2026-11-26T18:09:00+08:00\"}";
}
