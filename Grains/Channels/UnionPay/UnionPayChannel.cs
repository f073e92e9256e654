using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// UnionPay online gateway (ACP 5.1.0, signMethod 01) as a payment channel: WEB/WAP consume through the payer's
/// browser (frontTransReq), APP consume through appTransReq (<c>tn</c>), queryTrans, and backUrl notifications;
/// refunds (UnionPayChannel.Refunds.cs) and statements (UnionPayChannel.Statements.cs).
/// </summary>
/// <remarks>
/// <para>Account settings and secrets: see <see cref="UnionPayAccount"/>. <see cref="ChannelAccount.BaseUrl"/> is
/// UnionPay's gateway root (<c>https://gateway.95516.com/</c>, test <c>https://gateway.test.95516.com/</c>);
/// <c>gateway/api/…</c> is resolved against it.</para>
/// <para><b>Order identity.</b> UnionPay names a transaction by <c>orderId</c> + <c>txnTime</c>. The gateway order id
/// is the orderId and the txnTime is derived from it (<see cref="UnionPayOrderTime"/>), so only gateway order ids are
/// accepted.</para>
/// <para><b>Closing.</b> ACP has no way to close an unpaid consume (revoke, txnType 31, undoes a <i>paid</i> one). What
/// makes an order unpayable is the <c>payTimeout</c> sent with it: the earlier of the order's expiry and the order's
/// txnTime plus the account's pay window (<c>pay_window_minutes</c>, default 2 h). <see cref="ClosePaymentAsync"/>
/// therefore closes nothing: it queries, and reports <see cref="ChannelTradeState.Closed"/> only when the answer proves
/// the order can no longer be paid: the transaction failed definitively (an origRespCode that
/// <see cref="UnionPayRespCodes"/> lists as "nothing moved"; never 42, debited after the pay time), or UnionPay still has no transaction
/// (respCode 34) although the pay window plus <see cref="InFlightGrace"/> has passed (a payment submitted before the
/// timeout would exist by then). Paid is <see cref="ChannelTradeState.Succeeded"/>; everything else is
/// <see cref="ChannelTradeState.Unknown"/>, so the gateway asks again later rather than closing an order the payer
/// can still pay. It never reports <see cref="ChannelTradeState.NotFound"/>, which the gateway would take as closed.</para>
/// </remarks>
public sealed partial class UnionPayChannel : IPaymentChannel
{
    public const string ChannelName = "unionpay";
    public const string HttpClientName = "channel.unionpay";

    public const string FrontTransPath = "gateway/api/frontTransReq.do";
    public const string AppTransPath = "gateway/api/appTransReq.do";
    public const string QueryTransPath = "gateway/api/queryTrans.do";
    public const string BackTransPath = "gateway/api/backTransReq.do";

    /// <summary>How long after payTimeout a payment submitted just before it may take to show in a query.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromMinutes(10);

    private const string Currency = "CNY";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ILogger<UnionPayChannel> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly UnionPayVerifier _verifier;

    public UnionPayChannel(IHttpClientFactory httpClientFactory, ILogger<UnionPayChannel> logger, TimeProvider? timeProvider = null)
    {
        _httpClientFactory = httpClientFactory;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _verifier = new UnionPayVerifier(_timeProvider);
    }

    public string Name => ChannelName;

    public IReadOnlyCollection<PayMethod> SupportedMethods { get; } = [PayMethod.WEB, PayMethod.WAP, PayMethod.APP];

    public async Task<ChannelPaymentResult> CreatePaymentAsync(ChannelAccount account, ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);

