using System.Collections.Concurrent;
using PayGateway.Reliability;

namespace PayGateway.ReliabilityDriver;

/// <summary>
/// The merchant's webhook endpoint as a process: answers 200 to every POST under /hooks/, records event id, body and
/// answer, and serves the records at GET /records for the invariant check.
/// </summary>
public static class WebhookServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var deliveries = new ConcurrentQueue<WebhookDelivery>();
        app.MapPost("/hooks/{tag}", async (string tag, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            deliveries.Enqueue(new WebhookDelivery(request.Headers["Paygw-Event-Id"].ToString(), body, 200));
            return Results.Ok();
        });
        app.MapGet("/records", () => Results.Json(deliveries.ToArray()));
        await app.RunAsync();
        return 0;
    }
}
