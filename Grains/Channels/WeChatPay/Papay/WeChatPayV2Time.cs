using System.Globalization;

namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>The two Beijing-time formats of v2 papay messages (no offset on the wire).</summary>
internal static class WeChatPayV2Time
{
    /// <summary><c>operate_time</c>, <c>contract_signed_time</c> …: <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public static DateTimeOffset? ParseDashed(string? text) => Parse(text, "yyyy-MM-dd HH:mm:ss");

    /// <summary><c>time_end</c>: <c>yyyyMMddHHmmss</c>.</summary>
    public static DateTimeOffset? ParseCompact(string? text) => Parse(text, "yyyyMMddHHmmss");

    private static DateTimeOffset? Parse(string? text, string format) =>
        DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, ChinaStandardTime.Offset)
            : null;
}
