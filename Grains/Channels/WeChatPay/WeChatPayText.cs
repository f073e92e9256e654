using System.Text;

namespace PayGateway.Channels.WeChatPay;

/// <summary>Fits free text into WeChat's length limits without producing invalid UTF-8.</summary>
internal static class WeChatPayText
{
    /// <summary>
    /// At most <paramref name="maxChars"/> UTF-16 characters. Never cuts between the halves of a surrogate pair:
    /// WeChat would reject the invalid UTF-8.
    /// </summary>
    public static string Truncate(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return text[..cut];
    }

    /// <summary>At most <paramref name="maxBytes"/> bytes of UTF-8 (fields WeChat limits in bytes, e.g. refund <c>reason</c>).</summary>
    public static string TruncateUtf8(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var bytes = 0;
        var length = 0;
        while (length < text.Length)
        {
            // A surrogate pair is one 4-byte character: take both halves or neither.
            var width = char.IsHighSurrogate(text[length]) && length + 1 < text.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(length, width));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            length += width;
        }

        return text[..length];
    }
}