        // Nothing has been sent yet, so each refusal here is a definitive "nothing was charged".
        if (!string.Equals(request.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return Refused("CURRENCY_NOT_SUPPORTED", $"UnionPay accounts here settle in {Currency} only.");
        }

        if (request.Amount is <= 0 or > UnionPayFormats.MaxAmount)
        {
            return Refused("INVALID_AMOUNT", "The amount must be 1 to 12 digits of fen.");
        }

        if (!UnionPayOrderTime.TryGetIssuedAt(request.OrderId, out var issuedAt))
        {
            return Refused("ORDER_ID_NOT_SUPPORTED", "UnionPay needs a gateway order id (its txnTime is derived from it).");
        }

        var payTimeout = PayTimeout(account, issuedAt.Value, request.ExpiresAt);
        if (payTimeout <= _timeProvider.GetUtcNow())
        {
            return Refused("ORDER_EXPIRED", "The order can no longer be paid: its UnionPay pay timeout has passed.");
        }

        var fields = RequestFields(UnionPayAccount.MerId(account), UnionPayFields.TxnTypeConsume, UnionPayFields.SubTypeSelfServiceConsume, UnionPayFields.BizTypeGateway);
        fields.AddRange(
        [
            new(UnionPayFields.OrderId, request.OrderId),
            new(UnionPayFields.TxnTime, UnionPayFormats.ToBeijingTime(issuedAt.Value)),
            new(UnionPayFields.TxnAmt, UnionPayFormats.ToTxnAmt(request.Amount)),
            new(UnionPayFields.CurrencyCode, UnionPayFields.CurrencyCny),
            new(UnionPayFields.BackUrl, account.NotifyUrl.AbsoluteUri),
            new(UnionPayFields.PayTimeout, UnionPayFormats.ToBeijingTime(payTimeout)),
        ]);

        switch (request.Method)
        {
            case PayMethod.WEB or PayMethod.WAP:
                if (string.IsNullOrEmpty(request.ReturnUrl))
                {
                    return Refused("RETURN_URL_REQUIRED", "A UnionPay browser payment needs a return URL (frontUrl).");
                }

                fields.Add(new(UnionPayFields.ChannelType, request.Method == PayMethod.WEB ? UnionPayFields.ChannelTypeDesktop : UnionPayFields.ChannelTypeMobile));
                fields.Add(new(UnionPayFields.FrontUrl, request.ReturnUrl));
                return BrowserForm(account, fields);
            case PayMethod.APP:
                fields.Add(new(UnionPayFields.ChannelType, UnionPayFields.ChannelTypeMobile));
                return await AppConsumeAsync(account, request.OrderId, fields, cancellationToken).ConfigureAwait(false);
            default:
                return Refused("METHOD_NOT_SUPPORTED", $"UnionPay does not serve {request.Method} here.");
        }
    }

    /// <summary>
    /// The fields every request starts with: version 5.1.0, UTF-8, an RSA signature (signMethod 01), direct merchant
    /// access, the transaction's type and the merchant. Callers add what their transaction needs; the order of the
    /// fields does not matter to UnionPay or to the signature, which sorts them.
    /// </summary>
    private static List<KeyValuePair<string, string?>> RequestFields(string merId, string txnType, string txnSubType, string bizType) =>
    [
        new(UnionPayFields.Version, UnionPayFields.Version510),
        new(UnionPayFields.Encoding, UnionPayFields.Utf8),
        new(UnionPayFields.SignMethod, UnionPayFields.SignMethodRsa),
        new(UnionPayFields.TxnType, txnType),
        new(UnionPayFields.TxnSubType, txnSubType),
        new(UnionPayFields.BizType, bizType),
        new(UnionPayFields.AccessType, UnionPayFields.AccessTypeMerchant),
        new(UnionPayFields.MerId, merId),
    ];

    /// <summary>A queryTrans for the transaction UnionPay knows by <paramref name="orderId"/> + <paramref name="txnTime"/>: a payment or a refund.</summary>
    private static List<KeyValuePair<string, string?>> QueryFields(string merId, string orderId, string txnTime)
    {
        var fields = RequestFields(merId, UnionPayFields.TxnTypeQuery, UnionPayFields.SubTypeDefault, UnionPayFields.BizTypeQuery);
        fields.Add(new(UnionPayFields.OrderId, orderId));
        fields.Add(new(UnionPayFields.TxnTime, txnTime));
        return fields;
    }

