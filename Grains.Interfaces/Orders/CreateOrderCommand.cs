using System.Collections.Immutable;

namespace PayGateway;

/// <summary>
/// A validated request to create an order. The API host validates; grains trust the shape, not the app.
/// <see cref="Deduction"/> is set only by a contract's grain, for its deduction orders (method AGREEMENT).
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.CreateOrderCommand")]
public sealed record CreateOrderCommand(
    [property: Id(0)] string AppId,
    [property: Id(1)] string OutTradeNo,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] string Subject,
    [property: Id(5)] string? Description,
    [property: Id(6)] PayMethod Method,
    [property: Id(7)] string? Channel,
    [property: Id(8)] string NotifyUrl,
    [property: Id(9)] string? ReturnUrl,
    [property: Id(10)] int ExpireSeconds,
    [property: Id(11)] string? UserIp,
    [property: Id(12)] string? UserId,
    [property: Id(13)] string? ProductId,
    [property: Id(14)] string? AuthCode,
    [property: Id(15)] ImmutableSortedDictionary<string, string> Metadata,
    [property: Id(16)] ContractDeduction? Deduction = null);
