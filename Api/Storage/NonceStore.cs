using System.Diagnostics;
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

    /// <summary>Rows one purge statement deletes: small enough that no statement holds its locks for long.</summary>
    public const int PurgeBatchSize = 10_000;

    /// <summary>How long one purge may keep deleting, well inside the minute between purges.</summary>
    public static readonly TimeSpan PurgeTimeLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deletes nonces whose window has passed; they can no longer be replayed (the timestamp check refuses them).
    /// Batch after batch while a batch comes back full, so one purge a minute removes a whole minute's nonces at any
    /// request rate (a single batch a minute fell behind above ~167 requests/s and the table grew without bound);
    /// stops after <see cref="PurgeTimeLimit"/> and leaves the rest to the next purge.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand($"DELETE FROM paygw_request_nonce WHERE expires_at < @now LIMIT {PurgeBatchSize}", connection);
        command.Parameters.AddWithValue("@now", now.UtcDateTime);
        var total = 0;
        int deleted;
        do
        {
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            total += deleted;
        }
        while (deleted == PurgeBatchSize && Stopwatch.GetElapsedTime(started) < PurgeTimeLimit);
        return total;
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
