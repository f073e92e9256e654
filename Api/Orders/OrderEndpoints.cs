using PayGateway.Api.Hosting;
using PayGateway.Wire;
using Microsoft.AspNetCore.Http.HttpResults;
using PayGateway.Api.Contracts;
using PayGateway.Api.Merchants;
using PayGateway.Api.Problems;

namespace PayGateway.Api.Orders;

/// <summary>Merchant order endpoints. The group's filter has authenticated the app before any of these run.</summary>
public static class OrderEndpoints
{
    public static RouteGroupBuilder MapOrders(this RouteGroupBuilder group)
    {
        group.MapPost("/orders", CreateAsync).WithName("CreateOrder").WithSummary("Create an order and its payment at the channel.")
            .DocumentsJsonBody<RouteHandlerBuilder, CreateOrderRequest>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/orders/{orderId}", GetAsync).WithName("GetOrder").WithSummary("Get an order by gateway order id.");
        group.MapGet("/orders/by-out-trade-no/{outTradeNo}", GetByOutTradeNoAsync).WithName("GetOrderByOutTradeNo").WithSummary("Get an order by the merchant's out_trade_no.");
        group.MapPost("/orders/{orderId}/close", CloseAsync).WithName("CloseOrder").WithSummary("Close an unpaid order, at the channel too.");
        group.MapPost("/orders/{orderId}/sync", SyncAsync).WithName("SyncOrder").WithSummary("Ask the channel now and return the order as it then stands.");
        return group;
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CreateAsync(HttpContext http, IGrainFactory grains)
    {
        var merchant = http.Merchant();
        var (request, problem) = JsonBody.Read<CreateOrderRequest>(http.Request, merchant.Body);
        if (problem is not null)
        {
            return problem;
        }
        var (command, errors) = CreateOrderValidation.Validate(merchant.AppId, request!);
        if (command is null)
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "One or more fields are invalid.", new Dictionary<string, object?> { ["errors"] = errors });
        }
        var result = await grains.GetGrain<IMerchantOrderKeyGrain>(MerchantOrderKey.For(command.AppId, command.OutTradeNo)).CreateOrderAsync(command);
        return ToResponse(result);
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetAsync(string orderId, HttpContext http, IGrainFactory grains)
    {
        var order = await FindOwnedAsync(grains, http.Merchant().AppId, orderId);
        return order is null ? NotFound() : TypedResults.Ok(OrderResponse.From(order));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetByOutTradeNoAsync(string outTradeNo, HttpContext http, IGrainFactory grains)
    {
        var appId = http.Merchant().AppId;
        if (!CreateOrderValidation.MerchantNumber().IsMatch(outTradeNo))
        {
            return NotFound();
        }
        var orderId = await grains.GetGrain<IMerchantOrderKeyGrain>(MerchantOrderKey.For(appId, outTradeNo)).GetOrderIdAsync();
        var order = orderId is null ? null : await FindOwnedAsync(grains, appId, orderId);
        return order is null ? NotFound() : TypedResults.Ok(OrderResponse.From(order));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CloseAsync(string orderId, HttpContext http, IGrainFactory grains)
    {
        if (await FindOwnedAsync(grains, http.Merchant().AppId, orderId) is null)
        {
            return NotFound();
        }
        return ToResponse(await grains.GetGrain<IOrderGrain>(orderId).CloseAsync());
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> SyncAsync(string orderId, HttpContext http, IGrainFactory grains)
    {
        if (await FindOwnedAsync(grains, http.Merchant().AppId, orderId) is null)
        {
            return NotFound();
        }
        return ToResponse(await grains.GetGrain<IOrderGrain>(orderId).SyncAsync());
    }

    /// <summary>The order if it exists and belongs to this app. Another app's order is reported as not found.</summary>
    private static async Task<OrderView?> FindOwnedAsync(IGrainFactory grains, string appId, string orderId)
    {
        if (!OrderId.IsValid(orderId))
        {
            return null;
        }
        var order = await grains.GetGrain<IOrderGrain>(orderId).GetAsync();
        return order?.AppId == appId ? order : null;
    }

    private static ProblemHttpResult NotFound() => ProblemCatalog.Result(ErrorCodes.OrderNotFound, "No order with that id belongs to this app.");

    private static Results<Ok<OrderResponse>, ProblemHttpResult> ToResponse(OrderResult result)
    {
        if (result.Error is { } error)
        {
            var problem = ProblemCatalog.Result(error);
            return problem;
        }
        return TypedResults.Ok(OrderResponse.From(result.Order!));
    }
}
