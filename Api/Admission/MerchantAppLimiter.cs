using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PayGateway.Api.Merchants;

namespace PayGateway.Api.Admission;

/// <summary>
/// One concurrency limit per app_id on merchant routes, so one merchant's burst cannot take every merchant slot of the
/// host. It is checked before the host's merchant pool, so requests beyond an app's allowance are refused without
/// touching the pool. The app is the one the Authorization header names: admission runs before the signature is
/// checked (checking it is itself work worth limiting), so a request that names someone else's app counts against
/// that app until its signature fails, which is quick. Requests without a readable header share one partition.
/// </summary>
public static class MerchantAppLimiter
{
    public static PartitionedRateLimiter<HttpContext> Create(AdmissionOptions options) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName != AdmissionControl.MerchantPool)
            {
                return RateLimitPartition.GetNoLimiter("");
            }
            var appId = MerchantAuthorizationHeader.TryParse(context.Request.Headers.Authorization.ToString())?.AppId ?? "";
            return RateLimitPartition.GetConcurrencyLimiter("app:" + appId, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = options.AppConcurrency,
                QueueLimit = options.AppQueue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        });
}
