using Microsoft.AspNetCore.Http.Timeouts;

namespace PayGateway.Api.Admission;

/// <summary>
/// Makes the API host's grain calls keep a merchant request's deadline. Grain calls take no cancellation token, so
/// without this a request waits for its grain call as long as Orleans does (30 s) whatever the deadline. When the
/// deadline passes, the caller stops waiting: the await throws <see cref="OperationCanceledException"/>, which the
/// request-timeout middleware answers with 503 DEADLINE_EXCEEDED, and the handler runs no further (so nothing
/// touches the request after it was answered). The call itself is not recalled: like a call Orleans timed out, it
/// completes or not in the cluster, which is why every merchant operation is idempotent (a repeated create with
/// the same out_trade_no returns the order the first one made). Calls made outside a request with a deadline
/// (callbacks, operators, the dashboard) are untouched.
/// </summary>
public sealed class RequestDeadlineCallFilter(IHttpContextAccessor http) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (http.HttpContext is not { } request || request.Features.Get<IHttpRequestTimeoutFeature>() is null)
        {
            await context.Invoke();
            return;
        }
        // While the deadline applies, RequestAborted is the deadline linked with the client's own abort. It is the
        // linked token (not the feature's timeout token) we wait on because it is cancelled after the deadline's:
        // when our await throws, the middleware already sees its deadline passed and answers 503 rather than rethrow.
        var deadline = request.RequestAborted;
        // Past the deadline nothing new is started: the caller is being answered already.
        deadline.ThrowIfCancellationRequested();
        var call = context.Invoke();
        if (!call.IsCompleted)
        {
            // The abandoned call's fault, if it has one, is observed here so it is not reported as unobserved.
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        await call.WaitAsync(deadline);
    }
}
