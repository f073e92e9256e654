using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace PayGateway.Benchmarks;

/// <summary>The merchant's webhook endpoint on loopback: answers 200 and records when each event first arrived.</summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TimeSpan> _firstDelivery = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private WebhookSink(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Delivered => _firstDelivery.Count;

    public TimeSpan Now => _clock.Elapsed;

    public TimeSpan LastDelivery => _firstDelivery.IsEmpty ? TimeSpan.Zero : _firstDelivery.Values.Max();

    public static async Task<WebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.MapPost("/hooks/{tag}", async (HttpRequest request) =>
        {
            // Drained through a pooled buffer: the sink runs in the measured process and needs only the event id header.
            await request.Body.CopyToAsync(Stream.Null);
            sink._firstDelivery.TryAdd(request.Headers["Paygw-Event-Id"].ToString(), sink._clock.Elapsed);
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.Url = new Uri(address.TrimEnd('/') + "/hooks/");
        return sink;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
