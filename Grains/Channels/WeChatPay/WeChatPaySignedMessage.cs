namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// A response or callback as WeChat signed it: the four <c>Wechatpay-*</c> headers and the raw body bytes.
/// </summary>
public sealed record WeChatPaySignedMessage(
    string? Timestamp,
    string? Nonce,
    string? Serial,
    string? Signature,
    ReadOnlyMemory<byte> Body,
    string? SignatureType = null)
{
    public const string TimestampHeader = "Wechatpay-Timestamp";
    public const string NonceHeader = "Wechatpay-Nonce";
    public const string SerialHeader = "Wechatpay-Serial";
    public const string SignatureHeader = "Wechatpay-Signature";
    public const string SignatureTypeHeader = "Wechatpay-Signature-Type";

    /// <summary>
    /// Picks the signature headers out of <paramref name="headers"/>. Header names are matched case-insensitively
    /// because proxies and HTTP/2 lower-case them, and the dictionary the caller passes may not ignore case.
    /// </summary>
    public static WeChatPaySignedMessage FromHeaders(IEnumerable<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? timestamp = null, nonce = null, serial = null, signature = null, signatureType = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals(TimestampHeader, StringComparison.OrdinalIgnoreCase))
            {
                timestamp = value;
            }
            else if (name.Equals(NonceHeader, StringComparison.OrdinalIgnoreCase))
            {
                nonce = value;
            }
            else if (name.Equals(SerialHeader, StringComparison.OrdinalIgnoreCase))
            {
                serial = value;
            }
            else if (name.Equals(SignatureHeader, StringComparison.OrdinalIgnoreCase))
            {
                signature = value;
            }
            else if (name.Equals(SignatureTypeHeader, StringComparison.OrdinalIgnoreCase))
            {
                signatureType = value;
            }
        }

        return new WeChatPaySignedMessage(timestamp, nonce, serial, signature, body, signatureType);
    }
}
