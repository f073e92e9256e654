using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using PayGateway.Channels.WeChatPay.Papay;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// WeChat Pay API v3 (direct merchant): Native (QR), JSAPI, H5 and App payments, query by out_trade_no, close,
/// refunds, transfers to a user's balance (batch transfer), daily trade bills (statements), and payment and refund callbacks.
/// </summary>
/// <remarks>
/// Settings: <c>mchid</c>, <c>appid</c>, <c>serial_no</c> (merchant certificate serial); optional
/// <c>wechatpay_public_key_id</c> + <c>wechatpay_public_key</c> for merchants in public-key mode.
/// Secrets: <c>private_key</c> (merchant API key PEM), <c>apiv3_key</c>.
/// Papay (委托代扣, API v2, optional): secret <c>api_v2_key</c> (32 characters), setting <c>papay_plan_id</c>;
/// see WeChatPayChannel.Papay.cs.
/// </remarks>
public sealed partial class WeChatPayChannel : IPaymentChannel, IRefundChannel, ITransferChannel
{
    public void ValidateAccount(ChannelAccount account)
    {
        var merchant = WeChatPayMerchant.From(account);
        try
        {
            using var key = WeChatPayKeys.ImportPrivateKey(merchant.PrivateKeyPem);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{WeChatPayMerchant.PrivateKeySecret}' is not a usable RSA private key.");
        }
        // Public-key mode is all or nothing, and the key must load now: otherwise the first answer WeChat signs with it
        // would be unverifiable after the payment was already requested, and every callback would be refused.
        if ((merchant.PublicKeyId is null) != (merchant.PublicKeyPem is null))
        {
            throw new ChannelConfigurationException(
                $"Channel account {account.Channel}/{account.AccountId}: set both '{WeChatPayMerchant.PublicKeyIdSetting}' and '{WeChatPayMerchant.PublicKeySetting}', or neither.");
        }
        if (merchant.PublicKeyPem is { } publicKey)
        {
            try
            {
                using var key = WeChatPayKeys.ImportPublicKey(publicKey);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{WeChatPayMerchant.PublicKeySetting}' is not a usable RSA public key or certificate.");
            }
        }

        WeChatPayPapayMerchant.Validate(account);
    }

    public const string ChannelName = "wechatpay";

    // Codes after which WeChat has certainly not created a payable order. Everything else that is not a clear
    // success (rate limits, system errors, duplicate order numbers, unfamiliar codes) stays Unknown so the caller
    // queries instead of assuming. The list follows WeChat's error documentation, not a test vector.
    private static readonly HashSet<string> DefinitiveRefusals = new(StringComparer.Ordinal)
    {
        "PARAM_ERROR", "SIGN_ERROR", "NOAUTH", "APPID_MCHID_NOT_MATCH", "MCH_NOT_EXISTS", "ORDER_CLOSED",
    };

    private static readonly HashSet<string> NotFoundCodes = new(StringComparer.Ordinal) { "ORDER_NOT_EXIST", "ORDERNOTEXIST" };

    private static readonly JsonSerializerOptions BodyJson = WeChatPayJson.RequestBody;

    /// <summary>WeChat's limit for <c>description</c>.</summary>
    private const int MaxDescriptionLength = 127;


    private readonly WeChatPayApiClient _api;
    private readonly WeChatPayRefunds _refunds;
    private readonly WeChatPayTransfers _transfers;
    private readonly TimeProvider _timeProvider;
    private readonly WeChatPayPapaySigning _papaySigning;
    private readonly WeChatPayPapayContracts _papayContracts;
    private readonly WeChatPayPapayDeductions _papayDeductions;

    public WeChatPayChannel(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger<WeChatPayChannel> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _timeProvider = timeProvider;
        _api = new WeChatPayApiClient(httpClientFactory, timeProvider, new WeChatPayPlatformKeyCache(), logger, WeChatPaySignatureVerifier.DefaultMaxClockSkew);
        _refunds = new WeChatPayRefunds(_api);
        _transfers = new WeChatPayTransfers(_api);
        var v2 = new WeChatPayV2Client(httpClientFactory, logger);
        _papaySigning = new WeChatPayPapaySigning(v2);
        _papayContracts = new WeChatPayPapayContracts(v2);
        _papayDeductions = new WeChatPayPapayDeductions(v2);
    }

    public string Name => ChannelName;

