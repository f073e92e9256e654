using System.Text.Json;
using System.Text.Json.Serialization;

namespace PayGateway.Channels.Mock;

/// <summary>The mock protocol's JSON bodies (snake_case, nulls omitted).</summary>
internal static class MockWire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Deserializes, or null when the bytes are not that shape.</summary>
    public static T? TryRead<T>(ReadOnlySpan<byte> body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static ChannelTradeState? ParseState(string? status) => status switch
    {
        "PENDING" => ChannelTradeState.Pending,
        "SUCCEEDED" => ChannelTradeState.Succeeded,
        "CLOSED" => ChannelTradeState.Closed,
        "FAILED" => ChannelTradeState.Failed,
        "NOT_FOUND" => ChannelTradeState.NotFound,
        _ => null,
    };
}

internal sealed record CreatePaymentWire(
    string OutTradeNo,
    long Amount,
    string Currency,
    string Subject,
    string? Description,
    string Method,
    string NotifyUrl,
    string? ReturnUrl,
    DateTimeOffset ExpireAt,
    string? AuthCode);

internal sealed record PaymentWire(
    string? OutTradeNo,
    string? TradeNo,
    string? Status,
    long? Amount,
    string? Currency,
    string? MerchantId,
    DateTimeOffset? PaidAt,
    string? PayUrl,
    string? QrCode,
    JsonElement? AppParams);

internal sealed record CloseWire(string? OutTradeNo, string? TradeNo, string? Status, string? MerchantId);

internal sealed record ErrorWire(string? Code, string? Message);

internal sealed record CallbackWire(
    string? EventId,
    string? OutTradeNo,
    string? TradeNo,
    string? Status,
    long? Amount,
    string? Currency,
    string? MerchantId,
    DateTimeOffset? PaidAt);
