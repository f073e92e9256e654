namespace PayGateway.Channels.WeChatPay;

/// <summary>Why a WeChat Pay signature was accepted or rejected.</summary>
public enum WeChatPayVerificationStatus
{
    Valid,
    MissingHeader,
    UnsupportedSignatureType,
    MalformedTimestamp,
    StaleTimestamp,
    UnknownSerial,
    BadSignature,
}

/// <summary>Outcome of checking one signed response or callback. The reason is safe to log.</summary>
public sealed record WeChatPayVerificationResult(WeChatPayVerificationStatus Status, string? Reason)
{
    public static readonly WeChatPayVerificationResult Valid = new(WeChatPayVerificationStatus.Valid, null);

    public bool IsValid => Status == WeChatPayVerificationStatus.Valid;

    public static WeChatPayVerificationResult Fail(WeChatPayVerificationStatus status, string reason) => new(status, reason);
}
