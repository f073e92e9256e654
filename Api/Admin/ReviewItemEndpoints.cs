using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using MySqlConnector;
using PayGateway.Api.Contracts;
using PayGateway.Api.Problems;
using PayGateway.Api.Storage;

namespace PayGateway.Api.Admin;

/// <summary>
/// The operators' review queue (<c>paygw_review_item</c>, written by the silos' review log): open items by default,
/// newest first, keyset pagination on the item id; an operator marks an item resolved once it is dealt with.
/// </summary>
public static class ReviewItemEndpoints
{
    private const string Columns = "id, created_at, kind, channel, account_id, order_id, code, detail, body_sha256, resolved_at";

    public static RouteGroupBuilder MapReviewItems(this RouteGroupBuilder group)
    {
        group.MapGet("/review-items", SearchAsync).WithName("SearchReviewItems")
            .WithSummary("Refused callbacks, contradictions and unaccepted channel answers: open ones by default, newest first.");
        group.MapPost("/review-items/{id:long}/resolve", ResolveAsync).WithName("ResolveReviewItem")
            .WithSummary("Mark a review item dealt with. Repeating it changes nothing and keeps the first resolution time.");
        return group;
    }

    private static async Task<Results<Ok<ReviewItemSearchResponse>, ProblemHttpResult>> SearchAsync(
        DatabaseConnections database,
        [FromQuery(Name = "open")] bool open = true,
        [FromQuery(Name = "kind")] string? kind = null,
        [FromQuery(Name = "code")] string? code = null,
        [FromQuery(Name = "channel")] string? channel = null,
        [FromQuery(Name = "account_id")] string? accountId = null,
        [FromQuery(Name = "order_id")] string? orderId = null,
        [FromQuery(Name = "before")] long? before = null,
        [FromQuery(Name = "limit")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        if ((SearchRules.Limit(limit) ?? SearchRules.Account(channel, accountId) ?? SearchRules.ItemCursor(before)) is { } problem)
        {
            return problem;
        }
        if (!IsWord(kind, 32) || !IsWord(code, 64))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "kind and code are words such as callback and AMOUNT_MISMATCH.");
        }
        if (orderId is { Length: 0 or > 64 })
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "order_id must be 1-64 characters.");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        var filters = new SearchFilters(command)
            .Always(open ? "resolved_at IS NULL" : "resolved_at IS NOT NULL")
            .Add("kind = @kind", "@kind", kind)
            .Add("code = @code", "@code", code)
            .Add("channel = @channel", "@channel", channel)
            .Add("account_id = @account", "@account", accountId)
            .Add("order_id = @order", "@order", orderId)
            .Add("id < @before", "@before", before);
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText = $"SELECT {Columns} FROM paygw_review_item{filters.Where} ORDER BY id DESC LIMIT @limit";
        var rows = await ReadAsync(command, cancellationToken);
        var next = rows.Count > limit ? rows[limit - 1].Id : (long?)null;
        return TypedResults.Ok(new ReviewItemSearchResponse([.. rows.Take(limit)], next));
    }

    private static async Task<Results<Ok<ReviewItemRow>, ProblemHttpResult>> ResolveAsync(long id, DatabaseConnections database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Only an open item changes: a repeated resolve keeps the first time.
        await using (var resolve = new MySqlCommand("UPDATE paygw_review_item SET resolved_at = UTC_TIMESTAMP(3) WHERE id = @id AND resolved_at IS NULL", connection))
        {
            resolve.Parameters.AddWithValue("@id", id);
            await resolve.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var read = new MySqlCommand($"SELECT {Columns} FROM paygw_review_item WHERE id = @id", connection);
        read.Parameters.AddWithValue("@id", id);
        return (await ReadAsync(read, cancellationToken)) is [var item]
            ? TypedResults.Ok(item)
            : ProblemCatalog.Result(ErrorCodes.ReviewItemNotFound, $"No review item {id}.");
    }

    private static async Task<List<ReviewItemRow>> ReadAsync(MySqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<ReviewItemRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ReviewItemRow(
                reader.GetInt64(0), SearchFilters.Utc(reader.GetDateTime(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : SearchFilters.Utc(reader.GetDateTime(9))));
        }
        return rows;
    }

    private static bool IsWord(string? value, int maxLength) =>
        value is null || (value.Length is > 0 && value.Length <= maxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));
}
