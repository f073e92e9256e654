using Microsoft.AspNetCore.Diagnostics;
using PayGateway.Api.Problems;

namespace PayGateway.Api.Hosting;

/// <summary>
/// Faults become problem+json too. Cluster and storage trouble is a 503 with Retry-After (the request may be
/// retried with the same out_trade_no, which is idempotent); anything else is a 500 and is logged as a bug.
/// </summary>
public sealed class GatewayExceptionHandler(ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException bad)
        {
            context.Response.StatusCode = bad.StatusCode;
            await ProblemCatalog.Result(bad.StatusCode == 413 ? ErrorCodes.PayloadTooLarge : ErrorCodes.ValidationFailed, bad.Message).ExecuteAsync(context);
            return true;
        }
        if (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a passed deadline is answered by the request-timeout middleware, not here):
            // there is no one to answer, and it is not a bug. What the request started is idempotent to repeat.
            logger.LogDebug("Client left before {Path} was answered", context.Request.Path);
            context.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }
        if (exception is OrleansException or TimeoutException or SiloUnavailableException or MySqlConnector.MySqlException)
        {
            logger.LogWarning(exception, "Transient failure serving {Path}", context.Request.Path);
            context.Response.Headers.RetryAfter = "1";
            await ProblemCatalog.Result(ErrorCodes.ServiceUnavailable, "Retry the same request; it is safe to repeat.").ExecuteAsync(context);
            return true;
        }
        logger.LogError(exception, "Unhandled error serving {Path}", context.Request.Path);
        await TypedResults.Problem(statusCode: 500, title: "Unexpected error.", extensions: new Dictionary<string, object?> { ["code"] = "INTERNAL_ERROR" }).ExecuteAsync(context);
        return true;
    }
}
