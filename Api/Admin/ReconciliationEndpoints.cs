using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PayGateway.Api.Contracts;
using PayGateway.Api.Problems;

namespace PayGateway.Api.Admin;

/// <summary>
/// Operator reconciliation: run one account's statement day now, or read its last report. The scheduler runs the
/// same thing every day by itself (docs/reconciliation.md).
/// </summary>
public static class ReconciliationEndpoints
{
    public static RouteGroupBuilder MapReconciliation(this RouteGroupBuilder group)
    {
        group.MapPost("/reconciliations/{channel}/{accountId}/{billDate}", RunAsync).WithName("RunReconciliation")
            .WithSummary("Fetch the account's channel statement for the day, compare it with the gateway, heal the safe direction, report the rest.");
        group.MapGet("/reconciliations/{channel}/{accountId}/{billDate}", GetAsync).WithName("GetReconciliation")
            .WithSummary("The last reconciliation report of the account's statement day.");
        group.MapGet("/reconciliation-items", ReconciliationItemSearch.SearchAsync).WithName("SearchReconciliationItems")
            .WithSummary("Discrepancies across accounts and days: open ones by default, newest first.");
        return group;
    }

    private static async Task<Results<Ok<ReconciliationResponse>, ProblemHttpResult>> RunAsync(string channel, string accountId, string billDate, IGrainFactory grains, TimeProvider clock)
    {
        if (Validate(channel, accountId, billDate, clock) is { } problem)
        {
            return problem;
        }
        var result = await grains.GetGrain<IReconciliationGrain>(ReconciliationKey.Of(channel, accountId, Day(billDate))).RunAsync();
        return result.Error is { } error ? ProblemCatalog.Result(error) : TypedResults.Ok(ReconciliationResponse.From(result.Report!));
    }

    private static async Task<Results<Ok<ReconciliationResponse>, ProblemHttpResult>> GetAsync(string channel, string accountId, string billDate, IGrainFactory grains, TimeProvider clock)
    {
        if (Validate(channel, accountId, billDate, clock) is { } problem)
        {
            return problem;
        }
        return await grains.GetGrain<IReconciliationGrain>(ReconciliationKey.Of(channel, accountId, Day(billDate))).GetAsync() is { } report
            ? TypedResults.Ok(ReconciliationResponse.From(report))
            : ProblemCatalog.Result(ErrorCodes.ReconciliationNotFound, $"No reconciliation of {channel}/{accountId} for {billDate} has run.");
    }

    private static ProblemHttpResult? Validate(string channel, string accountId, string billDate, TimeProvider clock)
    {
        if (!AdminEndpoints.ValidAccountKey(channel, accountId))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "channel must be [a-z0-9_]{1,32} and account_id [A-Za-z0-9_-]{1,64}.");
        }
        if (!DateOnly.TryParseExact(billDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "The bill date must be yyyy-MM-dd.");
        }
        // No channel has a statement of a day that has not begun anywhere (UTC+14 is the earliest calendar).
        var latest = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(14)).DateTime);
        return day > latest || day.Year < 2000
            ? ProblemCatalog.Result(ErrorCodes.ValidationFailed, "The bill date must be a day that has begun (and after 2000).")
            : null;
    }

    private static DateOnly Day(string billDate) => DateOnly.ParseExact(billDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
