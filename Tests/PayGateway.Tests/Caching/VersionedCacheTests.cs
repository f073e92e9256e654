using PayGateway.Caching;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Caching;

/// <summary>The per-silo cache's rules: versions only move forward, invalidations win over loads in flight, entries age out.</summary>
public sealed class VersionedCacheTests
{
    private readonly SteppableClock _clock = new(DateTimeOffset.Parse("2026-11-26T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Invalidation_DropsTheOlderEntry()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        cache.Store("app", 1, "v1");

        cache.Invalidate("app", 2);

        Assert.False(cache.TryGet("app", out _));
    }

    [Fact]
    public void LoadThatStartedBeforeAnInvalidation_IsNotStored()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

        cache.Invalidate("app", 2); // the change landed while a load of version 1 was in flight
        cache.Store("app", 1, "v1");

        Assert.False(cache.TryGet("app", out _));
        cache.Store("app", 2, "v2");
        Assert.True(cache.TryGet("app", out var value));
        Assert.Equal("v2", value);
    }

    [Fact]
    public void OlderStore_DoesNotReplaceANewerEntry()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        cache.Store("app", 3, "v3");

        cache.Store("app", 2, "v2");

        Assert.True(cache.TryGet("app", out var value));
        Assert.Equal("v3", value);
    }

    [Fact]
    public void Entry_ExpiresAfterMaxAge()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        cache.Store("app", 1, "v1");

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.True(cache.TryGet("app", out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet("app", out _));
    }

    [Fact]
    public async Task Miss_LoadsOnceAndThenServesFromMemory()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        var loads = 0;
        Task<(long, string)?> Load()
        {
            loads++;
            return Task.FromResult<(long, string)?>((1, "v1"));
        }

        Assert.Equal("v1", await cache.GetOrLoadAsync("app", Load));
        Assert.Equal("v1", await cache.GetOrLoadAsync("app", Load));

        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task MissingValue_IsRememberedForTheAbsentAgeOnly()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        var loads = 0;
        Task<(long, string)?> Load()
        {
            loads++;
            return Task.FromResult<(long, string)?>(null);
        }

        Assert.Null(await cache.GetOrLoadAsync("app", Load));
        Assert.Null(await cache.GetOrLoadAsync("app", Load));
        Assert.Equal(1, loads);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await cache.GetOrLoadAsync("app", Load));
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task MissingValue_IsForgottenWhenTheKeyIsCreated()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        (long, string)? stored = null;
        Assert.Null(await cache.GetOrLoadAsync("app", () => Task.FromResult(stored)));

        stored = (1, "v1");
        cache.Invalidate("app", 1);

        Assert.Equal("v1", await cache.GetOrLoadAsync("app", () => Task.FromResult(stored)));
    }

    [Fact]
    public async Task MissingAnswerOfALoadThatStartedBeforeTheCreation_IsNotRemembered()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

        Assert.Null(await cache.GetOrLoadAsync("app", () =>
        {
            cache.Invalidate("app", 1); // created while the load (which saw nothing) was in flight
            return Task.FromResult<(long, string)?>(null);
        }));

        Assert.Equal("v1", await cache.GetOrLoadAsync("app", () => Task.FromResult<(long, string)?>((1, "v1"))));
    }

    [Fact]
    public async Task MissingValue_IsRememberedAcrossAGenerationChange()
    {
        var cache = new VersionedCache<string>(_clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        var loads = 0;
        Task<(long, string)?> Load()
        {
            loads++;
            return Task.FromResult<(long, string)?>(null);
        }
        _clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Null(await cache.GetOrLoadAsync("app", Load));

        _clock.Advance(TimeSpan.FromMilliseconds(200)); // the generation it was stored in is now the older one
        Assert.Null(await cache.GetOrLoadAsync("app", Load));

        Assert.Equal(1, loads);
    }
}
