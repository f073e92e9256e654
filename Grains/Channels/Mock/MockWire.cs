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

    /// <summary>Refund and transfer status values.</summary>
    public static ChannelFundsState? ParseFundsState(string? status) => status switch
    {
        "PROCESSING" => ChannelFundsState.Pending,
        "SUCCEEDED" => ChannelFundsState.Succeeded,
        "FAILED" => ChannelFundsState.Failed,
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

/// <summary>Just the <c>type</c> of a callback: absent (or "payment") for payments, "refund" for refunds, "contract" for contracts.</summary>
internal sealed record CallbackTypeWire(string? Type);

internal sealed record RefundRequestWire(string OutRefundNo, string OutTradeNo, long Amount, string Currency, string? Reason, string NotifyUrl);

/// <summary>A refund in an answer, and (with <c>type</c> and <c>event_id</c>) in a refund callback.</summary>
internal sealed record RefundWire(
    string? Type,
    string? EventId,
    string? OutRefundNo,
    string? RefundNo,
    string? OutTradeNo,
    string? MerchantId,
    long? Amount,
    string? Currency,
    string? Status,
    DateTimeOffset? SucceededAt);

internal sealed record TransferRequestWire(
    string OutTransferNo,
    string PayeeType,
    string PayeeAccount,
    string? PayeeName,
    long Amount,
    string Currency,
    string? Remark);

internal sealed record TransferWire(
    string? OutTransferNo,
    string? TransferNo,
    string? MerchantId,
    long? Amount,
    string? Currency,
    string? Status,
    string? FailReason,
    DateTimeOffset? SucceededAt);
