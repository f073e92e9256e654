using Orleans.Concurrency;

namespace PayGateway;

/// <summary>One channel account's configuration, keyed <c>{channel}:{account_id}</c>. Changeable at run time.</summary>
public interface IChannelAccountGrain : IGrainWithStringKey
{
    /// <summary>Operator create-or-update.</summary>
    Task<ChannelAccountResult> ConfigureAsync(ChannelAccountConfig config);

    /// <summary>The account without secrets, or null.</summary>
    [ReadOnly]
    Task<ChannelAccountView?> GetAsync();

    /// <summary>The account with sealed secrets, for the grains that call the channel; null if it does not exist.</summary>
    [ReadOnly]
    Task<SealedChannelAccount?> GetSealedAsync();
}

public static class ChannelAccountKey
{
    public static string For(string channel, string accountId) => $"{channel}:{accountId}";
}
