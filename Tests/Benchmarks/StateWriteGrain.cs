using System.Text.Json.Serialization;
using PayGateway.Storage;

namespace PayGateway.Benchmarks;

/// <summary>Benchmark-only grain: each call changes its state and writes it through the default (ADO.NET) storage.</summary>
public interface IStateWriteGrain : IGrainWithStringKey
{
    Task WriteAsync(int sequence);

    /// <summary>Deactivates the grain once the call returns (the benchmark's own grains, cleared before the REST phases).</summary>
    Task LetGoAsync();
}

[GenerateSerializer]
public sealed record BenchState
{
    [Id(0), JsonPropertyName("sequence")] public int Sequence { get; init; }

    [Id(1), JsonPropertyName("payload")] public string Payload { get; init; } = "";
}

public sealed class StateWriteGrain([PersistentState("bench_state")] IPersistentState<BenchState> state) : Grain, IStateWriteGrain
{
    /// <summary>About 1 KB of JSON per state, comparable to the raw-insert reference row and to small order states.</summary>
    public static readonly string Filler = new('x', 1000);

    public Task WriteAsync(int sequence) => state.WriteOrRevertAsync(new BenchState { Sequence = sequence, Payload = Filler }, this);

    public Task LetGoAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
