using PayGateway.Wire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using PayGateway.Api.Admin;
using PayGateway.Api.Admission;
using PayGateway.Api.Callbacks;
using PayGateway.Api.Merchants;
using PayGateway.Api.Refunds;
using PayGateway.Api.Recurring;
using PayGateway.Api.Transfers;
using PayGateway.Api.Orders;
using PayGateway.Api.Problems;
using PayGateway.Api.Security;
using PayGateway.Api.Storage;
using PayGateway.Hosting;
using Scalar.AspNetCore;

namespace PayGateway.Api.Hosting;

/// <summary>Everything the API host registers and maps, kept out of Program.cs so tests build the same app.</summary>
public static class ApiConfiguration
{
    public const string Invariant = "MySql.Data.MySqlConnector";

    public static readonly string[] RequiredKeys =
    [
        "ConnectionStrings:Gateway", "Orleans:ClusterId", "Orleans:ServiceId", "Gateway:DatacenterCode", "Api:ResponseSigningKeyPem",
    ];

    public static WebApplicationBuilder AddGatewayApi(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        RequiredSettings.Check(configuration, "The API host", RequiredKeys);
        var connectionString = GatewayConnectionString.WithDefaults(configuration.GetConnectionString("Gateway")!);

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = configuration["Orleans:ClusterId"]!;
                o.ServiceId = configuration["Orleans:ServiceId"]!;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            client.AddDashboard();
            client.AddOutgoingGrainCallFilter<RequestDeadlineCallFilter>();
        });

        var services = builder.Services;
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName))
            // A hash pasted with sha256sum's trailing "  -", or a token pasted instead of its hash, would otherwise lock
            // every operator out (or fail each admin request) with nothing saying why.
            .Validate(o => o.OperatorTokenSha256.All(ApiOptions.IsSha256Hex),
                "Every Api:OperatorTokenSha256 entry must be exactly 64 hex digits: the SHA-256 of a token (printf %s TOKEN | sha256sum, without the trailing \"  -\").")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new DatabaseConnections(connectionString));
        services.AddSingleton<NonceStore>();
        services.AddHostedService<NoncePurgeService>();
        services.AddSingleton<GatewayResponseSigner>();
        // One reference for every request: making it per call formats the interface's type name each time (perf7).
        services.AddSingleton(sp => sp.GetRequiredService<IGrainFactory>().GetGrain<IMerchantAuthGrain>(0));
        services.AddSingleton<MerchantSignatureFilter>();
        services.AddSingleton<DatacenterForwarder>();
        // No redirects: a followed 302 from the home datacenter's ingress would relay the channel's POST as a GET.
        services.AddHttpClient(DatacenterForwarder.HttpClientName)
            .ConfigureHttpClient((sp, c) => c.Timeout = sp.GetRequiredService<IOptions<ApiOptions>>().Value.DatacenterForwardTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.Configure<JsonOptions>(o => WireJson.Configure(o.SerializerOptions));
        // Problems the framework writes (unknown paths and methods, challenges) carry a code like every other.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("code", ProblemCatalog.CodeForStatus(c.ProblemDetails.Status)));
        // Query and route values that do not bind (limit=abc) throw to GatewayExceptionHandler, which answers
        // VALIDATION_FAILED; left to the default outside Development they would be a 400 without a code.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<GatewayExceptionHandler>();
        services.AddAuthentication(OperatorAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, OperatorAuthenticationHandler>(OperatorAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorAuthenticationHandler.PolicyName, p => p.AddAuthenticationSchemes(OperatorAuthenticationHandler.SchemeName).RequireRole("operator"));
        services.AddOpenApi();
        services.AddAdmissionControl(configuration);
        return builder;
    }

    public static WebApplication MapGatewayApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Every 503 tells the caller when to retry (grain faults, channel outcomes unknown, overload), in one place.
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !context.Response.Headers.ContainsKey("Retry-After"))
                {
                    context.Response.Headers.RetryAfter = "1";
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseStatusCodePages();
        // Admission first: a refused request costs no authentication, no body read, no grain call.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        // Merchant responses only: a channel's callback is answered in the channel's own format and is never signed by us,
        // so buffering its response would be wasted work on the busiest unauthenticated path.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1") && !c.Request.Path.StartsWithSegments("/v1/callbacks"),
            branch => branch.UseMiddleware<ResponseSigningMiddleware>());
        // Inside the response signing, so a DEADLINE_EXCEEDED answer to an authenticated merchant is signed like any other.
        app.UseRequestTimeouts();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithTitle("pay-gateway API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));

        var merchant = app.MapGroup("/v1").WithTags("Merchant API").WithMerchantAdmission().AddEndpointFilter<MerchantSignatureFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        merchant.MapOrders();
        merchant.MapRefunds();
        merchant.MapTransfers();
        merchant.MapContracts();
        app.MapGroup("").WithCallbackAdmission().MapCallbacks();

        app.MapGet("/v1/gateway/public-key", (GatewayResponseSigner signer) => TypedResults.Text(signer.PublicKeyPem, "application/x-pem-file"))
            .WithTags("Merchant API").WithSummary("The gateway's RSA public key, for verifying responses to RSA apps.");

        app.MapGroup("/admin/v1").WithTags("Admin API").RequireAuthorization(OperatorAuthenticationHandler.PolicyName)
            .ProducesProblem(StatusCodes.Status401Unauthorized).MapAdmin();
        app.MapOrleansDashboard(routePrefix: OperatorAuthenticationHandler.DashboardPath).RequireAuthorization(OperatorAuthenticationHandler.PolicyName).ExcludeFromDescription();
        app.MapGet("/healthz", () => TypedResults.Ok("ok")).ExcludeFromDescription();
        return app;
    }
}
