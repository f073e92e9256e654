using System.Collections.Immutable;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Storage;

/// <summary>Grain state on the project's own ADO.NET queries: size, survival across a silo restart, conflicts.</summary>
public sealed class GrainStorageTests : IAsyncLifetime
{
    private readonly GatewayFixture _gateway = new();

    private static readonly ImmutableSortedDictionary<string, string> MockSecrets = ImmutableSortedDictionary<string, string>.Empty.Add("hmac_key", "k");

    public Task InitializeAsync() => _gateway.InitializeAsync();

    public Task DisposeAsync() => _gateway.DisposeAsync();

    [Fact]
    public async Task StateLargerThanOneMebibyte_RoundTrips()
    {
        var settings = Enumerable.Range(0, 300).ToImmutableSortedDictionary(i => $"k{i:D3}", _ => new string('x', 4000)).Add("merchant_id", "m1");
        var account = _gateway.Grains.GetGrain<IChannelAccountGrain>("mock:big");

        var result = await account.ConfigureAsync(new ChannelAccountConfig("http://sim.test/", settings, MockSecrets, [], true));
        Assert.Null(result.Error);
        await _gateway.Cluster.RestartSiloAsync(_gateway.Cluster.Silos[0]);
        var reloaded = await _gateway.Cluster.Client.GetGrain<IChannelAccountGrain>("mock:big").GetAsync();

        Assert.True(await _gateway.Database.ScalarAsync<long>("SELECT MAX(LENGTH(PayloadBinary)) FROM OrleansStorage") > 1024 * 1024);
        Assert.Equal(settings, reloaded!.Settings);
    }

    [Fact]
    public async Task StateSurvivesSiloRestart()
    {
        var account = _gateway.Grains.GetGrain<IChannelAccountGrain>("mock:restart");
        await account.ConfigureAsync(new ChannelAccountConfig("http://sim.test/", ImmutableSortedDictionary<string, string>.Empty.Add("merchant_id", "m1"),
            ImmutableSortedDictionary<string, string>.Empty.Add("hmac_key", "k"), [PayMethod.QR_CODE], true));

        await _gateway.Cluster.StopAllSilosAsync();
        await _gateway.Cluster.DisposeAsync();
        var restarted = await _gateway.StartClusterAsync();
        try
        {
            var view = await restarted.Client.GetGrain<IChannelAccountGrain>("mock:restart").GetAsync();

            Assert.NotNull(view);
            Assert.Equal("m1", view.Settings["merchant_id"]);
            Assert.Equal(["hmac_key"], view.SecretNames.ToArray());
            Assert.Equal([PayMethod.QR_CODE], view.EnabledMethods.ToArray());
        }
        finally
        {
            await restarted.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task RowChangedBehindTheGrain_WriteFailsWithConflictAndGrainReloads()
    {
        var account = _gateway.Grains.GetGrain<IChannelAccountGrain>("mock:etag");
        var config = new ChannelAccountConfig("http://sim.test/", ImmutableSortedDictionary<string, string>.Empty.Add("merchant_id", "m1"), MockSecrets, [], true);
        await account.ConfigureAsync(config);

        // Someone else writes the row (a second activation during a membership change, say).
        await _gateway.Database.ExecuteAsync("UPDATE OrleansStorage SET Version = Version + 1 WHERE GrainTypeString = 'channel_account'");
        var conflict = await Record.ExceptionAsync(() => account.ConfigureAsync(config with { BaseUrl = "http://other.test/" }));
        var afterReload = await account.ConfigureAsync(config with { BaseUrl = "http://third.test/" });

        Assert.IsType<Orleans.Storage.InconsistentStateException>(conflict);
        Assert.Equal("http://third.test/", afterReload.Account!.BaseUrl);
    }
}
