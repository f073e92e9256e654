using Microsoft.Extensions.Options;
using PayGateway.Api.Problems;

namespace PayGateway.Api.Admission;

/// <summary>
/// The one way admission control answers a request it will not (or could not) serve: problem+json with a stable
/// code and Retry-After. Not logged per request (under overload that would be thousands of lines a second); ASP.NET
/// Core's rate-limiting metrics count refusals, and deadline misses are logged where they happen.
/// </summary>
public static class AdmissionRefusal
{
    public static Task WriteAsync(HttpContext context, string code, string detail)
    {
        context.Response.Headers.RetryAfter = context.RequestServices.GetRequiredService<IOptions<AdmissionOptions>>().Value.RetryAfterHeader;
        return ProblemCatalog.Result(code, detail).ExecuteAsync(context);
    }
}
