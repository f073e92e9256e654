using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace PayGateway.Storage;

/// <summary>
/// Grain state is stored as plain JSON with explicit, stable field names (<c>[JsonPropertyName]</c> on every
/// stored member), for two reasons: renaming a C# member never changes what is stored, and the database can read
/// order fields itself, which is how the <c>paygw_order</c> projection stays in the same transaction as the state.
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        // Unknown fields from a newer version must not break an older reader during a rolling upgrade.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options)
        ?? throw new JsonException($"Stored state for {typeof(T).Name} is null.");
}
