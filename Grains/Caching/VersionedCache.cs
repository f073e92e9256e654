using System.Collections.Concurrent;

namespace PayGateway.Caching;

/// <summary>
/// A per-silo cache of configuration that changes rarely and is read on every request (merchant apps, channel
/// accounts). Entries carry the version of the state they were built from. An invalidation raises the key's
/// floor: no entry below it is served or stored again, even one whose load was already in flight. Entries also
/// expire by age, which bounds how long a silo that missed an invalidation can serve an old version.
/// </summary>
public sealed class VersionedCache<TValue>(TimeProvider clock, TimeSpan maxAge) where TValue : class
{
    private sealed record Entry(long Version, TValue Value, DateTimeOffset LoadedAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _floors = new(StringComparer.Ordinal);

    public TimeSpan MaxAge => maxAge;

    public bool TryGet(string key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry) && clock.GetUtcNow() - entry.LoadedAt < maxAge && entry.Version >= Floor(key))
        {
            value = entry.Value;
            return true;
        }
        value = null!;
        return false;
    }

    /// <summary>Returns the cached value, or loads it (outside any lock: concurrent misses may each load once).</summary>
    public async ValueTask<TValue?> GetOrLoadAsync(string key, Func<Task<(long Version, TValue Value)?>> load)
    {
        if (TryGet(key, out var cached))
        {
            return cached;
        }
        if (await load() is not { } loaded)
        {
            return null;
        }
        Store(key, loaded.Version, loaded.Value);
        return loaded.Value;
    }

    public void Store(string key, long version, TValue value)
    {
        if (version < Floor(key))
        {
            return;
        }
        var entry = new Entry(version, value, clock.GetUtcNow());
        _entries.AddOrUpdate(key, entry, (_, existing) => existing.Version > version ? existing : entry);
        // An invalidation may have raised the floor between the check above and the store.
        if (version < Floor(key))
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    public void Invalidate(string key, long version)
    {
        _floors.AddOrUpdate(key, version, (_, floor) => Math.Max(floor, version));
        if (_entries.TryGetValue(key, out var entry) && entry.Version < version)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    private long Floor(string key) => _floors.TryGetValue(key, out var floor) ? floor : long.MinValue;
}
