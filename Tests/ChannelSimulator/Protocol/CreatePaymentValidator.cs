using System.Text.Json;

namespace PayGateway.ChannelSimulator.Protocol;

/// <summary>Checks a create request; the answer is null when it is acceptable, else the reason.</summary>
internal static class CreatePaymentValidator
{
    public static readonly string[] Methods = ["WEB", "WAP", "APP", "SDK", "SERVER", "QR_CODE"];

    public static CreatePaymentBody? Parse(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<CreatePaymentBody>(body, SimulatorJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Validate(CreatePaymentBody body, DateTimeOffset now) => body switch
    {
        { OutTradeNo: null or "" } or { OutTradeNo.Length: > 64 } => "out_trade_no is required (1-64 characters).",
        _ when !body.OutTradeNo.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') => "out_trade_no allows letters, digits, '_' and '-'.",
        { Amount: null or <= 0 } => "amount must be a positive integer in minor units.",
        { Currency: null } or { Currency.Length: not 3 } => "currency must be a 3-letter ISO 4217 code.",
        { Subject: null or "" } or { Subject.Length: > 256 } => "subject is required (at most 256 characters).",
        _ when !Methods.Contains(body.Method) => "method must be one of WEB, WAP, APP, SDK, SERVER, QR_CODE.",
        _ when !Uri.TryCreate(body.NotifyUrl, UriKind.Absolute, out var notify) || notify.Scheme is not ("http" or "https") => "notify_url must be an absolute http(s) URL.",
        { ExpireAt: null } => "expire_at is required.",
        _ when body.ExpireAt <= now => "expire_at is in the past.",
        { Method: "SERVER", AuthCode: null or "" } => "auth_code is required for SERVER payments.",
        _ => null,
    };
}
