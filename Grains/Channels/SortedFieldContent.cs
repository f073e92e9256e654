using System.Text;

namespace PayGateway.Channels;

/// <summary>
/// The <c>k=v&amp;k=v</c> text that Alipay and UnionPay sign: non-empty fields in ordinal key order (the byte order
/// their servers and SDKs sort by; culture ordering would move '_' and case), raw values (URL-encoding belongs to the
/// transport), without the fields the channel leaves out (its signature field).
/// </summary>
public static class SortedFieldContent
{
    /// <exception cref="ArgumentException">A key occurs twice: which copy was signed would be a guess.</exception>
    public static string Build(IEnumerable<KeyValuePair<string, string?>> fields, Func<string, bool> leaveOut)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(leaveOut);

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(value) || leaveOut(key))
            {
                continue;
            }

            if (!sorted.TryAdd(key, value))
            {
                throw new ArgumentException($"Field '{key}' occurs more than once.", nameof(fields));
            }
        }

        var builder = new StringBuilder();
        foreach (var (key, value) in sorted)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(key).Append('=').Append(value);
        }

        return builder.ToString();
    }
}
