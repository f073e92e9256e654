using System.Text;
using System.Xml;

namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// The flat XML of WeChat Pay API v2: <c>&lt;xml&gt;&lt;k&gt;v&lt;/k&gt;…&lt;/xml&gt;</c>. Reading refuses DTDs (so no
/// entity expansion and no external entities), nested elements and repeated keys; writing uses CDATA for values that
/// are not plain tokens.
/// </summary>
public static class WeChatPayV2Xml
{
    // Far above any v2 answer or notify; a body beyond it is not WeChat's.
    private const int MaxCharacters = 256 * 1024;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        MaxCharactersInDocument = MaxCharacters,
        CloseInput = true,
    };

    /// <summary>The fields of a v2 document, or null when it is not one (malformed, a DTD, nested or repeated elements).</summary>
    public static IReadOnlyDictionary<string, string>? TryRead(ReadOnlySpan<byte> body)
    {
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = XmlReader.Create(stream, ReaderSettings);
            return Read(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>The v2 document for <paramref name="fields"/>, in the order given; empty values are left out.</summary>
    public static string Write(IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var builder = new StringBuilder("<xml>");
        foreach (var (key, value) in fields)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (!IsPlainToken(key))
            {
                throw new ArgumentException($"'{key}' is not a v2 field name.", nameof(fields));
            }

            builder.Append('<').Append(key).Append('>');
            if (IsPlainToken(value))
            {
                builder.Append(value);
            }
            else
            {
                // "]]>" cannot occur inside one CDATA section: close it between "]]" and ">" and open another.
                builder.Append("<![CDATA[").Append(value.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal)).Append("]]>");
            }

            builder.Append("</").Append(key).Append('>');
        }

        return builder.Append("</xml>").ToString();
    }

    private static Dictionary<string, string>? Read(XmlReader reader)
    {
        if (reader.MoveToContent() != XmlNodeType.Element || reader.Name != "xml")
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.IsEmptyElement)
        {
            return fields;
        }

        reader.Read();
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                // Text directly inside <xml>: not the flat v2 shape.
                return null;
            }

            var key = reader.Name;
            var value = reader.IsEmptyElement ? "" : ReadLeaf(reader);
            if (value is null || !fields.TryAdd(key, value))
            {
                return null;
            }

            reader.Read();
        }

        // Nothing may follow </xml> but whitespace and comments (the reader throws on a second root).
        while (reader.Read())
        {
        }

        return fields;
    }

    // The text of one field: text and CDATA only; a nested element means this is not a flat v2 document.
    private static string? ReadLeaf(XmlReader reader)
    {
        var value = new StringBuilder();
        reader.Read();
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            if (reader.NodeType is not (XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace))
            {
                return null;
            }

            value.Append(reader.Value);
            reader.Read();
        }

        return value.ToString();
    }

    private static bool IsPlainToken(string text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
