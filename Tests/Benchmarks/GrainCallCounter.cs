using System.Collections.Concurrent;

namespace PayGateway.Benchmarks;

/// <summary>
/// Counts grain calls by interface and method, exactly, whatever the machine's load: on the silo every call an
/// activation receives (from the API host's client or from another grain), and on the API host's client every call
/// it sends. Per-operation counts are the steady measure of how much messaging a request costs.
/// </summary>
public sealed class GrainCallCounter : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    // Names by method, so counting allocates nothing per call (the benchmark also measures allocations).
    private readonly ConcurrentDictionary<System.Reflection.MethodInfo, string> _names = new();
    private readonly string _prefix;

    private GrainCallCounter(string prefix) => _prefix = prefix;

    /// <summary>Calls received by grains on the silo (client calls included).</summary>
    public static GrainCallCounter Silo { get; } = new("silo ");

    /// <summary>Calls sent by the API host's Orleans client.</summary>
    public static GrainCallCounter Client { get; } = new("client ");

    public Task Invoke(IIncomingGrainCallContext context)
    {
        Count(context);
        return context.Invoke();
    }

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        Count(context);
        return context.Invoke();
    }

    private void Count(IGrainCallContext context)
    {
        var name = context.InterfaceMethod is { } method ? _names.GetOrAdd(method, _ => Name(context)) : Name(context);
        _counts.AddOrUpdate(name, 1, static (_, n) => n + 1);
    }

    private string Name(IGrainCallContext context)
    {
        var name = context.InterfaceName;
        return $"{_prefix}{name[(name.LastIndexOf('.') + 1)..]}.{context.MethodName}";
    }

    public static IReadOnlyDictionary<string, long> Snapshot()
    {
        var all = new Dictionary<string, long>(Silo._counts, StringComparer.Ordinal);
        foreach (var (key, value) in Client._counts)
        {
            all[key] = value;
        }
        return all;
    }
}
