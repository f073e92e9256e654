using Microsoft.Extensions.Logging.Abstractions;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>
/// The real <see cref="AlipayChannel"/> talking to the simulator over loopback HTTP, keeping the decoded form of every
/// request it sends, so a test can check the exact wire content the simulator accepted.
/// </summary>
internal sealed class AlipayWireRecorder : IHttpClientFactory, IDisposable
{
    private readonly RecordingHandler _handler = new() { InnerHandler = new SocketsHttpHandler() };

    public AlipayWireRecorder() => Channel = new AlipayChannel(this, NullLogger<AlipayChannel>.Instance);

    public AlipayChannel Channel { get; }

    /// <summary>The <c>biz_content</c> of the one request sent with <paramref name="method"/>, exactly as sent and signed.</summary>
    public string BizContentOf(string method)
    {
        lock (_handler.Sent)
        {
            return Assert.Single(_handler.Sent, fields => fields["method"] == method)["biz_content"];
        }
    }

    public HttpClient CreateClient(string name)
    {
        Assert.Equal(AlipayChannel.HttpClientName, name);
        return new HttpClient(_handler, disposeHandler: false) { Timeout = AlipaySimulatorHarness.ClientTimeout };
    }

    public void Dispose() => _handler.Dispose();

    private sealed class RecordingHandler : DelegatingHandler
    {
        public List<Dictionary<string, string>> Sent { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            Assert.True(AlipayForm.TryParse(body, out var fields));
            lock (Sent)
            {
                Sent.Add(fields);
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