    public IReadOnlyCollection<PayMethod> SupportedMethods { get; } = [PayMethod.QR_CODE, PayMethod.SDK, PayMethod.WAP, PayMethod.APP];

    public IReadOnlyCollection<string> PayeeTypes => WeChatPayTransfers.PayeeTypes;

    public IReadOnlyCollection<string> TransferCurrencies => WeChatPayTransfers.Currencies;

    /// <summary>
    /// Downloads the account's platform certificates ahead of time. Optional: a callback or answer naming a serial
    /// not loaded yet downloads them itself; a warm-up only saves that first message the wait.
    /// </summary>
    public Task WarmUpAsync(ChannelAccount account, CancellationToken cancellationToken) =>
        _api.EnsureCertificatesAsync(WeChatPayMerchant.From(account), cancellationToken);

    public async Task<ChannelPaymentResult> CreatePaymentAsync(ChannelAccount account, ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var merchant = WeChatPayMerchant.From(account);
        if (Reject(request) is { } refusal)
        {
            return refusal;
        }

        var (path, body) = BuildOrder(merchant, request);
        var response = await _api.SendAsync(merchant, HttpMethod.Post, path, Encoding.UTF8.GetBytes(body.ToJsonString(BodyJson)), cancellationToken).ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return ChannelPaymentResult.Unknown(response.Describe());
        }

        if (response.StatusCode == 200)
        {
            var payData = PayDataFrom(merchant, request, response);
            return payData is null
                ? ChannelPaymentResult.Unknown("WeChat Pay accepted the order but returned no payment parameters.")
                : new ChannelPaymentResult(ChannelOutcome.Accepted, PayData: payData);
        }

