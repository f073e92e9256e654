using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PayGateway.Channels.Alipay;

/// <summary>Decodes <c>application/x-www-form-urlencoded</c> bodies and query strings as Alipay sends them.</summary>
public static class AlipayForm
{
    /// <summary>
    /// Decodes a form body (UTF-8, the charset our requests ask for). <c>+</c> becomes a space and <c>%2B</c> a
    /// literal plus, because Alipay signed the decoded values. Fails on a repeated key: which copy was signed would be
    /// a guess.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out Dictionary<string, string>? fields) =>
        TryParse(Encoding.UTF8.GetString(body), out fields);

    /// <summary>Decodes the query of a sync-return URL (everything after the first <c>?</c>).</summary>
    public static bool TryParseUrlQuery(string url, [NotNullWhen(true)] out Dictionary<string, string>? fields)
    {
        ArgumentNullException.ThrowIfNull(url);
        var start = url.IndexOf('?');
        var end = url.IndexOf('#', start + 1);
        var query = start < 0 ? string.Empty : end < 0 ? url[(start + 1)..] : url[(start + 1)..end];
        return TryParse(query, out fields);
    }

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out Dictionary{string, string}?)"/>
    public static bool TryParse(string encoded, [NotNullWhen(true)] out Dictionary<string, string>? fields) =>
        UrlEncodedForm.TryParse(encoded, out fields);
}
