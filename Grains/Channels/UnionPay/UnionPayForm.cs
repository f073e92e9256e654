using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// The two field encodings UnionPay uses. Notifications (backUrl, frontUrl) are <c>application/x-www-form-urlencoded</c>
/// and must be form-decoded before verification; synchronous API answers are a raw <c>k=v&amp;…</c> string whose values
/// are <b>not</b> URL-encoded (the PEM in <c>signPubKeyCert</c> keeps its <c>+</c>, <c>/</c>, <c>=</c> and CRLFs).
/// </summary>
public static class UnionPayForm
{
    /// <summary>
    /// Decodes a form body (UTF-8). <c>+</c> is a space and <c>%2B</c> a literal plus, because UnionPay signed the
    /// decoded values. Fails on a repeated key: which copy was signed would be a guess.
    /// </summary>
    public static bool TryParseUrlEncoded(ReadOnlySpan<byte> body, [NotNullWhen(true)] out Dictionary<string, string>? fields)
    {
        fields = null;
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        return UrlEncodedForm.TryParse(text, out fields);
    }

    /// <summary>
    /// Parses a synchronous answer: split on <c>&amp;</c> and at the first <c>=</c> of each pair, no unescaping. As in
    /// UnionPay's own SDK, a value that starts a <c>{</c> runs to its matching <c>}</c>, so JSON-like values such as
    /// <c>tokenPayData={token=…&amp;trId=…}</c> stay whole. Fails on a repeated key, an empty key or unbalanced braces.
    /// </summary>
    public static bool TryParseResponse(string text, [NotNullWhen(true)] out Dictionary<string, string>? fields)
    {
        ArgumentNullException.ThrowIfNull(text);
        fields = null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        // A trailing newline from a proxy or a server is not part of the last value.
        var length = text.AsSpan().TrimEnd("\r\n").Length;
        while (position < length)
        {
            var equals = text.IndexOf('=', position, length - position);
            var ampersand = text.IndexOf('&', position, length - position);
            if (equals < 0 || (ampersand >= 0 && ampersand < equals))
            {
                return false;
            }

            var name = text[position..equals];
            var valueStart = equals + 1;
            var end = valueStart;
            var depth = 0;
            while (end < length && (depth > 0 || text[end] != '&'))
            {
                depth += text[end] switch { '{' => 1, '}' => -1, _ => 0 };
                if (depth < 0)
                {
                    return false;
                }

                end++;
            }

            if (depth != 0 || name.Length == 0 || !result.TryAdd(name, text[valueStart..end]))
            {
                return false;
            }

            position = end + 1;
        }

        fields = result;
        return true;
    }

    /// <summary>Form-encodes fields (UTF-8, RFC 3986 percent-encoding): a request body, or a notification body.</summary>
    public static string EncodeUrlEncoded(IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var builder = new StringBuilder();
        foreach (var (key, value) in fields)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }

    /// <summary>
    /// The auto-submitting HTML form that takes the payer's browser to frontTransReq.do: UnionPay accepts the
    /// consume only as a browser POST, so a redirect URL cannot carry it. Every value is HTML-encoded.
    /// </summary>
    public static string AutoSubmitForm(Uri action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(fields);
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><head><meta charset=\"UTF-8\"></head><body onload=\"document.forms[0].submit()\">")
            .Append("<form id=\"pay_form\" action=\"").Append(WebUtility.HtmlEncode(action.AbsoluteUri)).Append("\" method=\"post\" accept-charset=\"UTF-8\">");
        foreach (var (key, value) in fields)
        {
            html.Append("<input type=\"hidden\" name=\"").Append(WebUtility.HtmlEncode(key))
                .Append("\" value=\"").Append(WebUtility.HtmlEncode(value)).Append("\"/>");
        }

        return html.Append("<noscript><input type=\"submit\" value=\"Pay\"/></noscript></form></body></html>").ToString();
    }
}
