using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PayGateway.Api.Admission;

/// <summary>
/// A pool of slots shared by every endpoint that names this policy (one partition): at most <paramref name="permits"/>
/// requests in progress and <paramref name="queue"/> waiting, oldest first. Beyond that, 503 OVERLOADED.
/// </summary>
public sealed class AdmissionPoolPolicy(int permits, int queue) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = (context, _) =>
        new ValueTask(AdmissionRefusal.WriteAsync(context.HttpContext, ErrorCodes.Overloaded,
            "The gateway has as many requests in progress as it accepts. Retry after Retry-After; repeating a request with the same out_trade_no, out_refund_no or out_transfer_no is safe."));

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter("pool", _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = permits,
            QueueLimit = queue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
}
