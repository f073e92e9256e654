using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace PayGateway.Channels;

/// <summary>
/// Decodes <c>application/x-www-form-urlencoded</c> text as the channels that sign decoded values send it (Alipay,
/// UnionPay notifications): <c>+</c> is a space and <c>%2B</c> a literal plus. Fails on an empty or repeated key:
/// which copy was signed would be a guess.
/// </summary>
public static class UrlEncodedForm
{
    public static bool TryParse(string encoded, [NotNullWhen(true)] out Dictionary<string, string>? fields)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        fields = null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in encoded.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=');
            var name = WebUtility.UrlDecode(separator < 0 ? pair : pair[..separator]);
            var value = separator < 0 ? string.Empty : WebUtility.UrlDecode(pair[(separator + 1)..]);
            if (string.IsNullOrEmpty(name) || !result.TryAdd(name, value))
            {
                return false;
            }
        }

        fields = result;
        return true;
    }
}
