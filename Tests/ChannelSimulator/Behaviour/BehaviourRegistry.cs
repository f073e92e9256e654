namespace PayGateway.ChannelSimulator.Behaviour;

/// <summary>
/// The configured behaviours. For each operation the behaviour set for its out_trade_no wins if it applies to that
/// operation, otherwise the global one if it applies, otherwise none. A behaviour with <c>Times</c> expires after
/// that many uses.
/// </summary>
internal sealed class BehaviourRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _perTrade = new(StringComparer.Ordinal);
    private Entry? _global;

    public void SetGlobal(SimulatorBehaviour? behaviour)
    {
        lock (_lock)
        {
            _global = behaviour is null ? null : new Entry(behaviour);
        }
    }

    public void Set(string outTradeNo, SimulatorBehaviour? behaviour)
    {
        lock (_lock)
        {
            if (behaviour is null)
            {
                _perTrade.Remove(outTradeNo);
            }
            else
            {
                _perTrade[outTradeNo] = new Entry(behaviour);
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _perTrade.Clear();
            _global = null;
        }
    }

    /// <summary>The behaviour for this call; counts one use of it.</summary>
    public SimulatorBehaviour Resolve(string? outTradeNo, string operation) => ResolveFirst(operation, outTradeNo);

    /// <summary>
    /// The behaviour for a call about several numbers, most specific first (a refund: its out_refund_no, then the
    /// payment's out_trade_no); the first one with a behaviour for this operation wins, else the global one.
    /// </summary>
    public SimulatorBehaviour ResolveFirst(string operation, params string?[] keys)
    {
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (key is not null && _perTrade.TryGetValue(key, out var entry) && entry.Behaviour.AppliesTo(operation))
                {
                    if (entry.Use())
                    {
                        _perTrade.Remove(key);
                    }
                    return entry.Behaviour;
                }
            }
            if (_global is { } global && global.Behaviour.AppliesTo(operation))
            {
                if (global.Use())
                {
                    _global = null;
                }
                return global.Behaviour;
            }
            return SimulatorBehaviour.None;
        }
    }

    private sealed class Entry(SimulatorBehaviour behaviour)
    {
        private int? _remaining = behaviour.Times;

        public SimulatorBehaviour Behaviour { get; } = behaviour;

        /// <summary>Counts one use; true when this was the last.</summary>
        public bool Use()
        {
            if (_remaining is null)
            {
                return false;
            }
            _remaining--;
            return _remaining <= 0;
        }
    }
}
