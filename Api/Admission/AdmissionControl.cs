using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PayGateway.Api.Admission;

/// <summary>
/// Scenario 17 (overload): the API host refuses work it cannot do in time instead of queueing it until Orleans'
/// 30 s call timeouts fire. A merchant request must fit its app's allowance (<see cref="MerchantAppLimiter"/>, else
/// 429 RATE_LIMITED) and then the host's merchant pool (else 503 OVERLOADED), and once admitted it is answered
/// within <see cref="AdmissionOptions.RequestDeadline"/> (else 503 DEADLINE_EXCEEDED). Channel callbacks draw from
/// their own, larger pool. Built on ASP.NET Core's rate limiter and request timeouts; the Orleans client also needs
/// <see cref="RequestDeadlineCallFilter"/> so that grain calls keep the deadline. Route groups opt in with
/// <see cref="WithMerchantAdmission{TBuilder}"/> and <see cref="WithCallbackAdmission{TBuilder}"/>; other endpoints
/// (operators, health, docs) are not limited.
/// </summary>
public static class AdmissionControl
{
    public const string MerchantPool = "merchant-pool";
    public const string CallbackPool = "callback-pool";
    public const string DeadlinePolicy = "merchant-deadline";

    public static IServiceCollection AddAdmissionControl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdmissionOptions>().Bind(configuration.GetSection(AdmissionOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>();
        services.AddHttpContextAccessor();

        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<AdmissionOptions>>((timeouts, admission) =>
            timeouts.AddPolicy(DeadlinePolicy, new RequestTimeoutPolicy
            {
                Timeout = admission.Value.RequestDeadline,
                TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
                WriteTimeoutResponse = WriteDeadlineExceededAsync,
            }));

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<AdmissionOptions>>((limiter, admission) =>
        {
            var limits = admission.Value;
            // The "global" limiter runs first: it is the per-app allowance, so the pools below are only ever taken
            // by requests their app may make.
            limiter.GlobalLimiter = MerchantAppLimiter.Create(limits);
            limiter.OnRejected = (context, _) => new ValueTask(AdmissionRefusal.WriteAsync(context.HttpContext, ErrorCodes.RateLimited,
                "This app has as many requests in progress as it may have. Retry after Retry-After; repeating a request with the same out_trade_no, out_refund_no or out_transfer_no is safe."));
            limiter.AddPolicy(MerchantPool, new AdmissionPoolPolicy(limits.MerchantConcurrency, limits.MerchantQueue));
            limiter.AddPolicy(CallbackPool, new AdmissionPoolPolicy(limits.CallbackConcurrency, limits.CallbackQueue));
        });
        return services;
    }

    /// <summary>Merchant routes: the app's allowance, the merchant pool and the request deadline. Apply to every merchant route group.</summary>
    public static TBuilder WithMerchantAdmission<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireRateLimiting(MerchantPool);
        builder.WithRequestTimeout(DeadlinePolicy);
        return builder;
    }

    /// <summary>
    /// Channel callbacks: their own pool, and no deadline (a callback is acknowledged only after the order's state is
    /// written, and a channel redelivers anything unacknowledged).
    /// </summary>
    public static TBuilder WithCallbackAdmission<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(CallbackPool);

    private static Task WriteDeadlineExceededAsync(HttpContext context)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdmissionControl))
            .LogWarning("{Method} {Path} passed its deadline; answered 503 DEADLINE_EXCEEDED (work it started may still complete)", context.Request.Method, context.Request.Path);
        // RequestAborted is still the deadline's token, which has fired: the answer (written to the response buffer)
        // must not be cancelled by it. The middleware restores the client's own token afterwards.
        context.RequestAborted = CancellationToken.None;
        return AdmissionRefusal.WriteAsync(context, ErrorCodes.DeadlineExceeded,
            "The request did not finish in time; what it started may still complete. Repeat the same request (same out_trade_no, out_refund_no or out_transfer_no) after Retry-After to get its outcome.");
    }
}
