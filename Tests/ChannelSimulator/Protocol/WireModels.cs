using System.Text.Json.Nodes;

namespace PayGateway.ChannelSimulator.Protocol;

/// <summary>Body of POST /mock/v1/payments. Everything nullable so validation can name what is missing.</summary>
internal sealed record CreatePaymentBody(
    string? OutTradeNo,
    long? Amount,
    string? Currency,
    string? Subject,
    string? Description,
    string? Method,
    string? NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset? ExpireAt,
    string? AuthCode);

/// <summary>A payment as the API returns it from create and query.</summary>
internal sealed record PaymentView(
    string OutTradeNo,
    string? TradeNo,
    string Status,
    long? Amount,
    string? Currency,
    string MerchantId,
    DateTimeOffset? PaidAt = null,
    string? PayUrl = null,
    string? QrCode = null,
    JsonObject? AppParams = null);

/// <summary>Answer of POST /mock/v1/payments/{out_trade_no}/close.</summary>
internal sealed record CloseView(string OutTradeNo, string TradeNo, string Status, string MerchantId);

/// <summary>Every error answer: a stable code and a human message.</summary>
internal sealed record ErrorBody(string Code, string Message);

/// <summary>The callback POSTed to notify_url.</summary>
internal sealed record CallbackBody(
    string EventId,
    string OutTradeNo,
    string TradeNo,
    string Status,
    long Amount,
    string Currency,
    string MerchantId,
    DateTimeOffset? PaidAt);
