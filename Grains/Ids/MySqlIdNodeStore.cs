using MySqlConnector;

namespace PayGateway.Ids;

/// <summary><see cref="IIdNodeStore"/> on the <c>paygw_id_node</c> table.</summary>
public sealed class MySqlIdNodeStore(string connectionString) : IIdNodeStore
{
    public async Task<IdNodeLease> AcquireAsync(string holder, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken);
        // SKIP LOCKED lets silos starting together each take a different free code without waiting on each other.
        await using var select = new MySqlCommand(
            """
            SELECT node_code, reserved_until_ms FROM paygw_id_node
             WHERE lease_expires_at < UTC_TIMESTAMP(3)
             ORDER BY lease_expires_at, node_code LIMIT 1 FOR UPDATE SKIP LOCKED
            """, connection, transaction);
        int nodeCode;
        long reservedUntil;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("No free id node code: every one of the 1,296 codes is leased.");
            }
            nodeCode = reader.GetInt32(0);
            reservedUntil = reader.GetInt64(1);
        }
        await using var update = new MySqlCommand(
            """
            UPDATE paygw_id_node
               SET holder = @holder, lease_expires_at = TIMESTAMPADD(MICROSECOND, @lease_us, UTC_TIMESTAMP(3))
             WHERE node_code = @node_code
            """, connection, transaction);
        update.Parameters.AddWithValue("@holder", holder);
        update.Parameters.AddWithValue("@lease_us", (long)leaseDuration.TotalMicroseconds);
        update.Parameters.AddWithValue("@node_code", nodeCode);
        await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IdNodeLease(nodeCode, holder, reservedUntil);
    }

    public async Task<bool> RenewAsync(IdNodeLease lease, long reservedUntilMs, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            """
            UPDATE paygw_id_node
               SET lease_expires_at = TIMESTAMPADD(MICROSECOND, @lease_us, UTC_TIMESTAMP(3)),
                   reserved_until_ms = GREATEST(reserved_until_ms, @reserved)
             WHERE node_code = @node_code AND holder = @holder AND lease_expires_at > UTC_TIMESTAMP(3)
            """, connection);
        command.Parameters.AddWithValue("@lease_us", (long)leaseDuration.TotalMicroseconds);
        command.Parameters.AddWithValue("@reserved", reservedUntilMs);
        command.Parameters.AddWithValue("@node_code", lease.NodeCode);
        command.Parameters.AddWithValue("@holder", lease.Holder);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task ReleaseAsync(IdNodeLease lease, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            """
            UPDATE paygw_id_node SET holder = NULL, lease_expires_at = '2000-01-01'
             WHERE node_code = @node_code AND holder = @holder
            """, connection);
        command.Parameters.AddWithValue("@node_code", lease.NodeCode);
        command.Parameters.AddWithValue("@holder", lease.Holder);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
