using System.Text.Json;
using System.Text.Json.Serialization;

namespace PayGateway.ChannelSimulator.Protocol;

/// <summary>JSON settings of the mock protocol and the control API: snake_case names, nulls left out.</summary>
public static class SimulatorJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
