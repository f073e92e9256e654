using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using MySqlConnector;
using PayGateway.Api.Contracts;
using PayGateway.Api.Problems;
using PayGateway.Api.Storage;

namespace PayGateway.Api.Admin;

/// <summary>
/// Operators' work list of reconciliation discrepancies across accounts and days (<c>paygw_recon_item</c>): open ones
/// by default, newest first, keyset pagination on the item id.
/// </summary>
public static class ReconciliationItemSearch
{
    public static async Task<Results<Ok<ReconciliationItemSearchResponse>, ProblemHttpResult>> SearchAsync(
        DatabaseConnections database,
        [FromQuery(Name = "open")] bool open = true,
        [FromQuery(Name = "code")] string? code = null,
        [FromQuery(Name = "channel")] string? channel = null,
        [FromQuery(Name = "account_id")] string? accountId = null,
        [FromQuery(Name = "before")] long? before = null,
        [FromQuery(Name = "limit")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        if ((SearchRules.Limit(limit) ?? SearchRules.Account(channel, accountId) ?? SearchRules.ItemCursor(before)) is { } problem)
        {
            return problem;
        }
        if (code is not null && (code.Length > 64 || !code.All(c => char.IsAsciiLetterUpper(c) || c == '_')))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "code must be a reconciliation code such as PAYMENT_AMOUNT_MISMATCH.");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        var filters = new SearchFilters(command)
            .Always(open ? "resolved_at IS NULL" : "resolved_at IS NOT NULL")
            .Add("code = @code", "@code", code)
            .Add("channel = @channel", "@channel", channel)
            .Add("account_id = @account", "@account", accountId)
            .Add("id < @before", "@before", before);
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText =
            "SELECT id, channel, account_id, bill_date, code, order_id, refund_id, channel_amount, gateway_amount, currency, gateway_status, action, detail, found_at, resolved_at " +
            "FROM paygw_recon_item" + filters.Where + " ORDER BY id DESC LIMIT @limit";

        var rows = new List<ReconciliationItemRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ReconciliationItemRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                DateOnly.FromDateTime(reader.GetDateTime(3)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.GetString(4), reader.GetString(5), reader.GetString(6) is { Length: > 0 } refund ? refund : null,
                reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetInt64(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.GetString(11), reader.GetString(12), SearchFilters.Utc(reader.GetDateTime(13)), reader.IsDBNull(14) ? null : SearchFilters.Utc(reader.GetDateTime(14))));
        }
        var next = rows.Count > limit ? rows[limit - 1].Id : (long?)null;
        return TypedResults.Ok(new ReconciliationItemSearchResponse([.. rows.Take(limit)], next));
    }
}
