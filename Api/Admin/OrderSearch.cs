using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using MySqlConnector;
using PayGateway.Api.Contracts;
using PayGateway.Api.Problems;
using PayGateway.Api.Storage;

namespace PayGateway.Api.Admin;

/// <summary>
/// Operator order search over <c>paygw_order</c>, the SQL projection kept in the same transaction as each
/// order's grain state. Keyset pagination on order id (ids sort by time), newest first. A merchant's number is
/// searched only within its app, where the unique (app, number) index finds it (<see cref="SearchRules.MerchantNumber"/>).
/// </summary>
public static class OrderSearch
{
    public static async Task<Results<Ok<OrderSearchResponse>, ProblemHttpResult>> SearchAsync(
        DatabaseConnections database,
        [FromQuery(Name = "app_id")] string? appId = null,
        [FromQuery(Name = "status")] string? status = null,
        [FromQuery(Name = "out_trade_no")] string? outTradeNo = null,
        [FromQuery(Name = "before")] string? before = null,
        [FromQuery(Name = "limit")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        if ((SearchRules.Limit(limit) ?? SearchRules.App(appId) ?? SearchRules.MerchantNumber("out_trade_no", outTradeNo, appId)) is { } problem)
        {
            return problem;
        }
        if (status is not null && status is not ("pending" or "unknown" or "succeeded" or "closed" or "failed"))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "status must be pending, unknown, succeeded, closed or failed.");
        }
        if (before is not null && !OrderId.IsValid(before))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "before must be an order id (the next_cursor of a previous page).");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        var filters = new SearchFilters(command)
            .Add("app_id = @app_id", "@app_id", appId)
            .Add("status = @status", "@status", status)
            .Add("out_trade_no = @out_trade_no", "@out_trade_no", outTradeNo)
            .Add("order_id < @before", "@before", before);
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText =
            "SELECT order_id, app_id, out_trade_no, status, amount, currency, channel, account_id, method, channel_trade_no, created_at, updated_at, paid_at " +
            "FROM paygw_order" + filters.Where + " ORDER BY order_id DESC LIMIT @limit";

        var rows = new List<OrderSummaryResponse>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OrderSummaryResponse(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                SearchFilters.Utc(reader.GetDateTime(10)), SearchFilters.Utc(reader.GetDateTime(11)), reader.IsDBNull(12) ? null : SearchFilters.Utc(reader.GetDateTime(12))));
        }
        var next = rows.Count > limit ? rows[limit - 1].OrderId : null;
        return TypedResults.Ok(new OrderSearchResponse(rows.Take(limit).ToList(), next));
    }
}
