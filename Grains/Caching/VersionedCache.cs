using System.Collections.Concurrent;

namespace PayGateway.Caching;

/// <summary>
/// A per-silo cache of configuration that changes rarely and is read on every request (merchant apps, channel
/// accounts). Entries carry the version of the state they were built from. An invalidation raises the key's
/// floor: no entry below it is served or stored again, even one whose load was already in flight. Entries also
/// expire by age, which bounds how long a silo that missed an invalidation can serve an old version.
/// A key that has no value (a made-up app_id or account: anyone can send one) is remembered as absent for
/// <c>absentMaxAge</c> only, so a burst for it reaches its grain about once per that age; the invalidation that
/// announces its creation ends that at once.
/// </summary>
public sealed class VersionedCache<TValue>(TimeProvider clock, TimeSpan maxAge, TimeSpan absentMaxAge) where TValue : class
{
    private sealed record Entry(long Version, TValue Value, DateTimeOffset LoadedAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _floors = new(StringComparer.Ordinal);
    private readonly AbsentKeys _absent = new(clock, absentMaxAge);

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
        if (_absent.Contains(key))
        {
            return null;
        }
        var floor = Floor(key);
        if (await load() is not { } loaded)
        {
            StoreAbsent(key, floor);
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

    /// <summary>
    /// Remembers that <paramref name="key"/> had no value, unless an invalidation (its creation) arrived since the
    /// load began: that answer may predate the creation.
    /// </summary>
    private void StoreAbsent(string key, long floorBeforeLoad)
    {
        if (Floor(key) != floorBeforeLoad)
        {
            return;
        }
        _absent.Add(key);
        // The invalidation may have arrived between the check above and the add.
        if (Floor(key) != floorBeforeLoad)
        {
            _absent.Remove(key);
        }
    }

    public void Invalidate(string key, long version)
    {
        _floors.AddOrUpdate(key, version, (_, floor) => Math.Max(floor, version));
        _absent.Remove(key);
        if (_entries.TryGetValue(key, out var entry) && entry.Version < version)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
    }

    private long Floor(string key) => _floors.TryGetValue(key, out var floor) ? floor : long.MinValue;

    /// <summary>
    /// Keys found absent, each for <c>maxAge</c>. Made-up keys never come back, so instead of a sweep the keys live in
    /// two generations, the older dropped whole every <c>maxAge</c>: what is held is the keys of the last two periods.
    /// </summary>
    private sealed class AbsentKeys(TimeProvider clock, TimeSpan maxAge)
    {
        private readonly Lock _rotation = new();
        private volatile ConcurrentDictionary<string, DateTimeOffset> _current = new(StringComparer.Ordinal);
        private volatile ConcurrentDictionary<string, DateTimeOffset> _previous = new(StringComparer.Ordinal);
        private long _currentSinceTicks = clock.GetUtcNow().UtcTicks;

        public bool Contains(string key)
        {
            var now = Rotated();
            return (_current.TryGetValue(key, out var at) || _previous.TryGetValue(key, out at)) && now - at < maxAge;
        }

        public void Add(string key)
        {
            var now = Rotated();
            _current[key] = now;
        }

        // The current generation first: a rotation moves it to previous before it replaces it, so the key is
        // removed from wherever a concurrent rotation put it.
        public void Remove(string key)
        {
            _current.TryRemove(key, out _);
            _previous.TryRemove(key, out _);
        }

        private DateTimeOffset Rotated()
        {
            var now = clock.GetUtcNow();
            if (now.UtcTicks - Interlocked.Read(ref _currentSinceTicks) >= maxAge.Ticks)
            {
                lock (_rotation)
                {
                    if (now.UtcTicks - Interlocked.Read(ref _currentSinceTicks) >= maxAge.Ticks)
                    {
                        _previous = _current;
                        _current = new(StringComparer.Ordinal);
                        Interlocked.Exchange(ref _currentSinceTicks, now.UtcTicks);
                    }
                }
            }
            return now;
        }
    }
}
