using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PayGateway.Tests.Infrastructure;

/// <summary>A merchant's webhook endpoint on loopback: records every delivery and can be told to fail.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentDictionary<string, int> _statusByTag = new();

    /// <summary>One POST as received; <see cref="Tag"/> is the last path segment, which tests set per order.</summary>
    public sealed record Delivery(string Tag, string EventId, string Signature, string Body, int AnsweredWith, DateTimeOffset At);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    /// <summary>
    /// Status the endpoint answers with, from now on, for orders tagged <paramref name="tag"/> (default 200). A 3xx
    /// points to <c>/hooks/moved/{tag}</c>, which answers any method 200 and records it under the tag <c>moved/{tag}</c>
    /// (the body is the method).
    /// </summary>
    public void AnswerWith(string tag, int statusCode) => _statusByTag[tag] = statusCode;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{tag}", async (string tag, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver._statusByTag.GetValueOrDefault(tag, 200);
            receiver._deliveries.Enqueue(new Delivery(tag, request.Headers["Paygw-Event-Id"].ToString(), request.Headers["Paygw-Signature"].ToString(), body, status, DateTimeOffset.UtcNow));
            if (status is >= 300 and < 400)
            {
                request.HttpContext.Response.Headers.Location = $"/hooks/moved/{tag}";
            }
            return Results.StatusCode(status);
        });
        app.Map("/hooks/moved/{tag}", (string tag, HttpRequest request) =>
        {
            receiver._deliveries.Enqueue(new Delivery($"moved/{tag}", "", "", request.Method, 200, DateTimeOffset.UtcNow));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hooks/");
        return receiver;
    }

    public IReadOnlyList<Delivery> For(string tag) => [.. Deliveries.Where(d => d.Tag == tag)];

    /// <summary>Waits until the deliveries for <paramref name="tag"/> satisfy <paramref name="condition"/>.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(string tag, Func<IReadOnlyList<Delivery>, bool> condition, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (!condition(For(tag)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Webhook condition for '{tag}' not met in {limit}; {For(tag).Count} deliveries so far.");
            }
            await Task.Delay(50);
        }
        return For(tag);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
