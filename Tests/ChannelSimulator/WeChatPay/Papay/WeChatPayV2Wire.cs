using System.Security.Cryptography;
using System.Text;
using System.Xml;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// The simulator's side of WeChat Pay API v2 messages: flat <c>&lt;xml&gt;</c> documents (DTDs refused) and their
/// sign (non-empty fields but <c>sign</c>, byte-ordered, <c>k=v&amp;…&amp;key=APIv2 key</c>, MD5 or HMAC-SHA256 per
/// <c>sign_type</c>, uppercase hex). Written apart from the gateway's code so each checks the other.
/// </summary>
internal static class WeChatPayV2Wire
{
    public const string Md5 = "MD5";
    public const string HmacSha256 = "HMAC-SHA256";

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        MaxCharactersInDocument = 64 * 1024,
    };

    /// <summary>The fields of a flat v2 document, or null for anything else.</summary>
    public static Dictionary<string, string>? Read(byte[] body)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), Settings);
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
            while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == 0))
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    return null;
                }
                var name = reader.Name;
                string value;
                if (reader.IsEmptyElement)
                {
                    value = "";
                    reader.Read();
                }
                else
                {
                    // Throws on a nested element: not a flat v2 document. Leaves the reader after the end tag.
                    value = reader.ReadElementContentAsString();
                }
                if (!fields.TryAdd(name, value))
                {
                    return null;
                }
            }
            return fields;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>The document for <paramref name="fields"/>, every value in CDATA (as WeChat writes them).</summary>
    public static string Write(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var xml = new StringBuilder("<xml>");
        foreach (var (key, value) in fields)
        {
            if (value.Length == 0)
            {
                continue;
            }
            xml.Append('<').Append(key).Append("><![CDATA[").Append(value.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal)).Append("]]></").Append(key).Append('>');
        }
        return xml.Append("</xml>").ToString();
    }

    public static string Sign(IEnumerable<KeyValuePair<string, string>> fields, string key, string signType)
    {
        var text = string.Join("&", fields
            .Where(f => f.Key != "sign" && f.Value.Length > 0)
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "=" + f.Value)) + "&key=" + key;
        var bytes = Encoding.UTF8.GetBytes(text);
        return signType == HmacSha256
            ? Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), bytes))
            : Convert.ToHexString(MD5.HashData(bytes));
    }

    /// <summary>Whether <c>sign</c> is right for the message's <c>sign_type</c> (MD5 when absent).</summary>
    public static bool Verify(IReadOnlyDictionary<string, string> fields, string key)
    {
        if (!fields.TryGetValue("sign", out var sign))
        {
            return false;
        }
        var signType = fields.TryGetValue("sign_type", out var declared) && declared.Length > 0 ? declared : Md5;
        if (signType is not (Md5 or HmacSha256))
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(fields, key, signType)), Encoding.ASCII.GetBytes(sign));
    }

    /// <summary>
    /// Adds <c>sign</c> to <paramref name="fields"/>. It adds no <c>sign_type</c>: WeChat's answers name no algorithm
    /// (they are signed like their request); a notify that declares one puts it in <paramref name="fields"/> first.
    /// </summary>
    public static Dictionary<string, string> Signed(Dictionary<string, string> fields, string key, string signType = HmacSha256)
    {
        fields["sign"] = Sign(fields, key, signType);
        return fields;
    }
}
