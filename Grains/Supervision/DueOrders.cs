using MySqlConnector;

namespace PayGateway.Supervision;

/// <summary>
/// Reads what is due from the <c>paygw_order</c>, <c>paygw_transfer</c> and <c>paygw_contract</c> projections (order
/// ids, transfer ids, which start with <c>T</c>, and contract ids, which start with <c>C</c>): one index range scan on next_check_at per table, filtered to a shard. Cost is
/// proportional to what is due, not to what exists.
/// </summary>
public sealed class DueOrders(string connectionString)
{
    public async Task<IReadOnlyList<string>> ReadAsync(int shard, int shards, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            """
            SELECT id FROM (
                (SELECT order_id AS id, next_check_at FROM paygw_order
                  WHERE next_check_at <= @now AND CRC32(order_id) % @shards = @shard
                  ORDER BY next_check_at LIMIT @limit)
                UNION ALL
                (SELECT transfer_id, next_check_at FROM paygw_transfer
                  WHERE next_check_at <= @now AND CRC32(transfer_id) % @shards = @shard
                  ORDER BY next_check_at LIMIT @limit)
                UNION ALL
                (SELECT contract_id, next_check_at FROM paygw_contract
                  WHERE next_check_at <= @now AND CRC32(contract_id) % @shards = @shard
                  ORDER BY next_check_at LIMIT @limit)
            ) AS due ORDER BY next_check_at LIMIT @limit
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
