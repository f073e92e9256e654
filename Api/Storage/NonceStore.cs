using MySqlConnector;

namespace PayGateway.Api.Storage;

/// <summary>
/// Remembers merchant request nonces in MariaDB so a nonce is accepted once per app across every API host, and
/// survives restarts. The primary key does the deduplication: an insert either wins or hits a duplicate.
/// </summary>
public sealed class NonceStore(DatabaseConnections database)
{
    public async Task<bool> TryUseAsync(string appId, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "INSERT INTO paygw_request_nonce (app_id, nonce, expires_at) VALUES (@app, @nonce, @expires)", connection);
        command.Parameters.AddWithValue("@app", appId);
        command.Parameters.AddWithValue("@nonce", nonce);
        command.Parameters.AddWithValue("@expires", expiresAt.UtcDateTime);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.DuplicateKeyEntry)
        {
            return false;
        }
    }

    /// <summary>Deletes nonces whose window has passed; they can no longer be replayed (the timestamp check refuses them).</summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("DELETE FROM paygw_request_nonce WHERE expires_at < @now LIMIT 10000", connection);
        command.Parameters.AddWithValue("@now", now.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Purges expired nonces once a minute.</summary>
public sealed class NoncePurgeService(NonceStore store, TimeProvider clock, ILogger<NoncePurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.PurgeExpiredAsync(clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Nonce purge failed; will retry");
            }
        }
    }
}
