using Microsoft.AspNetCore.Http.HttpResults;
using PayGateway.Api.Contracts;
using PayGateway.Api.Hosting;
using PayGateway.Api.Merchants;
using PayGateway.Api.Orders;
using PayGateway.Api.Problems;
using PayGateway.Wire;

namespace PayGateway.Api.Transfers;

/// <summary>Merchant transfer (payout) endpoints. The group's filter has authenticated the app before any of these run.</summary>
public static class TransferEndpoints
{
    public static RouteGroupBuilder MapTransfers(this RouteGroupBuilder group)
    {
        group.MapPost("/transfers", CreateAsync).WithName("CreateTransfer").WithSummary("Pay money out to a payee through a channel.")
            .DocumentsJsonBody<RouteHandlerBuilder, CreateTransferRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/transfers/{transferId}", GetAsync).WithName("GetTransfer").WithSummary("Get a transfer by gateway transfer id.");
        group.MapGet("/transfers/by-out-transfer-no/{outTransferNo}", GetByOutTransferNoAsync).WithName("GetTransferByOutTransferNo")
            .WithSummary("Get a transfer by the merchant's out_transfer_no.");
        return group;
    }

    private static async Task<Results<Ok<TransferResponse>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains)
    {
        var merchant = http.Merchant();
        var (request, problem) = JsonBody.Read<CreateTransferRequest>(http.Request, merchant.Body);
        if (problem is not null)
        {
            return problem;
        }
        var (command, errors) = CreateTransferValidation.Validate(merchant.AppId, request!);
        if (command is null)
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "One or more fields are invalid.", new Dictionary<string, object?> { ["errors"] = errors });
        }
        var result = await grains.GetGrain<IMerchantTransferKeyGrain>(MerchantTransferKey.For(command.AppId, command.OutTransferNo)).TransferAsync(command);
        return result.Error is { } error ? ProblemCatalog.Result(error) : TypedResults.Ok(TransferResponse.From(result.Transfer!));
    }

    private static async Task<Results<Ok<TransferResponse>, ProblemHttpResult>> GetAsync(string transferId, HttpContext http, IGrainFactory grains)
    {
        var transfer = TransferId.IsValid(transferId) ? await grains.GetGrain<ITransferGrain>(transferId).GetAsync() : null;
        return transfer is not null && transfer.AppId == http.Merchant().AppId ? TypedResults.Ok(TransferResponse.From(transfer)) : NotFound();
    }

    private static async Task<Results<Ok<TransferResponse>, ProblemHttpResult>> GetByOutTransferNoAsync(string outTransferNo, HttpContext http, IGrainFactory grains)
    {
        var appId = http.Merchant().AppId;
        if (!CreateOrderValidation.MerchantNumber().IsMatch(outTransferNo))
        {
            return NotFound();
        }
        var transferId = await grains.GetGrain<IMerchantTransferKeyGrain>(MerchantTransferKey.For(appId, outTransferNo)).GetTransferIdAsync();
        var transfer = transferId is null ? null : await grains.GetGrain<ITransferGrain>(transferId).GetAsync();
        return transfer is not null && transfer.AppId == appId ? TypedResults.Ok(TransferResponse.From(transfer)) : NotFound();
    }

    private static ProblemHttpResult NotFound() => ProblemCatalog.Result(ErrorCodes.TransferNotFound, "No transfer with that id belongs to this app.");
}
