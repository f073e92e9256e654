using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Alipay Open Platform (OpenAPI gateway, RSA2) as a payment channel.
/// </summary>
/// <remarks>
/// Account settings: <c>app_id</c>, <c>alipay_public_key</c> (bare SPKI, PEM, or the Alipay public certificate),
/// optional <c>app_cert_sn</c> + <c>alipay_root_cert_sn</c> for cert mode, optional <c>agreement_product_code</c> and
/// <c>agreement_sign_scene</c> for recurring payments (<see cref="AlipayAgreementSettings"/>). Secret: <c>app_private_key</c>.
/// <see cref="ChannelAccount.BaseUrl"/> is the gateway address; when it ends in <c>/</c>, <c>gateway.do</c> is appended.
/// </remarks>
public sealed partial class AlipayChannel : IPaymentChannel
{
    public const string ChannelName = "alipay";
    public const string HttpClientName = "channel.alipay";

    public const string AppIdSetting = "app_id";
    public const string AppCertSnSetting = "app_cert_sn";
    public const string AlipayRootCertSnSetting = "alipay_root_cert_sn";

    /// <summary>Cert mode from the certificates themselves: the serials are derived (PEM settings, not secrets).</summary>
    public const string AppPublicCertSetting = "app_public_cert";
    public const string AlipayRootCertSetting = "alipay_root_cert";
    public const string AlipayPublicKeySetting = "alipay_public_key";
    public const string AppPrivateKeySecret = "app_private_key";

    private const string Currency = "CNY";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ILogger<AlipayChannel> _logger;
    private readonly TimeProvider _timeProvider;

    public AlipayChannel(IHttpClientFactory httpClientFactory, ILogger<AlipayChannel> logger, TimeProvider? timeProvider = null)
    {
        _httpClientFactory = httpClientFactory;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Name => ChannelName;

    public IReadOnlyCollection<PayMethod> SupportedMethods { get; } =
        [PayMethod.QR_CODE, PayMethod.WEB, PayMethod.WAP, PayMethod.APP, PayMethod.SERVER];

    public async Task<ChannelPaymentResult> CreatePaymentAsync(ChannelAccount account, ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);

        // Nothing has been sent yet, so refusing here is a definitive "nothing was charged".
        if (!string.Equals(request.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "CURRENCY_NOT_SUPPORTED", ErrorMessage: $"Alipay accounts here settle in {Currency} only.");
        }

        if (request.Amount <= 0)
        {
            return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "INVALID_AMOUNT", ErrorMessage: "The amount must be positive.");
        }

        var biz = new Dictionary<string, object?>
        {
            ["out_trade_no"] = request.OrderId,
            ["total_amount"] = AlipayFormats.ToYuan(request.Amount),
            ["subject"] = request.Subject,
            ["body"] = request.Description,
            ["time_expire"] = AlipayFormats.ToBeijingTime(request.ExpiresAt),
        };

        switch (request.Method)
        {
            case PayMethod.QR_CODE:
                biz["product_code"] = "FACE_TO_FACE_PAYMENT";
                return await PrecreateAsync(account, biz, cancellationToken).ConfigureAwait(false);
            case PayMethod.SERVER:
                if (string.IsNullOrEmpty(request.AuthCode))
                {
                    return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "AUTH_CODE_REQUIRED", ErrorMessage: "A barcode payment needs the payer's auth code.");
                }

                biz["product_code"] = "FACE_TO_FACE_PAYMENT";
                biz["scene"] = "bar_code";
                biz["auth_code"] = request.AuthCode;
                return await BarcodePayAsync(account, biz, cancellationToken).ConfigureAwait(false);
            case PayMethod.WEB:
                biz["product_code"] = "FAST_INSTANT_TRADE_PAY";
                return PageRedirect(account, "alipay.trade.page.pay", biz, request.ReturnUrl);
            case PayMethod.WAP:
                biz["product_code"] = "QUICK_WAP_WAY";
                biz["quit_url"] = request.ReturnUrl;
                return PageRedirect(account, "alipay.trade.wap.pay", biz, request.ReturnUrl);
            case PayMethod.APP:
                biz["product_code"] = "QUICK_MSECURITY_PAY";
                using (var key = LoadAppPrivateKey(account))
                {
                    var parameters = AlipayRequest.Build(Context(account), "alipay.trade.app.pay", biz, _timeProvider.GetUtcNow(), key);
                    return new ChannelPaymentResult(ChannelOutcome.Accepted, PayData: new PayData("app_params", AlipayRequest.ToQueryString(parameters)));
                }

