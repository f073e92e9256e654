using Microsoft.Extensions.Options;
using PayGateway.Api.Hosting;
using PayGateway.Wire;
using System.Collections.Immutable;
using Microsoft.AspNetCore.Http.HttpResults;
using PayGateway.Api.Contracts;
using PayGateway.Api.Orders;
using PayGateway.Api.Problems;

namespace PayGateway.Api.Admin;

/// <summary>Operator endpoints: merchant apps, channel accounts, orders and order search. Operator authentication is set on the group.</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder group)
    {
        group.MapPut("/apps/{appId}", ConfigureAppAsync).WithName("ConfigureApp").WithSummary("Create or update a merchant app.")
            .DocumentsJsonBody<RouteHandlerBuilder, ConfigureAppRequest>();
        group.MapGet("/apps/{appId}", GetAppAsync).WithName("GetApp");
        group.MapPut("/channel-accounts/{channel}/{accountId}", ConfigureAccountAsync).WithName("ConfigureChannelAccount").WithSummary("Create or update a channel account.")
            .DocumentsJsonBody<RouteHandlerBuilder, ConfigureChannelAccountRequest>();
        group.MapGet("/channel-accounts/{channel}/{accountId}", GetAccountAsync).WithName("GetChannelAccount");
        group.MapPost("/orders/{orderId}/notifications/{eventId}/resend", ResendAsync).WithName("ResendNotification").WithSummary("Deliver a notification again (same event id and body).");
        group.MapGet("/orders/{orderId}", GetOrderAsync).WithName("GetOrderAsOperator")
            .WithSummary("Any app's order, as its merchant sees it (with held_for_review when the order is held for an operator).");
        group.MapGet("/orders", OrderSearch.SearchAsync).WithName("SearchOrders").WithSummary("Search orders (SQL projection of order state).");
        group.MapGet("/contracts", ContractSearch.SearchAsync).WithName("SearchContracts").WithSummary("Search recurring-payment contracts (SQL projection of contract state).");
        return group.MapReconciliation().MapReviewItems();
    }

    private static async Task<Results<Ok<AppResponse>, ProblemHttpResult>> ConfigureAppAsync(string appId, HttpRequest http, IGrainFactory grains)
    {
        if (!CreateOrderValidation.MerchantNumber().IsMatch(appId))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "app_id must be 1-64 characters of [A-Za-z0-9_-].");
        }
        if (await ReadAsync(http) is not { } body)
        {
            return ProblemCatalog.Result(ErrorCodes.PayloadTooLarge, "The request body is too large.");
        }
        var (request, problem) = JsonBody.Read<ConfigureAppRequest>(http, body);
        if (problem is not null)
        {
            return problem;
        }
        MerchantAuthScheme? scheme = request!.AuthScheme switch { "RSA" => MerchantAuthScheme.Rsa, "HMAC" => MerchantAuthScheme.Hmac, _ => null };
        if (scheme is null || request.Name is null || request.Channels is null || request.Enabled is null
            || request.Channels.Any(c => c?.Channel is null || c.AccountId is null))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "name, auth_scheme (RSA or HMAC), channels [{channel, account_id}] and enabled are required.");
        }
        var config = new MerchantAppConfig(request.Name, scheme.Value, request.PublicKeyPem, request.HmacSecret, request.WebhookSecret,
            [.. request.Channels.Select(c => new ChannelRoute(c.Channel!, c.AccountId!))], request.Enabled.Value);
        var result = await grains.GetGrain<IMerchantAppGrain>(appId).ConfigureAsync(config);
        return result.Error is { } error ? ProblemCatalog.Result(error) : TypedResults.Ok(AppResponse.From(result.App!));
    }

    private static async Task<Results<Ok<AppResponse>, ProblemHttpResult>> GetAppAsync(string appId, IGrainFactory grains) =>
        CreateOrderValidation.MerchantNumber().IsMatch(appId) && await grains.GetGrain<IMerchantAppGrain>(appId).GetAsync() is { } app
            ? TypedResults.Ok(AppResponse.From(app))
            : ProblemCatalog.Result(ErrorCodes.AppNotFound, $"No app '{appId}'.");

    private static async Task<Results<Ok<ChannelAccountResponse>, ProblemHttpResult>> ConfigureAccountAsync(string channel, string accountId, HttpRequest http, IGrainFactory grains)
    {
        if (!ValidAccountKey(channel, accountId))
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "channel must be [a-z0-9_]{1,32} and account_id [A-Za-z0-9_-]{1,64}.");
        }
        if (await ReadAsync(http) is not { } body)
        {
            return ProblemCatalog.Result(ErrorCodes.PayloadTooLarge, "The request body is too large.");
        }
        var (request, problem) = JsonBody.Read<ConfigureChannelAccountRequest>(http, body);
        if (problem is not null)
        {
            return problem;
        }
        var methods = new List<PayMethod>();
        foreach (var name in request!.EnabledMethods ?? [])
        {
            if (!PayMethods.TryParseWire(name, out var method))
            {
                return ProblemCatalog.Result(ErrorCodes.ValidationFailed, $"Unknown method '{name}'.");
            }
            methods.Add(method);
        }
        if (request.BaseUrl is null || request.Enabled is null)
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, "base_url and enabled are required.");
        }
        // JSON null is not a value: a null secret would fail sealing inside the grain (a 500), a null setting would be stored.
        if ((request.Settings ?? []).Concat(request.Secrets ?? []).FirstOrDefault(kv => kv.Value is null).Key is { } valueless)
        {
            return ProblemCatalog.Result(ErrorCodes.ValidationFailed, $"'{valueless}' has no value: give a string, or leave it out.");
        }
        var config = new ChannelAccountConfig(request.BaseUrl,
            (request.Settings ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal),
            (request.Secrets ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal),
            [.. methods], request.Enabled.Value);
        var result = await grains.GetGrain<IChannelAccountGrain>(ChannelAccountKey.For(channel, accountId)).ConfigureAsync(config);
        return result.Error is { } error ? ProblemCatalog.Result(error) : TypedResults.Ok(ChannelAccountResponse.From(result.Account!));
    }

    private static async Task<Results<Ok<ChannelAccountResponse>, ProblemHttpResult>> GetAccountAsync(string channel, string accountId, IGrainFactory grains) =>
        ValidAccountKey(channel, accountId) && await grains.GetGrain<IChannelAccountGrain>(ChannelAccountKey.For(channel, accountId)).GetAsync() is { } account
            ? TypedResults.Ok(ChannelAccountResponse.From(account))
            : ProblemCatalog.Result(ErrorCodes.ChannelAccountNotFound, $"No channel account {channel}/{accountId}.");

    // The search reads the SQL projection, which carries no hold; an operator following a review item reads the order itself.
    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrderAsync(string orderId, IGrainFactory grains) =>
        OrderId.IsValid(orderId) && await grains.GetGrain<IOrderGrain>(orderId).GetAsync() is { } order
            ? TypedResults.Ok(OrderResponse.From(order))
            : ProblemCatalog.Result(ErrorCodes.OrderNotFound, "No such order.");

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ResendAsync(string orderId, string eventId, IGrainFactory grains)
    {
        if (!OrderId.IsValid(orderId) || await grains.GetGrain<IOrderGrain>(orderId).GetAsync() is null)
        {
            return ProblemCatalog.Result(ErrorCodes.OrderNotFound, "No such order.");
        }
        var result = await grains.GetGrain<IOrderGrain>(orderId).ResendNotificationAsync(eventId);
        return result.Error is { } error ? ProblemCatalog.Result(error) : TypedResults.Ok(OrderResponse.From(result.Order!));
    }

    internal static bool ValidAccountKey(string channel, string accountId) =>
        channel.Length is > 0 and <= 32 && channel.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
        && CreateOrderValidation.MerchantNumber().IsMatch(accountId);

    /// <summary>The body within the API's size limit; null (answered 413) when larger.</summary>
    private static Task<byte[]?> ReadAsync(HttpRequest request) =>
        RequestBody.ReadLimitedAsync(request, request.HttpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxBodyBytes);
}
