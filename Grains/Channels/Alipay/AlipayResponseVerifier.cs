using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Verifies OpenAPI gateway responses. Alipay signs the payload's JSON text byte for byte as it sent it, so the text
/// is sliced out of the raw body; re-serialising a parsed object would change escapes, spacing or key order.
/// </summary>
public static class AlipayResponseVerifier
{
    public const string ErrorNodeName = "error_response";
    private const string SignKey = "sign";
    private const string CertSnKey = "alipay_cert_sn";

    /// <summary><c>alipay.trade.precreate</c> → <c>alipay_trade_precreate_response</c>.</summary>
    public static string NodeNameFor(string method)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        return method.Replace('.', '_') + "_response";
    }

    /// <summary>Splits a response body, preferring the method's node and falling back to <c>error_response</c>.</summary>
    public static bool TryParseEnvelope(string body, string method, [NotNullWhen(true)] out AlipayResponseEnvelope? envelope) =>
        TryParseEnvelope(Encoding.UTF8.GetBytes(body ?? string.Empty), method, out envelope, out _);

    /// <summary>The raw text of one top-level node, exactly as it appears in <paramref name="body"/>.</summary>
    public static bool TryExtractSignedContent(string body, string nodeName, [NotNullWhen(true)] out string? signedContent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeName);
        signedContent = null;
        if (!TryScanTopLevel(Encoding.UTF8.GetBytes(body ?? string.Empty), out var members)
            || !members.TryGetValue(nodeName, out var range))
        {
            return false;
        }

        signedContent = range.Text;
        return true;
    }

    public static AlipayResponseVerification Verify(string body, string method, RSA alipayPublicKey, AlipaySignType signType = AlipaySignType.Rsa2) =>
        Verify(Encoding.UTF8.GetBytes(body ?? string.Empty), method, alipayPublicKey, signType);

    /// <summary>
    /// Checks <c>sign</c> over the payload of <paramref name="utf8Body"/> (the bytes as received) with the Alipay
    /// public key. Error responses are verified the same way: they are signed too.
    /// </summary>
    public static AlipayResponseVerification Verify(ReadOnlySpan<byte> utf8Body, string method, RSA alipayPublicKey, AlipaySignType signType = AlipaySignType.Rsa2)
    {
        ArgumentNullException.ThrowIfNull(alipayPublicKey);
        if (!TryParseEnvelope(utf8Body, method, out var envelope, out var failure))
        {
            return new AlipayResponseVerification(failure, null);
        }

        if (string.IsNullOrEmpty(envelope.Sign))
        {
            return new AlipayResponseVerification(AlipayResponseStatus.MissingSignature, envelope);
        }

        // Signed bytes are the UTF-8 of the payload text; the body was UTF-8, so this equals the received slice.
        var verified = AlipaySigner.Verify(Encoding.UTF8.GetBytes(envelope.SignedContent), envelope.Sign, alipayPublicKey, signType);
        return new AlipayResponseVerification(verified ? AlipayResponseStatus.Verified : AlipayResponseStatus.BadSignature, envelope);
    }

    private static bool TryParseEnvelope(
        ReadOnlySpan<byte> utf8Body,
        string method,
        [NotNullWhen(true)] out AlipayResponseEnvelope? envelope,
        out AlipayResponseStatus failure)
    {
        var nodeName = NodeNameFor(method);
        envelope = null;
        if (!TryScanTopLevel(utf8Body, out var members))
        {
            failure = AlipayResponseStatus.Malformed;
            return false;
        }

        if (!members.TryGetValue(nodeName, out var payload) && !members.TryGetValue(ErrorNodeName, out payload))
        {
            failure = AlipayResponseStatus.MissingPayload;
            return false;
        }

        if (payload.Kind is not (JsonTokenType.StartObject or JsonTokenType.String))
        {
            failure = AlipayResponseStatus.Malformed;
            return false;
        }

        envelope = new AlipayResponseEnvelope(
            members.ContainsKey(nodeName) ? nodeName : ErrorNodeName,
            payload.Text,
            StringMember(members, SignKey),
            StringMember(members, CertSnKey));
        failure = default;
        return true;
    }

    private static string? StringMember(Dictionary<string, Member> members, string key) =>
        members.TryGetValue(key, out var member) && member.Kind == JsonTokenType.String
            ? JsonSerializer.Deserialize<string>(member.Text)
            : null;

    /// <summary>
    /// Reads the top-level object's members as raw text ranges. A real JSON reader finds value boundaries, so braces,
    /// quotes and escapes inside strings cannot confuse it, and a key name appearing inside a value is never matched.
    /// </summary>
    private static bool TryScanTopLevel(ReadOnlySpan<byte> utf8, out Dictionary<string, Member> members)
    {
        members = new Dictionary<string, Member>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                var kind = reader.TokenType;
                var start = checked((int)reader.TokenStartIndex);
                reader.Skip();
                var end = checked((int)reader.BytesConsumed);

                // Two payloads or two signatures would let an attacker choose which one a lenient reader trusts.
                if (!members.TryAdd(name, new Member(kind, Encoding.UTF8.GetString(utf8[start..end]))))
                {
                    return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }

            // The reader rejects anything but whitespace after the root object.
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private readonly record struct Member(JsonTokenType Kind, string Text);
}
