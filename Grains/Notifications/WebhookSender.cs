using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace PayGateway.Notifications;

/// <summary>The result of one delivery attempt. Any 2xx is a delivery.</summary>
public sealed record WebhookAttempt(bool Delivered, string? Error);

/// <summary>POSTs one webhook event to a merchant's notify_url, with the gateway's timeout.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, ILogger<WebhookSender> logger)
{
    public const string HttpClientName = "webhooks";

    public async Task<WebhookAttempt> SendAsync(string url, string eventId, string body, string signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.TryAddWithoutValidation("Paygw-Event-Id", eventId);
        request.Headers.TryAddWithoutValidation("Paygw-Signature", signature);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode
                ? new WebhookAttempt(true, null)
                : new WebhookAttempt(false, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            // The merchant may or may not have processed it; the retry carries the same event id so they can tell.
            logger.LogInformation("Webhook {EventId} attempt failed: {Error}", eventId, ex.GetType().Name);
            return new WebhookAttempt(false, ex is HttpRequestException ? "connection failed" : "timed out");
        }
    }
}
