using System.Text.Json;

namespace PayGateway.ChannelSimulator.Protocol;

/// <summary>Checks refund and transfer requests; the answer is null when acceptable, else the reason.</summary>
internal static class FundsRequestValidator
{
    /// <summary>The only payee type the mock channel pays to.</summary>
    public const string MockAccount = "mock_account";

    public static T? Parse<T>(byte[] body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, SimulatorJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Validate(RefundRequestBody body) => body switch
    {
        _ when !IsNumber(body.OutRefundNo) => "out_refund_no is required (1-64 of letters, digits, '_' and '-').",
        _ when !IsNumber(body.OutTradeNo) => "out_trade_no is required (1-64 of letters, digits, '_' and '-').",
        { Amount: null or <= 0 } => "amount must be a positive integer in minor units.",
        { Currency: null } or { Currency.Length: not 3 } => "currency must be a 3-letter ISO 4217 code.",
        { Reason.Length: > 256 } => "reason is at most 256 characters.",
        { NotifyUrl: not null } when !Uri.TryCreate(body.NotifyUrl, UriKind.Absolute, out var notify) || notify.Scheme is not ("http" or "https") =>
            "notify_url must be an absolute http(s) URL.",
        _ => null,
    };

    public static string? Validate(TransferRequestBody body) => body switch
    {
        _ when !IsNumber(body.OutTransferNo) => "out_transfer_no is required (1-64 of letters, digits, '_' and '-').",
        { PayeeType: not MockAccount } => "payee_type must be mock_account.",
        { PayeeAccount: null or "" } or { PayeeAccount.Length: > 64 } => "payee_account is required (at most 64 characters).",
        { PayeeName.Length: > 128 } => "payee_name is at most 128 characters.",
        { Amount: null or <= 0 } => "amount must be a positive integer in minor units.",
        { Currency: null } or { Currency.Length: not 3 } => "currency must be a 3-letter ISO 4217 code.",
        { Remark.Length: > 256 } => "remark is at most 256 characters.",
        _ => null,
    };

    // Same rule as out_trade_no (CreatePaymentValidator): safe in a URL path without escaping surprises.
    private static bool IsNumber(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
