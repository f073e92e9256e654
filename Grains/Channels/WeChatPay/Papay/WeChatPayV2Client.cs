using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;

namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// Sends API v2 requests (signed XML POSTs, or a signed GET for the H5 sign link) and believes an answer only when it
/// is flat XML with <c>return_code</c> SUCCESS and a sign that verifies with the APIv2 key. Never throws for
/// transport problems: those, 5xx, FAIL and unverifiable answers come back as <see cref="WeChatPayV2Response.Unusable"/>.
/// </summary>
internal sealed class WeChatPayV2Client(IHttpClientFactory httpClientFactory, ILogger logger)
{
    private const string UserAgent = "PayGateway-WeChatPay/1.0";

    /// <param name="signType">The algorithm <paramref name="signedFields"/> were signed with; the answer is verified with it.</param>
    public async Task<WeChatPayV2Response> PostAsync(WeChatPayPapayMerchant merchant, string path, IEnumerable<KeyValuePair<string, string?>> signedFields, string signType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, merchant.Address(path))
        {
            Content = new StringContent(WeChatPayV2Xml.Write(signedFields), Encoding.UTF8, "text/xml"),
        };
        return await SendAsync(merchant, request, path, signType, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="signType">The algorithm <paramref name="query"/> was signed with; the answer is verified with it.</param>
    public async Task<WeChatPayV2Response> GetAsync(WeChatPayPapayMerchant merchant, string path, string query, string signType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, merchant.Address(path + "?" + query));
        return await SendAsync(merchant, request, path, signType, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WeChatPayV2Response> SendAsync(WeChatPayPapayMerchant merchant, HttpRequestMessage request, string path, string signType, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/xml"));
        int status;
        byte[] body;
        try
        {
            var client = httpClientFactory.CreateClient(WeChatPayApiClient.HttpClientName);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return WeChatPayV2Response.Unusable($"{request.Method} {path} timed out");
        }
        catch (HttpRequestException ex)
        {
            return WeChatPayV2Response.Unusable($"{request.Method} {path} failed: {ex.HttpRequestError}");
        }

        var verdict = Believe(merchant, status, body, signType);
        if (verdict.Failure is { } failure)
        {
            logger.LogWarning("WeChat Pay v2 answer to {Path} for {Merchant} is not usable: {Reason}", path, merchant, failure);
        }

        return verdict;
    }

    /// <summary>What an answer is worth (shared with notifications, which arrive the other way).</summary>
    /// <param name="signTypeWhenAbsent">
    /// The algorithm when the message names none: for an answer the request's (WeChat signs answers like their
    /// request and leaves <c>sign_type</c> out), for a notify MD5.
    /// </param>
    public static WeChatPayV2Response Believe(WeChatPayPapayMerchant merchant, int status, ReadOnlySpan<byte> body, string signTypeWhenAbsent)
    {
        if (status is < 200 or >= 300)
        {
            return WeChatPayV2Response.Unusable($"HTTP {status}");
        }

        if (WeChatPayV2Xml.TryRead(body) is not { } fields)
        {
            return WeChatPayV2Response.Unusable("The answer is not v2 XML.");
        }

        if (!fields.TryGetValue("return_code", out var returnCode) || returnCode != "SUCCESS")
        {
            // A transport-level FAIL is unsigned and says nothing certain about the business outcome.
            fields.TryGetValue("return_msg", out var message);
            return WeChatPayV2Response.Unusable($"return_code {returnCode ?? "missing"}: {message}");
        }

        if (!WeChatPayV2Signer.Verify(fields, merchant.ApiV2Key, signTypeWhenAbsent))
        {
            return new WeChatPayV2Response(null, "The sign does not verify.", BadSignature: true);
        }

        return new WeChatPayV2Response(fields, null);
    }
}
