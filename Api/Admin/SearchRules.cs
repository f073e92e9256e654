using Microsoft.AspNetCore.Http.HttpResults;
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

    /// <summary>The cursor of a search paged by a numeric item id.</summary>
    public static ProblemHttpResult? ItemCursor(long? before) =>
        before is < 1 ? ProblemCatalog.Result(ErrorCodes.ValidationFailed, "before must be an item id (the next_cursor of a previous page).") : null;
}