        var (code, message) = response.Error();
        if (response.StatusCode is >= 400 and < 500 && code is not null && DefinitiveRefusals.Contains(code))
        {
            return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: code, ErrorMessage: message);
        }

        return new ChannelPaymentResult(ChannelOutcome.Unknown, ErrorCode: code ?? "CHANNEL_UNKNOWN", ErrorMessage: message ?? response.Describe());
    }

    public async Task<ChannelQueryResult> QueryPaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        var merchant = WeChatPayMerchant.From(account);
        var path = $"/v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(orderId)}?mchid={Uri.EscapeDataString(merchant.MchId)}";
        var response = await _api.SendAsync(merchant, HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return ChannelQueryResult.Unknown(response.Describe());
        }

        if (response.StatusCode == 200)
        {
            if (!WeChatPayTransaction.TryParse(Encoding.UTF8.GetString(response.Body), out var transaction)
                || transaction.OutTradeNo != orderId || transaction.MchId != merchant.MchId)
            {
                return ChannelQueryResult.Unknown("WeChat Pay answered the query with a different or unreadable order.");
            }

            var state = WeChatPayTradeStates.ToChannelState(transaction.TradeState);
            if (state == ChannelTradeState.Succeeded && transaction.Amount is null)
            {
                // A payment is followed only once its amount and currency are compared with the order's.
                return ChannelQueryResult.Unknown("WeChat Pay reported the order paid without a readable amount.");
            }
            // WeChat's own state and text only explain the outcomes a person may need to look into.
            var explain = state is ChannelTradeState.Failed or ChannelTradeState.Unknown;
            return new ChannelQueryResult(
                state,
                transaction.TransactionId,
                transaction.Amount?.Total,
                transaction.Amount?.Currency,
                transaction.SuccessTime,
                ErrorCode: explain ? transaction.TradeState : null,
                ErrorMessage: explain ? transaction.TradeStateDesc : null);
        }

        var (code, message) = response.Error();
        if (response.StatusCode == 404 && code is not null && NotFoundCodes.Contains(code))
        {
            return new ChannelQueryResult(ChannelTradeState.NotFound, ErrorCode: code, ErrorMessage: message);
        }

        return new ChannelQueryResult(ChannelTradeState.Unknown, ErrorCode: code ?? "CHANNEL_UNKNOWN", ErrorMessage: message ?? response.Describe());
    }

    public async Task<ChannelCloseResult> ClosePaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        var merchant = WeChatPayMerchant.From(account);
        var path = $"/v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(orderId)}/close";
        var body = new JsonObject { ["mchid"] = merchant.MchId }.ToJsonString(BodyJson);
        var response = await _api.SendAsync(merchant, HttpMethod.Post, path, Encoding.UTF8.GetBytes(body), cancellationToken).ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return new ChannelCloseResult(ChannelTradeState.Unknown, "CHANNEL_UNKNOWN", response.Describe());
        }

        if (response.StatusCode is 204 or 200)
        {
            return new ChannelCloseResult(ChannelTradeState.Closed);
        }

        // The refusal codes (already paid, already closed, not found …) are documented loosely; the order's
        // actual state is what the caller needs, so ask for it.
        var (code, message) = response.Error();
        var query = await QueryPaymentAsync(account, orderId, cancellationToken).ConfigureAwait(false);
        return new ChannelCloseResult(query.State, code ?? query.ErrorCode, message ?? query.ErrorMessage);
    }

    public async Task<ChannelCallbackParseResult> ParseCallbackAsync(ChannelAccount account, ChannelCallbackRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (WeChatPayV2Notifications.IsV2(request))
        {
            // Papay's contract and PAP pay notifies are v2 XML signed with the APIv2 key.
            return WeChatPayV2Notifications.Parse(account, request);
        }

        var merchant = WeChatPayMerchant.From(account);
        var signed = WeChatPaySignedMessage.FromHeaders(request.Headers, request.Body);
        var result = WeChatPayNotification.Open(signed, _api.Verifier(merchant), merchant.ApiV3Key);

        if (result.Verification?.Status == WeChatPayVerificationStatus.UnknownSerial)
        {
            // A serial not loaded yet: the first callback after a restart, or WeChat signing with a new certificate.
            // Download (the client bounds how often) and verify again, so the callback is not refused for our gap.
            await _api.RefreshCertificatesAsync(merchant, force: false, cancellationToken, signed.Serial).ConfigureAwait(false);
            result = WeChatPayNotification.Open(signed, _api.Verifier(merchant), merchant.ApiV3Key);
        }

        if (!result.IsVerified)
        {
            var code = result.Status == WeChatPayNotificationStatus.SignatureInvalid
                ? "INVALID_SIGNATURE"
                : "INVALID_NOTIFICATION";
            return ChannelCallbackParseResult.Rejected(code, result.Reason ?? result.Status.ToString());
        }

        // Payments and refunds share the callback URL; the event type says which one this is.
        var eventType = result.Envelope!.EventType;
        if (eventType?.StartsWith("TRANSACTION.", StringComparison.Ordinal) == true)
        {
            return PaymentCallback(merchant, result);
        }

        if (eventType?.StartsWith("REFUND.", StringComparison.Ordinal) == true)
        {
            return WeChatPayRefunds.FromNotification(merchant, result);
        }

        return ChannelCallbackParseResult.Rejected("UNSUPPORTED_EVENT", $"Neither a payment nor a refund notification: '{eventType}'.");
    }

    public ChannelCallbackReply ReplyToCallback(bool accepted) => accepted
        ? new ChannelCallbackReply(200, "application/json", "{\"code\":\"SUCCESS\",\"message\":\"成功\"}")
        // Any non-2xx makes WeChat retry on its schedule, which is what a refused callback needs.
        : new ChannelCallbackReply(500, "application/json", "{\"code\":\"FAIL\",\"message\":\"失败\"}");

    public Task<ChannelRefundResult> RefundAsync(ChannelAccount account, ChannelRefundRequest request, CancellationToken cancellationToken) =>
        _refunds.RefundAsync(WeChatPayMerchant.From(account), request, cancellationToken);

    public Task<ChannelRefundResult> QueryRefundAsync(ChannelAccount account, ChannelRefundQuery query, CancellationToken cancellationToken) =>
        _refunds.QueryRefundAsync(WeChatPayMerchant.From(account), query, cancellationToken);

    public Task<ChannelTransferResult> TransferAsync(ChannelAccount account, ChannelTransferRequest request, CancellationToken cancellationToken) =>
        _transfers.TransferAsync(WeChatPayMerchant.From(account), request, cancellationToken);

    public Task<ChannelTransferResult> QueryTransferAsync(ChannelAccount account, ChannelTransferRequest request, CancellationToken cancellationToken) =>
        _transfers.QueryTransferAsync(WeChatPayMerchant.From(account), request, cancellationToken);

    private static ChannelCallbackParseResult PaymentCallback(WeChatPayMerchant merchant, WeChatPayNotificationResult notification)
    {
        if (!WeChatPayTransaction.TryParse(notification.Plaintext!, out var transaction))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", "The decrypted resource is not a transaction.");
        }

        if (transaction.MchId != merchant.MchId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The notification is for another merchant id.");
        }

        if (transaction.Amount is not { } amount)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFICATION", "The notification carries no amount.");
        }

        return ChannelCallbackParseResult.Accepted(new ChannelCallback(
            transaction.OutTradeNo,
            WeChatPayTradeStates.ToChannelState(transaction.TradeState),
            transaction.TransactionId,
            amount.Total,
            amount.Currency,
            transaction.MchId,
            transaction.SuccessTime,
            notification.Envelope!.Id));
    }

    private static ChannelPaymentResult? Reject(ChannelPaymentRequest request)
    {
        // Checked before anything is sent, so "Failed" is certain: nothing exists at WeChat.
        string? problem = request switch
        {
            { Amount: <= 0 } => "Amount must be positive.",
            _ when !string.Equals(request.Currency, "CNY", StringComparison.OrdinalIgnoreCase) => "WeChat Pay (domestic) only takes CNY.",
            { Method: PayMethod.SDK, UserId: null or "" } => "JSAPI payments need the payer's openid (UserId).",
            { Method: PayMethod.WAP, UserIp: null or "" } => "H5 payments need the payer's IP (UserIp).",
            { Method: not (PayMethod.QR_CODE or PayMethod.SDK or PayMethod.WAP or PayMethod.APP) } => $"Method {request.Method} is not supported by WeChat Pay.",
            _ => null,
        };
        return problem is null ? null : new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "INVALID_REQUEST", ErrorMessage: problem);
    }

    private static (string Path, JsonObject Body) BuildOrder(WeChatPayMerchant merchant, ChannelPaymentRequest request)
    {
        var description = WeChatPayText.Truncate(request.Subject, MaxDescriptionLength);
        var body = new JsonObject
        {
            ["appid"] = merchant.AppId,
            ["mchid"] = merchant.MchId,
            ["description"] = description,
            ["out_trade_no"] = request.OrderId,
            ["time_expire"] = request.ExpiresAt.ToOffset(ChinaStandardTime.Offset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["notify_url"] = merchant.Account.NotifyUrl.AbsoluteUri,
            ["amount"] = new JsonObject { ["total"] = request.Amount, ["currency"] = "CNY" },
        };

        switch (request.Method)
        {
            case PayMethod.SDK:
                body["payer"] = new JsonObject { ["openid"] = request.UserId };
                return ("/v3/pay/transactions/jsapi", body);
            case PayMethod.WAP:
                body["scene_info"] = new JsonObject
                {
                    ["payer_client_ip"] = request.UserIp,
                    ["h5_info"] = new JsonObject { ["type"] = "Wap" },
                };
                return ("/v3/pay/transactions/h5", body);
            case PayMethod.APP:
                return ("/v3/pay/transactions/app", body);
            default:
                return ("/v3/pay/transactions/native", body);
        }
    }

    private PayData? PayDataFrom(WeChatPayMerchant merchant, ChannelPaymentRequest request, WeChatPayApiResponse response)
    {
        switch (request.Method)
        {
            case PayMethod.QR_CODE:
                return response.ReadString("code_url") is { } codeUrl ? new PayData("qr_code", codeUrl) : null;
            case PayMethod.WAP:
                if (response.ReadString("h5_url") is not { } h5Url)
                {
                    return null;
                }

                // WeChat sends the payer back to redirect_url, appended to h5_url, after the cashier page.
                return new PayData("redirect_url", string.IsNullOrEmpty(request.ReturnUrl)
                    ? h5Url
                    : $"{h5Url}&redirect_url={Uri.EscapeDataString(request.ReturnUrl)}");
            default:
                if (response.ReadString("prepay_id") is not { } prepayId)
                {
                    return null;
                }

                var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
                var nonce = WeChatPayAuthorization.NewNonce();
                using (var key = WeChatPayApiClient.ImportMerchantKey(merchant))
                {
                    var parameters = request.Method == PayMethod.SDK
                        ? WeChatPayInvokeParameters.ForJsapi(merchant.AppId, prepayId, timestamp, nonce, key)
                        : WeChatPayInvokeParameters.ForApp(merchant.AppId, merchant.MchId, prepayId, timestamp, nonce, key);
                    return new PayData("app_params", parameters.ToJsonString(BodyJson));
                }
        }
    }
}
