using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace PayGateway.Callbacks;

/// <summary>
/// Things operators must look at: rejected callbacks (bad signature, tampered amount/currency/account, unknown
/// order) and contradictions (a payment reported for an order already final). Rows go to
/// <c>paygw_review_item</c>; the callback body is kept (truncated) for investigation.
/// </summary>
public sealed class ReviewLog(string connectionString, GatewayMetrics metrics, ILogger<ReviewLog> logger)
{
    private const int MaxBodyChars = 8000;

    /// <summary>Files one item; false when the row could not be written (logged, never thrown).</summary>
    public async Task<bool> RecordAsync(string kind, string channel, string accountId, string? orderId, string code, string detail, byte[]? body)
    {
        metrics.ReviewItemFiled(kind, channel, code);
        logger.LogWarning("Review item {Kind} {Code} for {Channel}/{AccountId} order {OrderId}: {Detail}", kind, code, channel, accountId, orderId, detail);
        try
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand(
                """
                INSERT INTO paygw_review_item (created_at, kind, channel, account_id, order_id, code, detail, body_sha256, body)
                VALUES (UTC_TIMESTAMP(3), @kind, @channel, @account, @order, @code, @detail, @sha, @body)
                """, connection);
            var text = body is null ? null : Encoding.UTF8.GetString(body);
            command.Parameters.AddWithValue("@kind", kind);
            command.Parameters.AddWithValue("@channel", channel);
            command.Parameters.AddWithValue("@account", accountId);
            command.Parameters.AddWithValue("@order", orderId);
            command.Parameters.AddWithValue("@code", code);
            command.Parameters.AddWithValue("@detail", detail.Length > 1000 ? detail[..1000] : detail);
            command.Parameters.AddWithValue("@sha", body is null ? null : Convert.ToHexStringLower(SHA256.HashData(body)));
            command.Parameters.AddWithValue("@body", text is { Length: > MaxBodyChars } ? text[..MaxBodyChars] : text);
            await command.ExecuteNonQueryAsync();
            return true;
        }
        catch (MySqlException ex)
        {
            // The callback is refused either way; losing the review row must not turn a refusal into an error.
            logger.LogError(ex, "Could not record review item {Code} for order {OrderId}", code, orderId);
            return false;
        }
    }
}
