using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace PayGateway.Benchmarks;

/// <summary>
/// The cheapest form of each hop a create and a callback are made of, measured alone in the same run: an HTTP
/// exchange on loopback with nothing behind it, an Orleans call from the API host's client to a grain that does
/// nothing, and the same call made on the silo. Added up with the hop counts of a create, they say how fast a create
/// could be on this machine if the gateway's own work cost nothing (the "floor" notes of the report).
/// </summary>
public sealed class HopFloors : IAsyncDisposable
{
    /// <summary>About the size of a create request's body and of its answer.</summary>
    public static readonly byte[] RequestBody = new byte[300];
    private static readonly byte[] AnswerBody = new byte[600];

    private readonly WebApplication _echo;
    private readonly HttpClient _http;

    private HopFloors(WebApplication echo, HttpClient http)
    {
        _echo = echo;
        _http = http;
    }

    public static async Task<HopFloors> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/echo", async (HttpRequest request, HttpResponse response) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            response.ContentType = "application/json";
            response.ContentLength = AnswerBody.Length;
            await response.Body.WriteAsync(AnswerBody);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // The same client settings as the benchmark's merchant client (GatewayUnderTest).
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri(address.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        return new HopFloors(app, http);
    }

    /// <summary>One POST with a create-sized body, its create-sized answer read in full.</summary>
    public async Task ExchangeAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "echo") { Content = new ByteArrayContent(RequestBody) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _echo.DisposeAsync();
    }
}

/// <summary>Benchmark-only grain with no state and no work: the cost of a grain call itself.</summary>
public interface IHopGrain : IGrainWithIntegerKey
{
    Task<byte[]> EchoAsync(byte[] request);
}

public sealed class HopGrain : Grain, IHopGrain
{
    private static readonly byte[] Answer = new byte[600];

    public Task<byte[]> EchoAsync(byte[] request) => Task.FromResult(Answer);
}
