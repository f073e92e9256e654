using System.Text.Json;

namespace PayGateway.Channels.Mock;

/// <summary>
/// The <c>mock</c> channel: a real HTTP protocol (JSON, HMAC-SHA256 both ways) served by the channel simulator.
/// Account settings: <c>merchant_id</c>; secrets: <c>hmac_key</c> (raw string). See docs/channels/mock.md.
/// </summary>
public sealed partial class MockChannel(IHttpClientFactory httpClientFactory, TimeProvider time) : IPaymentChannel, IRefundChannel, ITransferChannel
{
    public void ValidateAccount(ChannelAccount account)
    {
        _ = account.RequiredSetting("merchant_id");
        _ = account.RequiredSecret("hmac_key");
    }

    public const string ChannelName = "mock";

    private static readonly IReadOnlyList<PayMethod> Methods = PayMethods.Selectable;

    private readonly MockApiClient _api = new(httpClientFactory, time);

    public string Name => ChannelName;

    public IReadOnlyCollection<PayMethod> SupportedMethods => Methods;

    public async Task<ChannelPaymentResult> CreatePaymentAsync(ChannelAccount account, ChannelPaymentRequest request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new CreatePaymentWire(
            request.OrderId, request.Amount, request.Currency, request.Subject, request.Description, request.Method.ToString(),
            account.NotifyUrl.AbsoluteUri, request.ReturnUrl, request.ExpiresAt.ToUniversalTime(), request.AuthCode), MockWire.Json);
        var response = await _api.SendAsync(account, HttpMethod.Post, "mock/v1/payments", body, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelPaymentResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            return MockWire.TryRead<ErrorWire>(response.Body) is { Code: { Length: > 0 } code } error && response.Status is >= 400 and < 500
                ? new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: code, ErrorMessage: error.Message)
                : ChannelPaymentResult.Unknown($"Unexpected answer HTTP {response.Status}.");
        }

        var payment = MockWire.TryRead<PaymentWire>(response.Body);
        var merchantId = account.RequiredSetting("merchant_id");
        if (payment is null || payment.OutTradeNo != request.OrderId || payment.MerchantId != merchantId
            || payment.Amount != request.Amount || payment.Currency != request.Currency || string.IsNullOrEmpty(payment.TradeNo))
        {
            return ChannelPaymentResult.Unknown("The answer does not describe the requested payment.");
        }
        return MockWire.ParseState(payment.Status) switch
        {
            ChannelTradeState.Pending => PayDataFor(request.Method, payment) is { } payData
                ? new ChannelPaymentResult(ChannelOutcome.Accepted, payment.TradeNo, payData)
                : ChannelPaymentResult.Unknown("The pending payment came without what the payer needs."),
            ChannelTradeState.Succeeded => new ChannelPaymentResult(ChannelOutcome.Succeeded, payment.TradeNo, new PayData("none", ""), PaidAt: payment.PaidAt),
            ChannelTradeState.Failed => new ChannelPaymentResult(ChannelOutcome.Failed, payment.TradeNo, ErrorCode: "TRADE_FAILED", ErrorMessage: "The channel declined the payment."),
            ChannelTradeState.Closed => new ChannelPaymentResult(ChannelOutcome.Failed, payment.TradeNo, ErrorCode: "TRADE_CLOSED", ErrorMessage: "The payment is closed."),
            _ => ChannelPaymentResult.Unknown($"Unexpected status '{payment.Status}'."),
        };
    }

    public async Task<ChannelQueryResult> QueryPaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken)
    {
        var response = await _api.SendAsync(account, HttpMethod.Get, PaymentPath(orderId), null, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelQueryResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            // A refused query says nothing about the payment itself.
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return new ChannelQueryResult(ChannelTradeState.Unknown, ErrorCode: error?.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: error?.Message ?? $"HTTP {response.Status}.");
        }
        var payment = MockWire.TryRead<PaymentWire>(response.Body);
        var state = MockWire.ParseState(payment?.Status);
        if (payment is null || state is null || payment.OutTradeNo != orderId || payment.MerchantId != account.RequiredSetting("merchant_id"))
        {
            return ChannelQueryResult.Unknown("The answer does not describe the requested payment.");
        }
        if (state == ChannelTradeState.Succeeded && (payment.Amount is null || payment.Currency is null))
        {
            // A payment is followed only once its amount and currency are compared with the order's.
            return ChannelQueryResult.Unknown("The channel reported the payment succeeded without its amount and currency.");
        }
        return state == ChannelTradeState.NotFound
            ? new ChannelQueryResult(ChannelTradeState.NotFound)
            : new ChannelQueryResult(state.Value, payment.TradeNo, payment.Amount, payment.Currency, payment.PaidAt);
    }

    public async Task<ChannelCloseResult> ClosePaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken)
    {
        var response = await _api.SendAsync(account, HttpMethod.Post, PaymentPath(orderId) + "/close", [], cancellationToken);
        if (response.IsUnknown)
        {
            return new ChannelCloseResult(ChannelTradeState.Unknown, "CHANNEL_UNKNOWN", response.UnknownReason);
        }
        if (response.Status == 200)
        {
            return MockWire.TryRead<CloseWire>(response.Body) is { Status: "CLOSED" } closed && closed.OutTradeNo == orderId
                ? new ChannelCloseResult(ChannelTradeState.Closed)
                : new ChannelCloseResult(ChannelTradeState.Unknown, "CHANNEL_UNKNOWN", "The answer does not confirm the close.");
        }
        var error = MockWire.TryRead<ErrorWire>(response.Body);
        return (response.Status, error?.Code) switch
        {
            (409, "ALREADY_PAID") => new ChannelCloseResult(ChannelTradeState.Succeeded, "ALREADY_PAID", error.Message),
            (404, "TRADE_NOT_FOUND") => new ChannelCloseResult(ChannelTradeState.NotFound, "TRADE_NOT_FOUND", error.Message),
            _ => new ChannelCloseResult(ChannelTradeState.Unknown, error?.Code ?? "CHANNEL_UNKNOWN", error?.Message ?? $"HTTP {response.Status}."),
        };
    }

    public Task<ChannelCallbackParseResult> ParseCallbackAsync(ChannelAccount account, ChannelCallbackRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(MockCallbackParser.Parse(account, request, time.GetUtcNow()));

    public ChannelCallbackReply ReplyToCallback(bool accepted) => accepted
        ? new ChannelCallbackReply(200, "application/json", """{"ack":"OK"}""")
        : new ChannelCallbackReply(400, "application/json", """{"ack":"FAIL"}""");

    private static string PaymentPath(string orderId) => "mock/v1/payments/" + Uri.EscapeDataString(orderId);

    private static PayData? PayDataFor(PayMethod method, PaymentWire payment) => method switch
    {
        PayMethod.QR_CODE when !string.IsNullOrEmpty(payment.QrCode) => new PayData("qr_code", payment.QrCode),
        PayMethod.WEB or PayMethod.WAP when !string.IsNullOrEmpty(payment.PayUrl) => new PayData("redirect_url", payment.PayUrl),
        PayMethod.APP or PayMethod.SDK when payment.AppParams is { ValueKind: JsonValueKind.Object } p => new PayData("app_params", p.GetRawText()),
        PayMethod.SERVER => new PayData("none", ""),
        _ => null,
    };
}
