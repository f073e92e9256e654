namespace PayGateway.ChannelSimulator.Records;

/// <summary>Every call and side effect, in memory, in order.</summary>
internal sealed class RecordLog(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<SimulatorRecord> _records = [];
    private long _sequence;

    public SimulatorRecord Add(string kind, string merchantId, string? outTradeNo, string? tradeNo, long? amount, string? currency, int responseStatus, string? result)
    {
        lock (_lock)
        {
            var record = new SimulatorRecord(++_sequence, kind, merchantId, outTradeNo, tradeNo, amount, currency, time.GetUtcNow(), responseStatus, result);
            _records.Add(record);
            return record;
        }
    }

    public IReadOnlyList<SimulatorRecord> Snapshot()
    {
        lock (_lock)
        {
            return [.. _records];
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _records.Clear();
        }
    }
}
