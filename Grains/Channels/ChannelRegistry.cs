namespace PayGateway.Channels;

/// <summary>All channel adapters registered in the silo, by name.</summary>
public sealed class ChannelRegistry(IEnumerable<IPaymentChannel> channels)
{
    private readonly Dictionary<string, IPaymentChannel> _byName = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public IPaymentChannel? Find(string name) => _byName.GetValueOrDefault(name);

    public IPaymentChannel Get(string name) =>
        Find(name) ?? throw new ChannelConfigurationException($"No channel adapter named '{name}' is registered.");

    public IReadOnlyCollection<string> Names => _byName.Keys;
}
