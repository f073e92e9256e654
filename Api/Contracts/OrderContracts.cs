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

/// <summary>An order on the wire.</summary>
public sealed record OrderResponse(
    string OrderId,
    string AppId,
    string OutTradeNo,
    string Status,
    long Amount,
    string Currency,
    string Subject,
    string? Description,
    string Method,
    string Channel,
    string? ChannelTradeNo,
    PayDataResponse? PayData,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? ClosedAt,
    ErrorResponse? Failure,
    string NotifyUrl,
    string? ReturnUrl,
    IReadOnlyDictionary<string, string> Metadata)
{
    public static OrderResponse From(OrderView o) => new(
        o.OrderId, o.AppId, o.OutTradeNo, o.Status.ToWire(), o.Amount, o.Currency, o.Subject, o.Description,
        o.Method.ToString(), o.Channel, o.ChannelTradeNo,
        o.PayData is { } p ? new PayDataResponse(p.Kind, p.Content) : null,
        o.CreatedAt, o.UpdatedAt, o.ExpiresAt, o.PaidAt, o.ClosedAt,
        o.Failure is { } f ? new ErrorResponse(f.Code, f.Message) : null,
        o.NotifyUrl, o.ReturnUrl, o.Metadata);
}

public sealed record PayDataResponse(string Kind, string Content);

public sealed record ErrorResponse(string Code, string Message);
