namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// A v2 answer as the gateway may believe it: <see cref="Fields"/> only when the transport succeeded, the body was
/// flat v2 XML, <c>return_code</c> was SUCCESS and the sign verified; otherwise <see cref="Failure"/> says why the
/// outcome is unknown.
/// </summary>
/// <param name="BadSignature">The message was well-formed but its sign did not verify (a forgery or a wrong key).</param>
internal sealed record WeChatPayV2Response(IReadOnlyDictionary<string, string>? Fields, string? Failure, bool BadSignature = false)
{
    public static WeChatPayV2Response Unusable(string failure) => new(null, failure);

    public bool IsVerified => Fields is not null;

    /// <summary>The business result: <c>result_code</c> SUCCESS.</summary>
    public bool IsSuccess => Get("result_code") == "SUCCESS";

    public string? ErrorCode => Get("err_code");

    public string? ErrorMessage => Get("err_code_des") ?? Get("return_msg");

    public string? Get(string key) => Fields is not null && Fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
}
