using Microsoft.AspNetCore.Http.HttpResults;
using PayGateway.Api.Contracts;
using PayGateway.Api.Hosting;
using PayGateway.Api.Merchants;
using PayGateway.Api.Orders;
using PayGateway.Api.Problems;
using PayGateway.Wire;

namespace PayGateway.Api.Refunds;

/// <summary>Merchant refund endpoints. The group's filter has authenticated the app before any of these run.</summary>
public static class RefundEndpoints
{
    public static RouteGroupBuilder MapRefunds(this RouteGroupBuilder group)
    {
        group.MapPost("/orders/{orderId}/refunds", CreateAsync).WithName("CreateRefund").WithSummary("Refund all or part of a paid order.")
            .DocumentsJsonBody<RouteHandlerBuilder, CreateRefundRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/refunds/{refundId}", GetAsync).WithName("GetRefund").WithSummary("Get a refund by gateway refund id.");
        group.MapGet("/refunds/by-out-refund-no/{outRefundNo}", GetByOutRefundNoAsync).WithName("GetRefundByOutRefundNo")
            .WithSummary("Get a refund by the merchant's out_refund_no.");
        return group;
    }

    private static async Task<Results<Ok<RefundResponse>, ProblemHttpResult>> CreateAsync(string orderId, HttpContext http, IGrainFactory grains)
    {
        var merchant = http.Merchant();
        var (request, problem) = JsonBody.Read<CreateRefundRequest>(http.Request, merchant.Body);
        if (problem is not null)
        {
            return problem;
        }
        if (!OrderId.IsValid(orderId))
        {
            return ProblemCatalog.Result(ErrorCodes.OrderNotFound, "No order with that id belongs to this app.");
        }
        var (command, errors) = CreateRefundValidation.Validate(merchant.AppId, orderId, request!);
        if (command is null)
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "One or more fields are invalid.", new Dictionary<string, object?> { ["errors"] = errors });
        }
        var result = await grains.GetGrain<IMerchantRefundKeyGrain>(MerchantRefundKey.For(command.AppId, command.OutRefundNo)).RefundAsync(command);
        return result.Error is { } error ? ProblemCatalog.Result(error) : TypedResults.Ok(RefundResponse.From(result.Refund!));
    }

    private static async Task<Results<Ok<RefundResponse>, ProblemHttpResult>> GetAsync(string refundId, HttpContext http, IGrainFactory grains)
    {
        if (!RefundId.TryParse(refundId, out var orderId))
        {
            return NotFound();
        }
        var refund = await grains.GetGrain<IOrderGrain>(orderId).GetRefundAsync(refundId);
        return refund is not null && refund.AppId == http.Merchant().AppId ? TypedResults.Ok(RefundResponse.From(refund)) : NotFound();
    }

    private static async Task<Results<Ok<RefundResponse>, ProblemHttpResult>> GetByOutRefundNoAsync(string outRefundNo, HttpContext http, IGrainFactory grains)
    {
        var appId = http.Merchant().AppId;
        if (!CreateOrderValidation.MerchantNumber().IsMatch(outRefundNo))
        {
            return NotFound();
        }
        var orderId = await grains.GetGrain<IMerchantRefundKeyGrain>(MerchantRefundKey.For(appId, outRefundNo)).GetOrderIdAsync();
        var refund = orderId is null ? null : await grains.GetGrain<IOrderGrain>(orderId).FindRefundAsync(outRefundNo);
        return refund is not null && refund.AppId == appId ? TypedResults.Ok(RefundResponse.From(refund)) : NotFound();
    }

    private static ProblemHttpResult NotFound() => ProblemCatalog.Result(ErrorCodes.RefundNotFound, "No refund with that id belongs to this app.");
}
