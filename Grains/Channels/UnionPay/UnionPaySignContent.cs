using System.Text;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// The text UnionPay ACP 5.1.0 signs (signMethod 01): every field but <c>signature</c>, empty values left out, keys in
/// ordinal order, <c>k=v</c> joined with <c>&amp;</c>, values raw. <c>signPubKeyCert</c> is included, CRLFs and all.
/// </summary>
public static class UnionPaySignContent
{
    public const string SignatureField = "signature";

    /// <exception cref="ArgumentException">A key occurs twice: which copy was signed would be a guess.</exception>
    public static string Build(IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);

        // Ordinal order is the byte order UnionPay's servers (and every SDK) sort by; culture ordering moves '_' and case.
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(value) || key == SignatureField)
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

            // Raw values: URL-encoding belongs to the transport, and the PEM's CRLFs are part of what was signed.
            builder.Append(key).Append('=').Append(value);
        }

        return builder.ToString();
    }

    /// <inheritdoc cref="Build(IEnumerable{KeyValuePair{string, string?}})"/>
    public static string Build(IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return Build(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)));
    }
}
