using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using MySqlConnector;
using PayGateway.Api.Contracts;
using PayGateway.Api.Problems;
using PayGateway.Api.Storage;

namespace PayGateway.Api.Admin;

/// <summary>
/// Operator contract search over <c>paygw_contract</c>, the SQL projection kept in the same transaction as each
/// contract's grain state. Keyset pagination on contract id (ids sort by time), newest first. A merchant's number is
/// searched only within its app, where the unique (app, number) index finds it (<see cref="SearchRules.MerchantNumber"/>).
/// </summary>
public static class ContractSearch
{
    public static async Task<Results<Ok<ContractSearchResponse>, ProblemHttpResult>> SearchAsync(
        DatabaseConnections database,
        [FromQuery(Name = "app_id")] string? appId = null,
        [FromQuery(Name = "status")] string? status = null,
        [FromQuery(Name = "out_contract_no")] string? outContractNo = null,
        [FromQuery(Name = "before")] string? before = null,
        [FromQuery(Name = "limit")] int limit = 50,
        CancellationToken cancellationToken = default)
    {
        if ((SearchRules.Limit(limit) ?? SearchRules.App(appId) ?? SearchRules.MerchantNumber("out_contract_no", outContractNo, appId)) is { } problem)
        {
            return problem;
        }
        if (status is not null && status is not ("signing" or "active" or "terminated" or "closed"))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "status must be signing, active, terminated or closed.");
        }
        if (before is not null && !ContractId.IsValid(before))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "before must be a contract id (the next_cursor of a previous page).");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        var filters = new SearchFilters(command)
            .Add("app_id = @app_id", "@app_id", appId)
            .Add("status = @status", "@status", status)
            .Add("out_contract_no = @out_contract_no", "@out_contract_no", outContractNo)
            .Add("contract_id < @before", "@before", before);
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText =
            "SELECT contract_id, app_id, out_contract_no, status, channel, account_id, amount, currency, period_unit, period_every, " +
            "channel_contract_no, deductions_succeeded, created_at, signed_at, terminated_at " +
            "FROM paygw_contract" + filters.Where + " ORDER BY contract_id DESC LIMIT @limit";

        var rows = new List<ContractSummaryResponse>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ContractSummaryResponse(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt64(6), reader.GetString(7), reader.GetString(8), reader.GetInt32(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.GetInt32(11), SearchFilters.Utc(reader.GetDateTime(12)),
                reader.IsDBNull(13) ? null : SearchFilters.Utc(reader.GetDateTime(13)), reader.IsDBNull(14) ? null : SearchFilters.Utc(reader.GetDateTime(14))));
        }
        var next = rows.Count > limit ? rows[limit - 1].ContractId : null;
        return TypedResults.Ok(new ContractSearchResponse(rows.Take(limit).ToList(), next));
    }
}