    public async Task<ChannelQueryResult> QueryPaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!UnionPayOrderTime.TryGetTxnTime(orderId, out var txnTime))
        {
            return ChannelQueryResult.Unknown("Not a gateway order id: UnionPay cannot be asked about it.");
        }

        var fields = QueryFields(UnionPayAccount.MerId(account), orderId, txnTime);

        var call = await CallAsync(account, QueryTransPath, orderId, fields, cancellationToken).ConfigureAwait(false);
        if (call.Fields is not { } answer)
        {
            return ChannelQueryResult.Unknown(call.Problem!);
        }

        var respCode = answer.GetValueOrDefault(UnionPayFields.RespCode);
        var respMsg = answer.GetValueOrDefault(UnionPayFields.RespMsg);
        switch (respCode)
        {
            case "00":
                var origRespCode = answer.GetValueOrDefault(UnionPayFields.OrigRespCode);
                var state = UnionPayRespCodes.StateOfOriginal(origRespCode);
                if (state == ChannelTradeState.Unknown)
                {
                    // Not a final answer (UnionPayRespCodes): 42 "debited after the pay time", 74/75, A6, or a code
                    // nobody placed. Never Failed, so the order is neither failed nor closed on it; supervision asks again.
                    return NotFinal(orderId, origRespCode, answer.GetValueOrDefault(UnionPayFields.OrigRespMsg));
                }

                long? amount = UnionPayFormats.TryParseTxnAmt(answer.GetValueOrDefault(UnionPayFields.TxnAmt), out var fen) ? fen : null;
                string? currency = UnionPayFormats.TryParseCurrency(answer.GetValueOrDefault(UnionPayFields.CurrencyCode), out var iso) ? iso : null;
                if (state == ChannelTradeState.Succeeded && (amount is null || currency is null))
                {
                    // Paid, but for an amount or currency this gateway cannot read: nothing may be concluded from it.
                    return ChannelQueryResult.Unknown("UnionPay reported the order paid without a readable txnAmt/currencyCode.");
                }

                return new ChannelQueryResult(state, answer.GetValueOrDefault(UnionPayFields.QueryId), amount, currency,
                    state is ChannelTradeState.Succeeded ? ChannelTimeOf(answer) : null,
                    state is ChannelTradeState.Succeeded ? null : origRespCode, state is ChannelTradeState.Succeeded ? null : answer.GetValueOrDefault(UnionPayFields.OrigRespMsg));
            case UnionPayRespCodes.NotFound:
                return new ChannelQueryResult(ChannelTradeState.NotFound, ErrorCode: respCode, ErrorMessage: respMsg);
            default:
                // 03/04/05/06/37: UnionPay is busy or rate-limits; 10/11…: the query itself was refused. None says anything about the payment.
                return new ChannelQueryResult(ChannelTradeState.Unknown, ErrorCode: respCode ?? "CHANNEL_UNKNOWN", ErrorMessage: respMsg);
        }
    }

    /// <summary>Closes nothing (ACP cannot); reports what a query proves. See the class remarks.</summary>
    public async Task<ChannelCloseResult> ClosePaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var query = await QueryPaymentAsync(account, orderId, cancellationToken).ConfigureAwait(false);
        switch (query.State)
        {
            case ChannelTradeState.Succeeded:
                return new ChannelCloseResult(ChannelTradeState.Succeeded, query.ErrorCode, query.ErrorMessage);
            case ChannelTradeState.Failed:
                // A definitively failed transaction (nothing was charged) is final: the same orderId + txnTime cannot
                // be paid again. Codes that are not definitive (42, 70, …) arrive as Unknown or Pending, never here.
                return new ChannelCloseResult(ChannelTradeState.Closed, query.ErrorCode, query.ErrorMessage);
            case ChannelTradeState.NotFound when UnionPayOrderTime.TryGetIssuedAt(orderId, out var issuedAt)
                && _timeProvider.GetUtcNow() >= issuedAt.Value + UnionPayAccount.PayWindow(account) + InFlightGrace:
                return new ChannelCloseResult(ChannelTradeState.Closed, query.ErrorCode, "No UnionPay transaction exists and its pay timeout has passed.");
            case ChannelTradeState.NotFound or ChannelTradeState.Pending:
                return new ChannelCloseResult(ChannelTradeState.Unknown, "CLOSE_NOT_SUPPORTED",
                    "UnionPay cannot close an unpaid consume; it becomes unpayable at its payTimeout. Ask again later.");
            default:
                return new ChannelCloseResult(ChannelTradeState.Unknown, query.ErrorCode ?? "CHANNEL_UNKNOWN", query.ErrorMessage);
        }
    }

    public Task<ChannelCallbackParseResult> ParseCallbackAsync(ChannelAccount account, ChannelCallbackRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(ParseCallback(account, request));

    private ChannelCallbackParseResult ParseCallback(ChannelAccount account, ChannelCallbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);

        if (!UnionPayForm.TryParseUrlEncoded(request.Body.Span, out var fields))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFY", "The notification is not a decodable form.");
        }

        UnionPayVerifyStatus status;
        using (var trust = UnionPayAccount.Trust(account))
        {
            status = _verifier.Verify(fields, trust);
        }

        if (status != UnionPayVerifyStatus.Verified)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_SIGNATURE", $"UnionPay notification rejected: {status}.");
        }

        var merId = UnionPayAccount.MerId(account);
        if (fields.GetValueOrDefault(UnionPayFields.MerId) != merId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The notification is for another UnionPay merchant.");
        }

        switch (fields.GetValueOrDefault(UnionPayFields.TxnType))
        {
            case UnionPayFields.TxnTypeConsume:
                break;
            case UnionPayFields.TxnTypeRefund:
                return RefundNotification(fields, merId);
            default:
                return ChannelCallbackParseResult.Rejected("UNSUPPORTED_NOTIFY", "Only consume (txnType 01) and refund (04) notifications are handled.");
        }

        if (!fields.TryGetValue(UnionPayFields.OrderId, out var orderId) || string.IsNullOrEmpty(orderId)
            || !UnionPayFormats.TryParseTxnAmt(fields.GetValueOrDefault(UnionPayFields.TxnAmt), out var amount))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFY", "The notification lacks orderId or a readable txnAmt.");
        }

        if (!UnionPayFormats.TryParseCurrency(fields.GetValueOrDefault(UnionPayFields.CurrencyCode), out var currency))
        {
            return ChannelCallbackParseResult.Rejected("UNSUPPORTED_CURRENCY", "Only currencyCode 156 (CNY) is understood.");
        }

        if (fields.GetValueOrDefault(UnionPayFields.RespCode) is not { Length: > 0 } respCode)
        {
            return ChannelCallbackParseResult.Rejected("INVALID_NOTIFY", "The notification lacks respCode.");
        }

        // Anything but 00, in-progress or a definitive refusal is Unknown: acknowledged, the order left as it is, and
        // supervision queries. 42 (debited after the pay time) must not fail an order whose payer was charged.
        var state = UnionPayRespCodes.StateOfTransaction(respCode);
        var queryId = fields.GetValueOrDefault(UnionPayFields.QueryId);
        if (UnionPayRespCodes.SaysDebited(respCode))
        {
            LogDebitedNotFinal("notification", orderId, respCode);
        }

        return ChannelCallbackParseResult.Accepted(new ChannelCallback(
            orderId,
            state,
            queryId,
            amount,
            currency,
            merId,
            state is ChannelTradeState.Succeeded ? ChannelTimeOf(fields) : null,
            // UnionPay has no notification id; its retries repeat the same queryId and respCode.
            queryId is null ? null : $"{queryId}:{respCode}"));
    }

    // UnionPay does not read the body: HTTP 200 acknowledges, anything else asks for a redelivery.
    public ChannelCallbackReply ReplyToCallback(bool accepted) =>
        accepted ? new ChannelCallbackReply(200, "text/plain", "ok") : new ChannelCallbackReply(400, "text/plain", "fail");

    public void ValidateAccount(ChannelAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var merId = UnionPayAccount.MerId(account);
        if (merId.Length != 15 || !merId.All(char.IsAsciiDigit))
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{UnionPayAccount.MerIdSetting}' must be UnionPay's 15-digit merchant id.");
        }

        _ = UnionPayAccount.PayWindow(account);
        if (account.Settings.ContainsKey(UnionPayAccount.FileTransferUrlSetting))
        {
            // Only when set: accounts on UnionPay's own hosts derive it, and a missing one fails only statements.
            _ = UnionPayAccount.FileTransferUrl(account);
        }

        using var trust = UnionPayAccount.Trust(account);
        using var key = UnionPayAccount.SigningKey(account);
    }

    private ChannelPaymentResult BrowserForm(ChannelAccount account, List<KeyValuePair<string, string?>> fields)
    {
        IReadOnlyList<KeyValuePair<string, string>> signed;
        using (var key = UnionPayAccount.SigningKey(account))
        {
            signed = key.SignRequest(fields);
        }

        // frontTransReq only takes a browser POST: the payer's browser gets a form that submits itself.
        return new ChannelPaymentResult(ChannelOutcome.Accepted, PayData: new PayData("form", UnionPayForm.AutoSubmitForm(Endpoint(account, FrontTransPath), signed)));
    }

    private async Task<ChannelPaymentResult> AppConsumeAsync(ChannelAccount account, string orderId, List<KeyValuePair<string, string?>> fields, CancellationToken cancellationToken)
    {
        var call = await CallAsync(account, AppTransPath, orderId, fields, cancellationToken).ConfigureAwait(false);
        if (call.Fields is not { } answer)
        {
            return ChannelPaymentResult.Unknown(call.Problem!);
        }

        var respCode = answer.GetValueOrDefault(UnionPayFields.RespCode);
        var respMsg = answer.GetValueOrDefault(UnionPayFields.RespMsg);
        switch (UnionPayRespCodes.OutcomeOfRequest(respCode))
        {
            case ChannelOutcome.Accepted when answer.GetValueOrDefault(UnionPayFields.Tn) is { Length: > 0 } tn:
                return new ChannelPaymentResult(ChannelOutcome.Accepted, PayData: new PayData("app_params", tn));
            case ChannelOutcome.Accepted:
                return ChannelPaymentResult.Unknown("UnionPay accepted the app consume but returned no tn.");
            case ChannelOutcome.Failed:
                return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: respCode, ErrorMessage: respMsg);
            default:
                return new ChannelPaymentResult(ChannelOutcome.Unknown, ErrorCode: respCode ?? "CHANNEL_UNKNOWN", ErrorMessage: respMsg);
        }
    }

    private Task<UnionPayCall> CallAsync(ChannelAccount account, string path, string orderId, IEnumerable<KeyValuePair<string, string?>> fields, CancellationToken cancellationToken) =>
        CallAsync(account, Endpoint(account, path), path, orderId, fields, cancellationToken);

    /// <summary>
    /// Signs and posts <paramref name="fields"/>, then reads and verifies the answer. An answer that is not verified or
    /// names another merchant (or, when <paramref name="orderId"/> is given, another order) is a failed call: nothing in
    /// it may be applied.
    /// </summary>
    private async Task<UnionPayCall> CallAsync(ChannelAccount account, Uri endpoint, string path, string? orderId, IEnumerable<KeyValuePair<string, string?>> fields, CancellationToken cancellationToken)
    {
        IReadOnlyList<KeyValuePair<string, string>> signed;
        using (var key = UnionPayAccount.SigningKey(account))
        {
            signed = key.SignRequest(fields);
        }

        using var trust = UnionPayAccount.Trust(account);
        using var content = new StringContent(UnionPayForm.EncodeUrlEncoded(signed), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };

        string text;
        int status;
        try
        {
            var client = _httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            text = Encoding.UTF8.GetString(body);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The request may have reached UnionPay before the failure: the money may have moved.
            LogTransportFailure(path, account.AccountId, ex.GetType().Name);
            return UnionPayCall.Failed($"Transport failure calling {path}.");
        }

        if (status is < 200 or > 299)
        {
            LogUnexpectedStatus(path, account.AccountId, status);
            return UnionPayCall.Failed($"UnionPay answered HTTP {status} to {path}.");
        }

        if (!UnionPayForm.TryParseResponse(text, out var answer))
        {
            LogUnverifiable(path, account.AccountId, "Malformed");
            return UnionPayCall.Failed($"The {path} answer is not a k=v&… string.");
        }

        var verification = _verifier.Verify(answer, trust);
        if (verification != UnionPayVerifyStatus.Verified)
        {
            LogUnverifiable(path, account.AccountId, verification.ToString());
            return UnionPayCall.Failed($"The {path} answer could not be verified ({verification}).");
        }

        // Correctly signed, but about another merchant or order: nothing here may be applied to this one.
        if (answer.GetValueOrDefault(UnionPayFields.MerId) != UnionPayAccount.MerId(account)
            || (orderId is not null && answer.GetValueOrDefault(UnionPayFields.OrderId) != orderId))
        {
            LogOtherOrder(path, account.AccountId, orderId, answer.GetValueOrDefault(UnionPayFields.OrderId));
            return UnionPayCall.Failed($"The {path} answer names another merId or orderId.");
        }

        LogResult(path, account.AccountId, answer.GetValueOrDefault(UnionPayFields.RespCode), answer.GetValueOrDefault(UnionPayFields.OrigRespCode));
        return new UnionPayCall(answer, null);
    }

    /// <summary>
    /// UnionPay's own time of the transaction a verified answer or notification is about: <c>traceTime</c>
    /// (MMddHHmmss, Beijing time), the 交易传输时间 the ZM file lists the transaction with, in the year nearest the
    /// transaction's <c>txnTime</c> (or, without one, the clock). The gateway dates payments and refunds by it, so a
    /// payment healed days later or notified after UnionPay's day cut falls on the statement day that lists it. Null
    /// when UnionPay sent none: the gateway then has nothing better than its own clock.
    /// </summary>
    private DateTimeOffset? ChannelTimeOf(IReadOnlyDictionary<string, string> fields)
    {
        var near = UnionPayFormats.TryParseBeijingTime(fields.GetValueOrDefault(UnionPayFields.TxnTime), out var sent) ? sent.Value : _timeProvider.GetUtcNow();
        return UnionPayFormats.TryParseYearlessBeijingTime(fields.GetValueOrDefault(UnionPayFields.TraceTime), near, out var at) ? at : null;
    }

    private static DateTimeOffset PayTimeout(ChannelAccount account, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var latest = issuedAt + UnionPayAccount.PayWindow(account);
        return expiresAt < latest ? expiresAt : latest;
    }

    private static Uri Endpoint(ChannelAccount account, string path)
    {
        var root = account.BaseUrl.AbsoluteUri;
        return new Uri(new Uri(root.EndsWith('/') ? root : root + "/"), path);
    }

    /// <summary>
    /// A queryTrans answer whose origRespCode is not final: unknown, carrying the code so it is logged and shown. A
    /// code saying the card was debited (42, 74, 75) is also logged as a warning: no query will ever turn it into a
    /// success, so an operator has to look at the order.
    /// </summary>
    private ChannelQueryResult NotFinal(string orderId, string? origRespCode, string? origRespMsg)
    {
        if (string.IsNullOrEmpty(origRespCode))
        {
            return new ChannelQueryResult(ChannelTradeState.Unknown, ErrorCode: "CHANNEL_UNKNOWN", ErrorMessage: "queryTrans answered 00 without origRespCode.");
        }

        if (UnionPayRespCodes.SaysDebited(origRespCode))
        {
            LogDebitedNotFinal("queryTrans", orderId, origRespCode);
        }

        return new ChannelQueryResult(ChannelTradeState.Unknown, ErrorCode: origRespCode, ErrorMessage: origRespMsg);
    }

    private static ChannelPaymentResult Refused(string code, string message) =>
        new(ChannelOutcome.Failed, ErrorCode: code, ErrorMessage: message);

    private sealed record UnionPayCall(IReadOnlyDictionary<string, string>? Fields, string? Problem)
    {
        public static UnionPayCall Failed(string problem) => new(null, problem);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "UnionPay {Path} for account {AccountId} failed in transport ({ExceptionType}); outcome unknown")]
    private partial void LogTransportFailure(string path, string accountId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UnionPay {Path} for account {AccountId} answered HTTP {Status}; outcome unknown")]
    private partial void LogUnexpectedStatus(string path, string accountId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UnionPay {Path} for account {AccountId} returned an unverifiable answer ({Status}); outcome unknown")]
    private partial void LogUnverifiable(string path, string accountId, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UnionPay {Path} for account {AccountId} asked about {OrderId} but answered about {AnsweredOrderId}; outcome unknown")]
    private partial void LogOtherOrder(string path, string accountId, string? orderId, string? answeredOrderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UnionPay {Source} says transaction {OrderId} was debited without completing (code {RespCode}); left open, an operator must decide")]
    private partial void LogDebitedNotFinal(string source, string orderId, string? respCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "UnionPay {Path} for account {AccountId}: respCode {RespCode}, origRespCode {OrigRespCode}")]
    private partial void LogResult(string path, string accountId, string? respCode, string? origRespCode);
}
