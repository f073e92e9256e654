using Polly.Timeout;

namespace PayGateway.Channels;

/// <summary>
/// Makes the resilience pipeline's timeout look like HttpClient's own (a <see cref="TaskCanceledException"/>
/// wrapping a <see cref="TimeoutException"/>), so every adapter handles one kind of timeout, in one way, as an
/// unknown outcome. Sits outside the resilience handler.
/// </summary>
public sealed class ChannelTimeoutHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TaskCanceledException($"The channel did not answer within the gateway's timeout ({request.RequestUri?.Host}).", new TimeoutException(ex.Message, ex));
        }
    }
}
