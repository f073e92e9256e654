namespace PayGateway.Api.Contracts;

/// <summary>PUT /admin/v1/apps/{app_id}. Secrets are write-only: omitted on update keeps the stored one.</summary>
public sealed record ConfigureAppRequest(
    string? Name,
    string? AuthScheme,
    string? PublicKeyPem,
    string? HmacSecret,
    string? WebhookSecret,
    List<ChannelRouteDto>? Channels,
    bool? Enabled);

public sealed record ChannelRouteDto(string? Channel, string? AccountId);

public sealed record AppResponse(
    string AppId,
    string Name,
    string AuthScheme,
    string? PublicKeyPem,
    bool HasHmacSecret,
    bool HasWebhookSecret,
    IReadOnlyList<ChannelRouteDto> Channels,
    bool Enabled,
    DateTimeOffset UpdatedAt)
{
    public static AppResponse From(MerchantAppView a) => new(
        a.AppId, a.Name, a.AuthScheme == MerchantAuthScheme.Rsa ? "RSA" : "HMAC", a.PublicKeyPem, a.HasHmacSecret,
        a.HasWebhookSecret, [.. a.Channels.Select(r => new ChannelRouteDto(r.Channel, r.AccountId))], a.Enabled, a.UpdatedAt);
}

/// <summary>PUT /admin/v1/channel-accounts/{channel}/{account_id}. Secrets are write-only.</summary>
public sealed record ConfigureChannelAccountRequest(
    string? BaseUrl,
    Dictionary<string, string>? Settings,
    Dictionary<string, string>? Secrets,
    List<string>? EnabledMethods,
    bool? Enabled);

public sealed record ChannelAccountResponse(
    string Channel,
    string AccountId,
    string BaseUrl,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyList<string> SecretNames,
    IReadOnlyList<string> EnabledMethods,
    bool Enabled,
    DateTimeOffset UpdatedAt)
{
    public static ChannelAccountResponse From(ChannelAccountView a) => new(
        a.Channel, a.AccountId, a.BaseUrl, a.Settings, a.SecretNames, [.. a.EnabledMethods.Select(m => m.ToString())], a.Enabled, a.UpdatedAt);
}

/// <summary>One row of an operator order search (from the SQL projection).</summary>
public sealed record OrderSummaryResponse(
    string OrderId,
    string AppId,
    string OutTradeNo,
    string Status,
    long Amount,
    string Currency,
    string Channel,
    string AccountId,
    string Method,
    string? ChannelTradeNo,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PaidAt);

public sealed record OrderSearchResponse(IReadOnlyList<OrderSummaryResponse> Orders, string? NextCursor);
