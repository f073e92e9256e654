using MySqlConnector;

namespace PayGateway.Supervision;

/// <summary>
/// Reads due orders from the <c>paygw_order</c> projection: one index range scan on next_check_at, filtered to
/// a shard. Cost is proportional to the orders that are due, not to the orders that exist.
/// </summary>
public sealed class DueOrders(string connectionString)
{
    public async Task<IReadOnlyList<string>> ReadAsync(int shard, int shards, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            """
            SELECT order_id FROM paygw_order
             WHERE next_check_at <= @now AND CRC32(order_id) % @shards = @shard
             ORDER BY next_check_at LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("@now", now.UtcDateTime);
        command.Parameters.AddWithValue("@shards", shards);
        command.Parameters.AddWithValue("@shard", shard);
        command.Parameters.AddWithValue("@limit", limit);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }
}
