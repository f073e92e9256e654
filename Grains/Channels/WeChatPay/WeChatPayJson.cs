using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Lenient readers for WeChat JSON. Fields are read one by one instead of deserialised into classes so that a
/// missing or oddly typed optional field never turns a verified payment message into an exception.
/// </summary>
internal static class WeChatPayJson
{
    // WeChat reads JSON escapes fine, but unescaped UTF-8 keeps request bodies readable in its merchant console;
    // HTML-safety escaping is irrelevant for an API body.
    public static readonly JsonSerializerOptions RequestBody = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool TryGetString(JsonElement obj, string name, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString();
        }

        return value is not null;
    }

    public static string? GetStringOrNull(JsonElement obj, string name) => TryGetString(obj, name, out var value) ? value : null;

    public static long? GetInt64OrNull(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var element)
        && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value)
            ? value
            : null;

    // An explicit offset is required: a bare local time would be read in the server's zone and shift the payment
    // time silently. The optional fraction covers the millisecond form some APIs return.
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];

    /// <summary>WeChat times are RFC 3339 with an offset, e.g. <c>2021-06-24T16:37:26+08:00</c>.</summary>
    public static DateTimeOffset? GetTimeOrNull(JsonElement obj, string name) =>
        TryGetString(obj, name, out var text) ? ParseTime(text) : null;

    public static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;
}