            default:
                return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "METHOD_NOT_SUPPORTED", ErrorMessage: $"Alipay does not serve {request.Method} here.");
        }
    }

    public async Task<ChannelQueryResult> QueryPaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var call = await CallAsync(account, "alipay.trade.query", new Dictionary<string, object?> { ["out_trade_no"] = orderId }, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelQueryResult.Unknown(call.Problem!);
        }

        switch (call.Code)
        {
            case "10000" when !NamesOrder(payload, orderId):
                // Correctly signed, but about another trade: nothing here may be applied to this order.
                LogOtherOrder("alipay.trade.query", account.AccountId, orderId, Str(payload, "out_trade_no"));
                return ChannelQueryResult.Unknown("Alipay's query answer names another out_trade_no.");
            case "10000":
                var state = Str(payload, "trade_status") switch
                {
                    "WAIT_BUYER_PAY" => ChannelTradeState.Pending,
                    "TRADE_SUCCESS" or "TRADE_FINISHED" => ChannelTradeState.Succeeded,
                    "TRADE_CLOSED" => ChannelTradeState.Closed,
                    _ => ChannelTradeState.Unknown,
                };
                if (state == ChannelTradeState.Unknown)
                {
                    return ChannelQueryResult.Unknown("Alipay reported an unrecognised trade_status.");
                }

                long? amount = AlipayFormats.TryParseYuan(Str(payload, "total_amount"), out var fen) ? fen : null;
                if (state == ChannelTradeState.Succeeded && amount is null)
                {
                    // A payment is followed only once its amount is compared with the order's.
                    return ChannelQueryResult.Unknown("Alipay reported the trade paid without a readable total_amount.");
                }
                AlipayFormats.TryParseBeijingTime(Str(payload, "send_pay_date"), out var paidAt);
                return new ChannelQueryResult(state, Str(payload, "trade_no"), amount, Currency, state == ChannelTradeState.Succeeded ? paidAt : null);
            case "40004" when call.SubCode == "ACQ.TRADE_NOT_EXIST":
                return new ChannelQueryResult(ChannelTradeState.NotFound, ErrorCode: call.SubCode, ErrorMessage: call.SubMessage);
            default:
                return new ChannelQueryResult(ChannelTradeState.Unknown, ErrorCode: call.SubCode ?? call.Code, ErrorMessage: call.SubMessage ?? call.Message);
        }
    }

    public async Task<ChannelCloseResult> ClosePaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var call = await CallAsync(account, "alipay.trade.close", new Dictionary<string, object?> { ["out_trade_no"] = orderId }, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return new ChannelCloseResult(ChannelTradeState.Unknown, "CHANNEL_UNKNOWN", call.Problem);
        }

        switch (call.Code, call.SubCode)
        {
            case ("10000", _) when Str(payload, "out_trade_no") is { } answered && answered != orderId:
                // The close answer may leave out_trade_no out; when it names one, it must be this order's.
                LogOtherOrder("alipay.trade.close", account.AccountId, orderId, answered);
                return new ChannelCloseResult(ChannelTradeState.Unknown, "CHANNEL_UNKNOWN", "Alipay's close answer names another out_trade_no.");
            case ("10000", _):
                return new ChannelCloseResult(ChannelTradeState.Closed);
            case ("40004", "ACQ.TRADE_NOT_EXIST"):
                // A QR trade the payer never scanned does not exist at Alipay yet; the caller decides what that means.
                return new ChannelCloseResult(ChannelTradeState.NotFound, call.SubCode, call.SubMessage);
            case ("40004", "ACQ.TRADE_STATUS_ERROR"):
                // Already paid or already closed: only a query tells which.
                var query = await QueryPaymentAsync(account, orderId, cancellationToken).ConfigureAwait(false);
                return new ChannelCloseResult(query.State, call.SubCode, call.SubMessage);
            default:
                return new ChannelCloseResult(ChannelTradeState.Unknown, call.SubCode ?? call.Code, call.SubMessage ?? call.Message);
        }
    }

    public Task<ChannelCallbackParseResult> ParseCallbackAsync(ChannelAccount account, ChannelCallbackRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(ParseCallback(account, request));

    private static ChannelCallbackParseResult ParseCallback(ChannelAccount account, ChannelCallbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);

        AlipayNotifyVerification verification;
        using (var key = LoadAlipayPublicKey(account))
        {
            verification = AlipayNotifyVerifier.VerifyForm(request.Body.Span, key);
        }

        if (!verification.IsVerified)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_SIGNATURE", $"Alipay notify rejected: {verification.Status}.");
        }

        var fields = verification.Parameters;
        var appId = account.RequiredSetting(AppIdSetting);
        if (!fields.TryGetValue("app_id", out var notifiedAppId) || notifiedAppId != appId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The notify is for another Alipay app.");
        }

        if (AlipayAgreementNotify.IsAgreementNotify(fields.GetValueOrDefault("notify_type")))
        {
            return AlipayAgreementNotify.Parse(fields, appId);
        }

        if (!fields.TryGetValue("notify_type", out var notifyType) || notifyType != "trade_status_sync")
        {
            return ChannelCallbackParseResult.Rejected("UNSUPPORTED_NOTIFY", "Only trade_status_sync, dut_user_sign and dut_user_unsign notifies are handled.");
        }

        var state = fields.GetValueOrDefault("trade_status") switch
        {
            "WAIT_BUYER_PAY" => ChannelTradeState.Pending,
            "TRADE_SUCCESS" or "TRADE_FINISHED" => ChannelTradeState.Succeeded,
            "TRADE_CLOSED" => ChannelTradeState.Closed,
            _ => (ChannelTradeState?)null,
        };
        if (state is null
            || !fields.TryGetValue("out_trade_no", out var orderId) || string.IsNullOrEmpty(orderId)
            || !AlipayFormats.TryParseYuan(fields.GetValueOrDefault("total_amount"), out var amount))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFY", "The notify lacks trade_status, out_trade_no or total_amount.");
        }

        AlipayFormats.TryParseBeijingTime(fields.GetValueOrDefault("gmt_payment"), out var paidAt);
        return ChannelCallbackParseResult.Accepted(new ChannelCallback(
            orderId,
            state.Value,
            fields.GetValueOrDefault("trade_no"),
            amount,
            Currency,
            appId,
            state == ChannelTradeState.Succeeded ? paidAt : null,
            fields.GetValueOrDefault("notify_id")));
    }

    // Alipay retries until it reads exactly "success"; any other body (here "fail") asks for a redelivery.
    public ChannelCallbackReply ReplyToCallback(bool accepted) =>
        accepted ? new ChannelCallbackReply(200, "text/plain", "success") : new ChannelCallbackReply(400, "text/plain", "fail");

    private async Task<ChannelPaymentResult> PrecreateAsync(ChannelAccount account, Dictionary<string, object?> biz, CancellationToken cancellationToken)
    {
        var call = await CallAsync(account, "alipay.trade.precreate", biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelPaymentResult.Unknown(call.Problem!);
        }

        if (call.Code == "10000")
        {
            var qrCode = Str(payload, "qr_code");
            return string.IsNullOrEmpty(qrCode)
                ? ChannelPaymentResult.Unknown("Alipay accepted the precreate but returned no qr_code.")
                : new ChannelPaymentResult(ChannelOutcome.Accepted, PayData: new PayData("qr_code", qrCode));
        }

        return FailureOrUnknown(call);
    }

    private async Task<ChannelPaymentResult> BarcodePayAsync(ChannelAccount account, Dictionary<string, object?> biz, CancellationToken cancellationToken)
    {
        var call = await CallAsync(account, "alipay.trade.pay", biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelPaymentResult.Unknown(call.Problem!);
        }

        switch (call.Code)
        {
            case "10000" when !NamesOrder(payload, (string)biz["out_trade_no"]!):
                LogOtherOrder("alipay.trade.pay", account.AccountId, (string)biz["out_trade_no"]!, Str(payload, "out_trade_no"));
                return ChannelPaymentResult.Unknown("Alipay's pay answer names another out_trade_no.");
            case "10000":
                AlipayFormats.TryParseBeijingTime(Str(payload, "gmt_payment"), out var paidAt);
                return new ChannelPaymentResult(ChannelOutcome.Succeeded, Str(payload, "trade_no"), PaidAt: paidAt ?? _timeProvider.GetUtcNow());
            case "10003":
                // The payer must confirm on the phone: the trade exists and will be settled by query or notify.
                return new ChannelPaymentResult(ChannelOutcome.Accepted, Str(payload, "trade_no"), ErrorCode: "USER_PAYING", ErrorMessage: call.Message);
            default:
                return FailureOrUnknown(call);
        }
    }

    private ChannelPaymentResult PageRedirect(ChannelAccount account, string method, Dictionary<string, object?> biz, string? returnUrl)
    {
        using var key = LoadAppPrivateKey(account);
        var parameters = AlipayRequest.Build(Context(account), method, biz, _timeProvider.GetUtcNow(), key, returnUrl);

        // A signed GET URL works for page and wap pay and avoids handing HTML to the caller.
        var url = GatewayUri(account) + "?" + AlipayRequest.ToQueryString(parameters);
        return new ChannelPaymentResult(ChannelOutcome.Accepted, PayData: new PayData("redirect_url", url));
    }

    private static ChannelPaymentResult FailureOrUnknown(AlipayCall call)
    {
        // A retried create for an order the payer already paid: reporting failure here would lose real money.
        if (call.SubCode == "ACQ.TRADE_HAS_SUCCESS")
        {
            return new ChannelPaymentResult(ChannelOutcome.Succeeded, call.Payload is { } p ? Str(p, "trade_no") : null, ErrorCode: call.SubCode, ErrorMessage: call.SubMessage);
        }

        // 20000 and the system-error sub codes mean "the request may or may not have been processed".
        var uncertain = call.Code == "20000"
            || call.SubCode is "ACQ.SYSTEM_ERROR" or "aop.unknow-error" or "isp.unknow-error"
            || call.Code is not ("20001" or "40001" or "40002" or "40003" or "40004" or "40006");
        return uncertain
            ? new ChannelPaymentResult(ChannelOutcome.Unknown, ErrorCode: call.SubCode ?? call.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: call.SubMessage ?? call.Message)
            : new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: call.SubCode ?? call.Code, ErrorMessage: call.SubMessage ?? call.Message);
    }

    private async Task<AlipayCall> CallAsync(ChannelAccount account, string method, Dictionary<string, object?> biz, CancellationToken cancellationToken)
    {
        IReadOnlyList<KeyValuePair<string, string>> parameters;
        using (var key = LoadAppPrivateKey(account))
        {
            parameters = AlipayRequest.Build(Context(account), method, biz, _timeProvider.GetUtcNow(), key);
        }

        using var alipayKey = LoadAlipayPublicKey(account);
        using var content = new FormUrlEncodedContent(parameters);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };

        byte[] body;
        int status;
        try
        {
            var client = _httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.PostAsync(GatewayUri(account), content, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The request may have reached Alipay before the failure: the money may have moved. (The channel client's
            // timeout surfaces as a cancellation, like HttpClient's own: see ChannelTimeoutHandler.)
            LogTransportFailure(method, account.AccountId, ex.GetType().Name);
            return AlipayCall.Failed($"Transport failure calling {method}.");
        }

        if (status is < 200 or > 299)
        {
            LogUnexpectedStatus(method, account.AccountId, status);
            return AlipayCall.Failed($"Alipay answered HTTP {status} to {method}.");
        }

        var verification = AlipayResponseVerifier.Verify(body, method, alipayKey);
        if (!verification.IsVerified || verification.Envelope!.IsEncrypted)
        {
            LogUnverifiable(method, account.AccountId, verification.Status);
            return AlipayCall.Failed($"The {method} response could not be verified ({verification.Status}).");
        }

        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(verification.Envelope.SignedContent);
            payload = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return AlipayCall.Failed($"The {method} response payload is not JSON.");
        }

        var call = new AlipayCall(payload, Str(payload, "code"), Str(payload, "msg"), Str(payload, "sub_code"), Str(payload, "sub_msg"), null);
        LogResult(method, account.AccountId, call.Code, call.SubCode);
        return call;
    }

    public void ValidateAccount(ChannelAccount account)
    {
        _ = Context(account);
        _ = AlipayAgreementSettings.Of(account);
        using var privateKey = LoadAppPrivateKey(account);
        using var publicKey = LoadAlipayPublicKey(account);
    }

    private static AlipayRequestContext Context(ChannelAccount account)
    {
        var appCertSn = account.Settings.GetValueOrDefault(AppCertSnSetting) ?? Derive(account, AppPublicCertSetting, AlipayCertSerial.OfPem);
        var rootCertSn = account.Settings.GetValueOrDefault(AlipayRootCertSnSetting) ?? Derive(account, AlipayRootCertSetting, AlipayCertSerial.RootOfPem);
        if (string.IsNullOrEmpty(appCertSn) != string.IsNullOrEmpty(rootCertSn))
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: cert mode needs both '{AppCertSnSetting}' and '{AlipayRootCertSnSetting}'.");
        }

        return new AlipayRequestContext(account.RequiredSetting(AppIdSetting), appCertSn, rootCertSn, account.NotifyUrl.AbsoluteUri);
    }

    private static string? Derive(ChannelAccount account, string setting, Func<string, string> serialOf)
    {
        if (account.Settings.GetValueOrDefault(setting) is not { Length: > 0 } pem)
        {
            return null;
        }
        try
        {
            return serialOf(pem);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{setting}' is not a usable certificate ({ex.GetType().Name}).");
        }
    }

    private static string GatewayUri(ChannelAccount account)
    {
        var uri = account.BaseUrl.AbsoluteUri;
        return uri.EndsWith('/') ? uri + "gateway.do" : uri;
    }

    private static RSA LoadAppPrivateKey(ChannelAccount account)
    {
        try
        {
            return AlipayKeys.LoadPrivateKey(account.RequiredSecret(AppPrivateKeySecret));
        }
        catch (CryptographicException)
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{AppPrivateKeySecret}' is not a usable RSA private key.");
        }
    }

    private static RSA LoadAlipayPublicKey(ChannelAccount account)
    {
        try
        {
            return AlipayKeys.LoadPublicKey(account.RequiredSetting(AlipayPublicKeySetting));
        }
        catch (CryptographicException)
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{AlipayPublicKeySetting}' is not a usable RSA public key or certificate.");
        }
    }

    /// <summary>Whether a success payload is about <paramref name="orderId"/>: Alipay echoes out_trade_no in every trade answer.</summary>
    private static bool NamesOrder(JsonElement payload, string orderId) =>
        string.Equals(Str(payload, "out_trade_no"), orderId, StringComparison.Ordinal);

    private static string? Str(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private sealed record AlipayCall(JsonElement? Payload, string? Code, string? Message, string? SubCode, string? SubMessage, string? Problem)
    {
        public static AlipayCall Failed(string problem) => new(null, null, null, null, null, problem);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay {Method} for account {AccountId} failed in transport ({ExceptionType}); outcome unknown")]
    private partial void LogTransportFailure(string method, string accountId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay {Method} for account {AccountId} answered HTTP {Status}; outcome unknown")]
    private partial void LogUnexpectedStatus(string method, string accountId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay {Method} for account {AccountId} returned an unverifiable response ({Status}); outcome unknown")]
    private partial void LogUnverifiable(string method, string accountId, AlipayResponseStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay {Method} for account {AccountId} asked about {OrderId} but answered about {AnsweredOrderId}; outcome unknown")]
    private partial void LogOtherOrder(string method, string accountId, string orderId, string? answeredOrderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alipay {Method} for account {AccountId}: code {Code}, sub_code {SubCode}")]
    private partial void LogResult(string method, string accountId, string? code, string? subCode);
}
