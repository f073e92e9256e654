using System.Net.Http.Headers;

namespace PayGateway.Channels.Mock;

/// <summary>A response whose signature checked out, or the reason the outcome is unknown.</summary>
internal sealed record MockApiResponse(int Status, byte[] Body, string? UnknownReason)
{
    public bool IsUnknown => UnknownReason is not null;

    public static MockApiResponse Unknown(string reason) => new(0, [], reason);
}

/// <summary>Sends signed requests to the mock channel and verifies the signed answers.</summary>
internal sealed class MockApiClient(IHttpClientFactory httpClientFactory, TimeProvider time)
{
    public const string HttpClientName = "channel.mock";

    /// <summary>
    /// Any transport failure, timeout, 5xx, 408/429 or unverifiable answer comes back as unknown. Only the caller's
    /// own cancellation throws.
    /// </summary>
    public async Task<MockApiResponse> SendAsync(ChannelAccount account, HttpMethod method, string relativePath, byte[]? body, CancellationToken cancellationToken)
    {
        var merchantId = account.RequiredSetting("merchant_id");
        var key = account.RequiredSecret("hmac_key");
        var baseUrl = account.BaseUrl.AbsoluteUri.EndsWith('/') ? account.BaseUrl : new Uri(account.BaseUrl.AbsoluteUri + "/");
        var uri = new Uri(baseUrl, relativePath);
        var timestamp = MockSignature.Timestamp(time.GetUtcNow());

        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        request.Headers.Add(MockSignature.MerchantHeader, merchantId);
        request.Headers.Add(MockSignature.TimestampHeader, timestamp);
        request.Headers.Add(MockSignature.SignatureHeader, MockSignature.SignRequest(key, timestamp, method.Method, uri.PathAndQuery, body ?? []));

        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return Verify((int)response.StatusCode, response.Headers, bytes, merchantId, key);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return MockApiResponse.Unknown("The channel did not answer in time.");
        }
        catch (HttpRequestException e)
        {
            return MockApiResponse.Unknown($"Transport failure: {e.HttpRequestError}.");
        }
    }

    private MockApiResponse Verify(int status, HttpResponseHeaders headers, byte[] body, string merchantId, string key)
    {
        if (status >= 500 || status is 408 or 429)
        {
            return MockApiResponse.Unknown($"The channel answered HTTP {status}.");
        }
        var answeredFor = Header(headers, MockSignature.MerchantHeader);
        var timestamp = Header(headers, MockSignature.TimestampHeader);
        if (answeredFor is not null && answeredFor != merchantId)
        {
            return MockApiResponse.Unknown("The answer is for another merchant.");
        }
        if (!MockSignature.IsFresh(timestamp, time.GetUtcNow()))
        {
            return MockApiResponse.Unknown($"The answer (HTTP {status}) has no valid Mock-Timestamp.");
        }
        if (!MockSignature.VerifyBody(key, timestamp, body, Header(headers, MockSignature.SignatureHeader)))
        {
            return MockApiResponse.Unknown($"The answer (HTTP {status}) has no valid Mock-Signature.");
        }
        return new MockApiResponse(status, body, null);
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
