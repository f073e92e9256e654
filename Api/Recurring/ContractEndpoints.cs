using Microsoft.AspNetCore.Http.HttpResults;
using PayGateway.Api.Contracts;
using PayGateway.Api.Hosting;
using PayGateway.Api.Merchants;
using PayGateway.Api.Orders;
using PayGateway.Api.Problems;
using PayGateway.Wire;

namespace PayGateway.Api.Recurring;

/// <summary>
/// Merchant endpoints for recurring-payment contracts (docs/recurring.md). The group's filter has authenticated the
/// app before any of these run. Each deduction a contract makes is a normal order (GET /v1/orders/{order_id}).
/// </summary>
public static class ContractEndpoints
{
    public const int MaxReasonLength = 128;

    public static RouteGroupBuilder MapContracts(this RouteGroupBuilder group)
    {
        group.MapPost("/contracts", CreateAsync).WithName("CreateContract")
            .WithSummary("Start a recurring-payment contract: returns what the payer needs to sign it at the channel.")
            .DocumentsJsonBody<RouteHandlerBuilder, CreateContractRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/contracts/{contractId}", GetAsync).WithName("GetContract").WithSummary("Get a contract by gateway contract id.");
        group.MapGet("/contracts/by-out-contract-no/{outContractNo}", GetByOutContractNoAsync).WithName("GetContractByOutContractNo")
            .WithSummary("Get a contract by the merchant's out_contract_no.");
        group.MapPost("/contracts/{contractId}/terminate", TerminateAsync).WithName("TerminateContract")
            .WithSummary("End a contract at the channel and here; no deduction starts after it. An optional body gives the reason.")
            .DocumentsJsonBody<RouteHandlerBuilder, TerminateContractRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Ok<ContractResponse>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains, TimeProvider clock)
    {
        var merchant = http.Merchant();
        var (request, problem) = JsonBody.Read<CreateContractRequest>(http.Request, merchant.Body);
        if (problem is not null)
        {
            return problem;
        }
        var (command, errors, repeat) = CreateContractValidation.Validate(merchant.AppId, request!, clock.GetUtcNow());
        if (command is null)
        {
            // A retry, after midnight Beijing time, of a request accepted the day before: its first date is now in the
            // past, but the retry gets the contract the request made (only that: nothing is created from it).
            if (repeat is not null
                && await grains.GetGrain<IMerchantContractKeyGrain>(MerchantContractKey.For(repeat.AppId, repeat.OutContractNo)).RepeatAsync(repeat) is { } repeated)
            {
                return ToResponse(repeated);
            }
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "One or more fields are invalid.", new Dictionary<string, object?> { ["errors"] = errors });
        }
        var result = await grains.GetGrain<IMerchantContractKeyGrain>(MerchantContractKey.For(command.AppId, command.OutContractNo)).CreateContractAsync(command);
        return ToResponse(result);
    }

    private static async Task<Results<Ok<ContractResponse>, ProblemHttpResult>> GetAsync(string contractId, HttpContext http, IGrainFactory grains)
    {
        var contract = await FindAsync(contractId, http, grains);
        return contract is not null ? TypedResults.Ok(ContractResponse.From(contract)) : NotFound();
    }

    private static async Task<Results<Ok<ContractResponse>, ProblemHttpResult>> GetByOutContractNoAsync(string outContractNo, HttpContext http, IGrainFactory grains)
    {
        var appId = http.Merchant().AppId;
        if (!CreateOrderValidation.MerchantNumber().IsMatch(outContractNo))
        {
            return NotFound();
        }
        var contractId = await grains.GetGrain<IMerchantContractKeyGrain>(MerchantContractKey.For(appId, outContractNo)).GetContractIdAsync();
        var contract = contractId is null ? null : await grains.GetGrain<ISignGrain>(contractId).GetAsync();
        return contract is not null && contract.AppId == appId ? TypedResults.Ok(ContractResponse.From(contract)) : NotFound();
    }

    private static async Task<Results<Ok<ContractResponse>, ProblemHttpResult>> TerminateAsync(string contractId, HttpContext http, IGrainFactory grains)
    {
        var merchant = http.Merchant();
        string? reason = null;
        if (merchant.Body.Length > 0)
        {
            var (request, problem) = JsonBody.Read<TerminateContractRequest>(http.Request, merchant.Body);
            if (problem is not null)
            {
                return problem;
            }
            reason = request!.Reason;
            if (reason is { } r && (r.Length is 0 or > MaxReasonLength || CreateOrderValidation.HasControlCharacters(r)))
            {
                return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "One or more fields are invalid.", new Dictionary<string, object?>
                {
                    ["errors"] = new Dictionary<string, string[]> { ["reason"] = [$"1-{MaxReasonLength} characters, no control characters."] },
                });
            }
        }
        if (await FindAsync(contractId, http, grains) is null)
        {
            return NotFound();
        }
        return ToResponse(await grains.GetGrain<ISignGrain>(contractId).TerminateAsync(reason));
    }

    /// <summary>The contract when the id is well formed, exists and belongs to the calling app; null otherwise (never a scan).</summary>
    private static async Task<ContractView?> FindAsync(string contractId, HttpContext http, IGrainFactory grains)
    {
        var contract = ContractId.IsValid(contractId) ? await grains.GetGrain<ISignGrain>(contractId).GetAsync() : null;
        return contract is not null && contract.AppId == http.Merchant().AppId ? contract : null;
    }

    private static Results<Ok<ContractResponse>, ProblemHttpResult> ToResponse(ContractResult result) =>
        result.Error is { } error ? ProblemCatalog.Result(error) : TypedResults.Ok(ContractResponse.From(result.Contract!));

    private static ProblemHttpResult NotFound() => ProblemCatalog.Result(ErrorCodes.ContractNotFound, "No contract with that id belongs to this app.");
}
