using PayGateway.Api.Storage;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Storage;

/// <summary>The nonce table's purge keeps up with the request rate: one tick removes every expired nonce, however many.</summary>
public sealed class NonceStoreTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task PurgeTick_With25000ExpiredNonces_RemovesThemAllAndKeepsUnexpiredOnes()
    {
        var now = DateTimeOffset.UtcNow;
        // 25,000 expired nonces (two and a half purge batches) from two apps, as a minute of ~420 requests/s leaves them.
        await _database.ExecuteAsync(
            "INSERT INTO paygw_request_nonce (app_id, nonce, expires_at) SELECT IF(seq % 2 = 0, 'app_a', 'app_b'), CONCAT('expired-', seq), @expired FROM seq_1_to_25000",
            ("@expired", now.AddSeconds(-1).UtcDateTime));
        var store = new NonceStore(new DatabaseConnections(_database.ConnectionString));
        Assert.True(await store.TryUseAsync("app_a", "still-in-window", now.AddMinutes(5), CancellationToken.None));

        var purged = await store.PurgeExpiredAsync(now, CancellationToken.None);

        Assert.Equal(25_000, purged);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_request_nonce WHERE expires_at < @now", ("@now", now.UtcDateTime)));
        // The unexpired nonce is still there: it is still refused as a replay.
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT COUNT(*) FROM paygw_request_nonce"));
        Assert.False(await store.TryUseAsync("app_a", "still-in-window", now.AddMinutes(5), CancellationToken.None));
    }
}
