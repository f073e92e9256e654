namespace PayGateway.Api.Contracts;

/// <summary>POST /v1/orders body. Every member is nullable so that a missing field is a validation error, not a default.</summary>
public sealed record CreateOrderRequest(
    string? OutTradeNo,
    long? Amount,
    string? Currency,
    string? Subject,
    string? Description,
    string? Method,
    string? Channel,
    string? NotifyUrl,
    string? ReturnUrl,
    int? ExpireSeconds,
    string? UserIp,
    string? UserId,
    string? ProductId,
    string? AuthCode,
    Dictionary<string, string>? Metadata);

