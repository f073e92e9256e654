using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// One API answer. <see cref="StatusCode"/> is null when no answer arrived (timeout, connection error);
/// <see cref="IsVerified"/> is true only when WeChat's signature on it checked out.
/// </summary>
internal sealed record WeChatPayApiResponse(int? StatusCode, byte[] Body, WeChatPayVerificationResult? Verification, string? Failure)
{
    public bool IsVerified => Verification?.IsValid == true;

    public static WeChatPayApiResponse NoAnswer(string failure) => new(null, [], null, failure);

    /// <summary>A reason fit for logs and <c>ErrorMessage</c>: status and verification, never the body.</summary>
    public string Describe() =>
        Failure ?? $"HTTP {StatusCode}, signature {(IsVerified ? "valid" : Verification?.Reason ?? "not checked")}";

    /// <summary>Reads WeChat's error body <c>{"code":…,"message":…}</c>; nulls when absent.</summary>
    public (string? Code, string? Message) Error()
    {
        try
        {
            using var document = JsonDocument.Parse(Body);
            return (WeChatPayJson.GetStringOrNull(document.RootElement, "code"), WeChatPayJson.GetStringOrNull(document.RootElement, "message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    public string? ReadString(string name)
    {
        try
        {
            using var document = JsonDocument.Parse(Body);
            return WeChatPayJson.GetStringOrNull(document.RootElement, name);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
