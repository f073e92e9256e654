namespace PayGateway.Channels.Alipay;

/// <summary>The parts of an OpenAPI response body that signature verification needs.</summary>
/// <param name="NodeName">The top-level key that held the payload: <c>&lt;method&gt;_response</c> or <c>error_response</c>.</param>
/// <param name="SignedContent">
/// The payload's JSON text exactly as received (an object, or a quoted base64 string when the response is
/// AES-encrypted). This is the signed text; parse it only after the signature checked out.
/// </param>
/// <param name="Sign">The base64 <c>sign</c> sibling, unescaped; null when the body carries none.</param>
/// <param name="AlipayCertSn">Cert mode: the serial of the Alipay certificate that signed the response.</param>
public sealed record AlipayResponseEnvelope(string NodeName, string SignedContent, string? Sign, string? AlipayCertSn)
{
    /// <summary>True when the payload is an encrypted string rather than a JSON object.</summary>
    public bool IsEncrypted => SignedContent.StartsWith('"');
}

/// <summary>How checking a response ended.</summary>
public enum AlipayResponseStatus
{
    Verified,

    /// <summary>Not a JSON object, duplicate keys, or trailing data.</summary>
    Malformed,

    /// <summary>Neither <c>&lt;method&gt;_response</c> nor <c>error_response</c> is present.</summary>
    MissingPayload,

    MissingSignature,

    BadSignature,
}

/// <param name="Envelope">Present whenever the body could be split, even if the signature failed (for diagnostics).</param>
public sealed record AlipayResponseVerification(AlipayResponseStatus Status, AlipayResponseEnvelope? Envelope)
{
    public bool IsVerified => Status == AlipayResponseStatus.Verified;
}
