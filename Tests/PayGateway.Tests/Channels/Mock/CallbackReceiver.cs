using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PayGateway.Channels;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>
/// A stand-in for the gateway's callback endpoint, for every channel's tests: real HTTP, raw bytes to ParseCallback,
/// and the reply from <c>ReplyToCallback(accepted, request)</c> as ChannelCallbackGrain gives it (so WeChat Pay v2
/// notifies are acknowledged in XML and v3 ones in JSON). Accepted means a payment, refund or contract result.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    public sealed record Received(ChannelCallbackRequest Request, ChannelCallbackParseResult Result, ChannelCallbackReply Reply);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();

    private CallbackReceiver(WebApplication app) => _app = app;

    public Uri NotifyUrl { get; private set; } = null!;

    public IReadOnlyList<Received> All => [.. _received];

    public static async Task<CallbackReceiver> StartAsync(IPaymentChannel channel, Func<ChannelAccount> account)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new CallbackReceiver(app);
        app.MapPost("/notify", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var request = new ChannelCallbackRequest(headers, buffer.ToArray(), context.Request.ContentType);
            var result = await channel.ParseCallbackAsync(account(), request, context.RequestAborted);
            var reply = channel.ReplyToCallback(result.Callback is not null || result.Refund is not null || result.Contract is not null, request);
            receiver._received.Enqueue(new Received(request, result, reply));
            return Results.Content(reply.Body, reply.ContentType, statusCode: reply.StatusCode);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.NotifyUrl = new Uri(address.TrimEnd('/') + "/notify");
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> callbacks arrived.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (_received.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} callbacks, got {_received.Count}.");
            }
            await Task.Delay(10);
        }
        return All;
    }

    /// <summary>Waits until a callback matching <paramref name="match"/> arrived.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_received.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No matching callback among {_received.Count}.");
            }
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
