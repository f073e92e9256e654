using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// The WeChat Pay API v2 signature (papay is v2 only): every field but <c>sign</c> with a non-empty value, in byte
/// order of the keys, joined <c>k=v&amp;…</c> with raw values, then <c>&amp;key=&lt;APIv2 key&gt;</c>; MD5 of that, or
/// HMAC-SHA256 keyed with the APIv2 key over the same text, as uppercase hex. <c>sign_type</c> is an ordinary field
/// and is signed when sent.
/// </summary>
public static class WeChatPayV2Signer
{
    /// <summary>The field carrying the signature.</summary>
    public const string SignField = "sign";

    /// <summary>The field naming the algorithm; absent means <see cref="Md5"/>.</summary>
    public const string SignTypeField = "sign_type";

    /// <summary><c>sign_type</c> value of the MD5 signature (the default).</summary>
    public const string Md5 = "MD5";

    /// <summary><c>sign_type</c> value of the HMAC-SHA256 signature.</summary>
    public const string HmacSha256 = "HMAC-SHA256";

    /// <summary>The exact text that is hashed, including the <c>&amp;key=</c> suffix. Contains the key: never log it.</summary>
    public static string StringToSign(IEnumerable<KeyValuePair<string, string?>> fields, string apiV2Key)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiV2Key);
        var content = SortedFieldContent.Build(fields, key => key == SignField);
        return content + "&key=" + apiV2Key;
    }

    /// <summary>
    /// The signature of <paramref name="fields"/> with <paramref name="signType"/> (<see cref="Md5"/> or
    /// <see cref="HmacSha256"/>).
    /// </summary>
    /// <exception cref="ArgumentException">An algorithm WeChat does not define.</exception>
    public static string Sign(IEnumerable<KeyValuePair<string, string?>> fields, string apiV2Key, string signType)
    {
        var message = Encoding.UTF8.GetBytes(StringToSign(fields, apiV2Key));
        return signType switch
        {
            Md5 => Convert.ToHexString(MD5.HashData(message)),
            HmacSha256 => Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(apiV2Key), message)),
            _ => throw new ArgumentException($"Unknown sign_type '{signType}'.", nameof(signType)),
        };
    }

    /// <summary>
    /// Whether the message's <c>sign</c> is right for its own <c>sign_type</c>, or for <paramref name="signTypeWhenAbsent"/>
    /// when it names none. False for a missing sign, an unknown sign_type or a key that occurs twice.
    /// </summary>
    /// <param name="signTypeWhenAbsent">
    /// Notifies: <see cref="Md5"/> (WeChat's default). Answers: the algorithm the request was signed with, because
    /// WeChat signs an answer like its request and does not say so in it (the official WXPay SDK verifies answers
    /// with its configured request sign type).
    /// </param>
    public static bool Verify(IReadOnlyDictionary<string, string> fields, string apiV2Key, string signTypeWhenAbsent = Md5)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (!fields.TryGetValue(SignField, out var sign) || string.IsNullOrEmpty(sign))
        {
            return false;
        }

        var signType = fields.TryGetValue(SignTypeField, out var declared) && !string.IsNullOrEmpty(declared) ? declared : signTypeWhenAbsent;
        if (signType is not (Md5 or HmacSha256))
        {
            return false;
        }

        var expected = Sign(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)), apiV2Key, signType);
        // WeChat writes uppercase hex; compare case-insensitively and in constant time.
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected),
            Encoding.ASCII.GetBytes(sign.ToUpperInvariant()));
    }
}
