using PayGateway.Api.Contracts;
using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using PayGateway.Api.Hosting;

namespace PayGateway.Api.Callbacks;

/// <summary>
/// Channel callbacks: <c>POST /v1/callbacks/{dc}/{channel}/{account_id}</c>. The datacenter in the path is the
/// order's home (the gateway put it in the notify URL it gave the channel): a callback for another datacenter
/// is forwarded there byte for byte, so signatures are checked where the order and its keys live.
/// </summary>
public static class CallbackEndpoints
{
    public const string ForwardedHeader = "Paygw-Forwarded-From";

    public static IEndpointRouteBuilder MapCallbacks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/callbacks/{dc}/{channel}/{accountId}", HandleAsync)
            .WithTags("Channel callbacks")
            .WithSummary("Receives a channel's asynchronous notification. Answers in the channel's own acknowledgement format.");
        return app;
    }

    private static async Task<IResult> HandleAsync(
        string dc, string channel, string accountId, HttpRequest request, IGrainFactory grains,
        DatacenterForwarder forwarder, IOptions<ApiOptions> options)
    {
        var body = await RequestBody.ReadLimitedAsync(request, options.Value.MaxBodyBytes);
        if (body is null)
        {
            return Results.Text("payload too large", "text/plain", statusCode: 413);
        }
        if (dc != forwarder.LocalDatacenter)
        {
            if (request.Headers.ContainsKey(ForwardedHeader))
            {
                // Forwarded to us but not ours: a configuration loop. Refuse so the channel retries later.
                return Results.Text("misrouted callback", "text/plain", statusCode: 421);
            }
            return await forwarder.ForwardAsync(dc, request, body);
        }
        if (!IsKey(channel) || !IsKey(accountId))
        {
            return Results.Text("unknown account", "text/plain", statusCode: 404);
        }

        var headers = request.Headers.ToImmutableDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var reply = await grains.GetGrain<IChannelCallbackGrain>(ChannelAccountKey.For(channel, accountId))
            .HandleAsync(new CallbackEnvelope(headers, body, request.ContentType));
        return Results.Text(reply.Body, reply.ContentType, statusCode: reply.StatusCode);
    }

    private static bool IsKey(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
