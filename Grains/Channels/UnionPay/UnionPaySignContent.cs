namespace PayGateway.Channels.UnionPay;

/// <summary>
/// The text UnionPay ACP 5.1.0 signs (signMethod 01): every field but <c>signature</c>, empty values left out, keys in
/// ordinal order, <c>k=v</c> joined with <c>&amp;</c>, values raw. <c>signPubKeyCert</c> is included, CRLFs and all.
/// </summary>
public static class UnionPaySignContent
{
    public const string SignatureField = "signature";

    /// <exception cref="ArgumentException">A key occurs twice: which copy was signed would be a guess.</exception>
    public static string Build(IEnumerable<KeyValuePair<string, string?>> fields) =>
        SortedFieldContent.Build(fields, key => key == SignatureField);

    /// <inheritdoc cref="Build(IEnumerable{KeyValuePair{string, string?}})"/>
    public static string Build(IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return Build(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)));
    }
}
