using PayGateway.Wire;
using System.Text.Json;
using PayGateway.Api.Problems;

namespace PayGateway.Api.Contracts;

/// <summary>
/// Reads a JSON request body with the wire options and says precisely what is wrong with it: not JSON at all
/// (MALFORMED_JSON) or JSON whose members have the wrong types (VALIDATION_FAILED, naming the member).
/// </summary>
public static class JsonBody
{
    public static (T? Value, ProblemHttpResult? Problem) Read<T>(HttpRequest request, ReadOnlySpan<byte> body) where T : class
    {
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ProblemCatalog.Result(ErrorCodes.UnsupportedMediaType, "Send Content-Type: application/json."));
        }
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, ProblemCatalog.Result(ErrorCodes.ValidationFailed, "The body must be a JSON object."));
            }
        }
        catch (JsonException ex)
        {
            return (null, ProblemCatalog.Result(ErrorCodes.MalformedJson, $"Not valid JSON: {ex.Message}"));
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(body, WireJson.Options);
            return value is null
                ? (null, ProblemCatalog.Result(ErrorCodes.ValidationFailed, "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var member = string.IsNullOrEmpty(ex.Path) ? "body" : ex.Path.TrimStart('$', '.');
            return (null, ProblemCatalog.Result(ErrorCodes.ValidationFailed, $"'{member}' has the wrong type or value.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [member] = ["Wrong type or value."] } }));
        }
    }
}
