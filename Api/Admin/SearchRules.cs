using Microsoft.AspNetCore.Http.HttpResults;
using PayGateway.Api.Orders;
using PayGateway.Api.Problems;

namespace PayGateway.Api.Admin;

/// <summary>The input checks the operator searches share; each answers a 400 problem, or null when the value is fine.</summary>
public static class SearchRules
{
    public const int MaxLimit = 200;

    public static ProblemHttpResult? Limit(int limit) =>
        limit is < 1 or > MaxLimit ? ProblemCatalog.Result(ErrorCodes.ValidationFailed, $"limit must be 1-{MaxLimit}.") : null;

    /// <summary>A channel and/or account filter, checked like the account routes.</summary>
    public static ProblemHttpResult? Account(string? channel, string? accountId) =>
        (channel is not null || accountId is not null) && !AdminEndpoints.ValidAccountKey(channel ?? "x", accountId ?? "x")
            ? ProblemCatalog.Result(ErrorCodes.ValidationFailed, "channel must be [a-z0-9_]{1,32} and account_id [A-Za-z0-9_-]{1,64}.")
            : null;

    /// <summary>
    /// An app filter, checked like the app routes. The column is ASCII: MariaDB refuses to compare it with a non-ASCII
    /// value (an illegal mix of collations, which would surface as a 503), and such a value could match nothing anyway.
    /// </summary>
    public static ProblemHttpResult? App(string? appId) =>
        appId is not null && !CreateOrderValidation.MerchantNumber().IsMatch(appId)
            ? ProblemCatalog.Result(ErrorCodes.ValidationFailed, "app_id must be 1-64 characters of [A-Za-z0-9_-].")
            : null;

    /// <summary>
    /// A merchant's own number filter (out_trade_no, out_contract_no), checked like on creation (an ASCII column, as for
    /// the app), and only within an app: the one index holding the number is the unique (app_id, number), so a search
    /// by the number alone would walk every row of the table.
    /// </summary>
    public static ProblemHttpResult? MerchantNumber(string name, string? number, string? appId) =>
        number is null ? null
        : !CreateOrderValidation.MerchantNumber().IsMatch(number)
            ? ProblemCatalog.Result(ErrorCodes.ValidationFailed, $"{name} must be 1-64 characters of [A-Za-z0-9_-].")
        : appId is null
            ? ProblemCatalog.Result(ErrorCodes.ValidationFailed, $"{name} is searched within an app: give app_id too.")
            : null;

    /// <summary>The cursor of a search paged by a numeric item id.</summary>
    public static ProblemHttpResult? ItemCursor(long? before) =>
        before is < 1 ? ProblemCatalog.Result(ErrorCodes.ValidationFailed, "before must be an item id (the next_cursor of a previous page).") : null;
}
