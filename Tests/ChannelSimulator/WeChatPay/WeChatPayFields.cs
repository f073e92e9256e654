using System.Text.Json;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>Reads and checks request body fields the way WeChat documents them (shared by the order, refund and transfer readers).</summary>
internal static class WeChatPayFields
{
    public static JsonElement Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;

    public static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? Integer(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt64(out var number) ? number : null;

    /// <summary>
    /// A notify_url WeChat accepts: absolute http(s), no query, at most 256 characters (WeChat requires https; the
    /// simulator also takes http for loopback).
    /// </summary>
    public static bool IsNotifyUrl(string? text, out Uri? url) =>
        Uri.TryCreate(text, UriKind.Absolute, out url) && url.Scheme is "http" or "https" && url.Query.Length == 0 && url.AbsoluteUri.Length <= 256;

    /// <summary>A merchant number of <paramref name="min"/>–<paramref name="max"/> characters from letters, digits and <paramref name="symbols"/>.</summary>
    public static bool IsNumber(string? text, int min, int max, string symbols) =>
        text is not null && text.Length >= min && text.Length <= max && text.All(c => char.IsAsciiLetterOrDigit(c) || symbols.Contains(c, StringComparison.Ordinal));

    /// <summary>Parses the body as a JSON object; null when it is not one.</summary>
    public static JsonDocument? ParseObject(byte[] body)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }
            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
