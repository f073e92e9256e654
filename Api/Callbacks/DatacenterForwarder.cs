using Microsoft.Extensions.Options;
using PayGateway.Api.Hosting;

namespace PayGateway.Api.Callbacks;

/// <summary>
/// Relays a callback to its home datacenter's API host (<c>Api:Datacenters:{code}</c> = base URL) and relays
/// the answer back, so the channel sees its home datacenter's acknowledgement.
/// </summary>
public sealed class DatacenterForwarder(IHttpClientFactory clients, IOptions<ApiOptions> options, IConfiguration configuration, ILogger<DatacenterForwarder> logger)
{
    public const string HttpClientName = "datacenter-forward";

    public string LocalDatacenter { get; } = configuration["Gateway:DatacenterCode"] ?? "";

    public async Task<IResult> ForwardAsync(string datacenter, HttpRequest request, byte[] body)
    {
        if (!options.Value.Datacenters.TryGetValue(datacenter, out var baseUrl))
        {
            return Results.Text("unknown datacenter", "text/plain", statusCode: 404);
        }
        var target = new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), request.Path.Value!.TrimStart('/') + request.QueryString);
        using var forward = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        foreach (var header in request.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (!forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                forward.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }
        forward.Headers.TryAddWithoutValidation(CallbackEndpoints.ForwardedHeader, LocalDatacenter);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(forward, request.HttpContext.RequestAborted);
            var answer = await response.Content.ReadAsByteArrayAsync(request.HttpContext.RequestAborted);
            return Results.Text(System.Text.Encoding.UTF8.GetString(answer), response.Content.Headers.ContentType?.ToString() ?? "text/plain", statusCode: (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException
            || ex is OperationCanceledException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // Unreachable, or slower than the relay's timeout (HttpClient reports that as a cancellation). The channel
            // will retry: a failed relay must look like "not acknowledged", never like success, and it is not a bug.
            logger.LogWarning(ex, "Could not forward a callback to datacenter {Datacenter}", datacenter);
            return Results.Text("home datacenter unreachable", "text/plain", statusCode: 502);
        }
    }
}
