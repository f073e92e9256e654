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

/// <summary>A reconciliation report on the wire (operators only).</summary>
public sealed record ReconciliationResponse(
    string Channel,
    string AccountId,
    string BillDate,
    string Status,
    DateTimeOffset RanAt,
    int StatementLines,
    int Matched,
    int OpenItems,
    int HealedItems,
    IReadOnlyList<ReconciliationTotalsResponse> ChannelTotals,
    IReadOnlyList<ReconciliationTotalsResponse> GatewayTotals,
    IReadOnlyList<ReconciliationItemResponse> Items,
    string? ErrorCode,
    string? ErrorMessage)
{
    public static ReconciliationResponse From(ReconciliationReport r) => new(
        r.Channel, r.AccountId, r.BillDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Status, r.RanAt,
        r.StatementLines, r.Matched,
        r.Items.Count(i => i.Action == ReconciliationActions.Reported), r.Items.Count(i => i.Action == ReconciliationActions.Healed),
        [.. r.ChannelTotals.Select(ReconciliationTotalsResponse.From)], [.. r.GatewayTotals.Select(ReconciliationTotalsResponse.From)],
        [.. r.Items.Select(i => new ReconciliationItemResponse(i.Code, i.OrderId, i.RefundId, i.ChannelAmount, i.GatewayAmount, i.Currency,
            i.GatewayStatus, i.Action, i.Detail))],
        r.ErrorCode, r.ErrorMessage);
}

/// <summary>Counts and sums of one side of a reconciliation in one currency.</summary>
public sealed record ReconciliationTotalsResponse(string Currency, int PaymentCount, long PaymentAmount, int RefundCount, long RefundAmount)
{
    public static ReconciliationTotalsResponse From(ReconciliationTotals t) => new(t.Currency, t.PaymentCount, t.PaymentAmount, t.RefundCount, t.RefundAmount);
}

/// <summary>One discrepancy found by reconciliation.</summary>
public sealed record ReconciliationItemResponse(
    string Code,
    string OrderId,
    string? RefundId,
    long? ChannelAmount,
    long? GatewayAmount,
    string? Currency,
    string? GatewayStatus,
    string Action,
    string Detail);

/// <summary>One discrepancy in the operators' work list, with the account and day it was found on.</summary>
public sealed record ReconciliationItemRow(
    long Id,
    string Channel,
    string AccountId,
    string BillDate,
    string Code,
    string OrderId,
    string? RefundId,
    long? ChannelAmount,
    long? GatewayAmount,
    string? Currency,
    string? GatewayStatus,
    string Action,
    string Detail,
    DateTimeOffset FoundAt,
    DateTimeOffset? ResolvedAt);

/// <summary>A page of reconciliation items; pass <c>next_cursor</c> as <c>before</c> for the next page.</summary>
public sealed record ReconciliationItemSearchResponse(IReadOnlyList<ReconciliationItemRow> Items, long? NextCursor);

/// <summary>One row of an operator contract search (from <c>paygw_contract</c>).</summary>
public sealed record ContractSummaryResponse(
    string ContractId,
    string AppId,
    string OutContractNo,
    string Status,
    string Channel,
    string AccountId,
    long Amount,
    string Currency,
    string PeriodUnit,
    int PeriodEvery,
    string? ChannelContractNo,
    int DeductionsSucceeded,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SignedAt,
    DateTimeOffset? TerminatedAt);

/// <summary>A page of contracts, newest first; pass <c>next_cursor</c> as <c>before</c> for the next page.</summary>
public sealed record ContractSearchResponse(IReadOnlyList<ContractSummaryResponse> Contracts, string? NextCursor);

/// <summary>
/// Something an operator must look at (<c>paygw_review_item</c>): a refused channel callback, a channel contradicting a
/// final record (money to give back), an answer the gateway did not accept. The callback body stays in the database.
/// </summary>
public sealed record ReviewItemRow(
    long Id,
    DateTimeOffset CreatedAt,
    string Kind,
    string Channel,
    string AccountId,
    string? OrderId,
    string Code,
    string Detail,
    string? BodySha256,
    DateTimeOffset? ResolvedAt);

/// <summary>A page of review items; pass <c>next_cursor</c> as <c>before</c> for the next page.</summary>
public sealed record ReviewItemSearchResponse(IReadOnlyList<ReviewItemRow> Items, long? NextCursor);
