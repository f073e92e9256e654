using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Sends signed API v3 requests and verifies the answers, downloading platform certificates when an answer names
/// a serial we do not know yet.
/// </summary>
internal sealed class WeChatPayApiClient(
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    WeChatPayPlatformKeyCache keyCache,
    ILogger logger,
    TimeSpan maxClockSkew)
{
    public const string HttpClientName = "channel.wechatpay";

    // WeChat refuses requests without a User-Agent.
    private const string UserAgent = "PayGateway-WeChatPay/1.0";

    /// <summary>
    /// After a download that failed, or did not bring the serial it was made for, no other download for this
    /// merchant before this long: anyone can post a notification naming a made-up serial, and that must not turn
    /// into a flood of downloads. A download that found what it looked for blocks nothing, so a rotation is picked
    /// up at once even right after a download.
    /// </summary>
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMinutes(1);

    /// <summary>WeChat rotates certificates with weeks of overlap; twice a day is plenty.</summary>
    private static readonly TimeSpan RefreshAge = TimeSpan.FromHours(12);

    public WeChatPaySignatureVerifier Verifier(WeChatPayMerchant merchant) =>
        new(keyCache.Get(merchant).Store, timeProvider, maxClockSkew);

    /// <summary>
    /// Sends the request and verifies the answer; never throws for transport problems. <paramref name="platformSerial"/>
    /// names the platform key that encrypted sensitive fields of the body (sent as <c>Wechatpay-Serial</c>).
    /// </summary>
    public async Task<WeChatPayApiResponse> SendAsync(
        WeChatPayMerchant merchant, HttpMethod method, string pathAndQuery, byte[]? body, CancellationToken cancellationToken, string? platformSerial = null)
    {
        var response = await SendUnverifiedAsync(merchant, method, pathAndQuery, body, cancellationToken, platformSerial).ConfigureAwait(false);
        if (response.StatusCode is null)
        {
            return WeChatPayApiResponse.NoAnswer(response.Failure!);
        }

        var verification = Verify(merchant, response.Message!);
        if (verification.Status == WeChatPayVerificationStatus.UnknownSerial)
        {
            // Verify again even when this call did not download: a concurrent call may just have done so.
            await RefreshCertificatesAsync(merchant, force: false, cancellationToken, response.Message!.Serial).ConfigureAwait(false);
            verification = Verify(merchant, response.Message!);
        }

        if (!verification.IsValid)
        {
            logger.LogWarning(
                "WeChat Pay answer to {Method} {Path} for {Merchant} failed verification: {Reason}",
                method, StripQuery(pathAndQuery), merchant, verification.Reason);
        }

        return new WeChatPayApiResponse(response.StatusCode, response.Body, verification, null);
    }

    /// <summary>
    /// Downloads the platform certificates. <paramref name="wantedSerial"/> is the serial a message named that we do
    /// not hold: nothing is downloaded when a concurrent download already brought it. Returns true when the store
    /// changed or already holds the wanted serial. A failure keeps the existing keys.
    /// </summary>
    public async Task<bool> RefreshCertificatesAsync(WeChatPayMerchant merchant, bool force, CancellationToken cancellationToken, string? wantedSerial = null)
    {
        var entry = keyCache.Get(merchant);
        await entry.RefreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = timeProvider.GetUtcNow();
            if (wantedSerial is not null && entry.Store.TryGet(wantedSerial, now, out _))
            {
                return true;
            }

            if (!force && entry.QuietUntil is { } quietUntil && now < quietUntil)
            {
                return false;
            }

            // Until this download proves useful, it counts as futile.
            entry.QuietUntil = now + MinRefreshInterval;
            var raw = await SendUnverifiedAsync(merchant, HttpMethod.Get, WeChatPayCertificates.Path, null, cancellationToken).ConfigureAwait(false);
            if (raw.StatusCode != 200)
            {
                logger.LogWarning("WeChat Pay certificate download for {Merchant} failed: {Reason}", merchant, raw.Describe());
                return false;
            }

            IReadOnlyList<WeChatPayDownloadedCertificate> downloaded;
            try
            {
                downloaded = WeChatPayCertificates.DecryptDownload(raw.Body, merchant.ApiV3Key);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                logger.LogWarning("WeChat Pay certificate download for {Merchant} did not decrypt: {Reason}", merchant, ex.Message);
                return false;
            }

            // Check the download's own signature with what it brought plus what we already trust before adopting
            // anything, so that a response altered outside the encrypted parts is not taken.
            var candidate = new WeChatPayPlatformCertificateStore();
            foreach (var key in entry.Store.Keys)
            {
                candidate.Add(key);
            }

            candidate.AddRange(downloaded);
            var verification = new WeChatPaySignatureVerifier(candidate, timeProvider, maxClockSkew).Verify(raw.Message!);
            if (!verification.IsValid)
            {
                logger.LogWarning("WeChat Pay certificate download for {Merchant} failed verification: {Reason}", merchant, verification.Reason);
                return false;
            }

            foreach (var certificate in downloaded)
            {
                entry.Store.Add(certificate.Certificate);
                certificate.Certificate.Dispose();
            }

            entry.Store.RemoveExpired(now);
            entry.LastSuccess = now;
            if (wantedSerial is null || entry.Store.TryGet(wantedSerial, now, out _))
            {
                entry.QuietUntil = null;
            }

            logger.LogInformation("WeChat Pay platform certificates for {Merchant}: {Serials}", merchant, string.Join(", ", entry.Store.Keys.Select(k => k.SerialNo)));
            return true;
        }
        finally
        {
            entry.RefreshLock.Release();
        }
    }

    /// <summary>Refreshes when nothing was loaded yet or the last download is old.</summary>
    public Task EnsureCertificatesAsync(WeChatPayMerchant merchant, CancellationToken cancellationToken)
    {
        var entry = keyCache.Get(merchant);
        var now = timeProvider.GetUtcNow();
        // A merchant in public-key mode already has its verification key; downloads happen only if WeChat names
        // a serial we do not know.
        if (merchant.PublicKeyId is not null || (entry.LastSuccess is { } success && now - success < RefreshAge))
        {
            return Task.CompletedTask;
        }

        return RefreshCertificatesAsync(merchant, force: false, cancellationToken);
    }

    /// <summary>
    /// The platform key to encrypt sensitive request fields with (downloading the certificates first when none are
    /// loaded or they are old); null when no valid key can be had.
    /// </summary>
    public async Task<WeChatPayPlatformKey?> EncryptionKeyAsync(WeChatPayMerchant merchant, CancellationToken cancellationToken)
    {
        await EnsureCertificatesAsync(merchant, cancellationToken).ConfigureAwait(false);
        return keyCache.Get(merchant).Store.Newest(timeProvider.GetUtcNow());
    }

    /// <summary>
    /// GETs a file WeChat handed out a link to (a bill's <c>download_url</c>): signed like any request, with the
    /// canonical URL taken from the link itself, <c>Accept: */*</c>. WeChat does not sign file downloads, so nothing
    /// is verified here; the caller checks the file against the hash from the signed answer that gave the link.
    /// Never throws for transport problems.
    /// </summary>
    public async Task<WeChatPayApiResponse> DownloadAsync(WeChatPayMerchant merchant, Uri url, CancellationToken cancellationToken)
    {
        var raw = await SendUnverifiedAsync(merchant, HttpMethod.Get, url, null, cancellationToken, accept: "*/*").ConfigureAwait(false);
        return raw.StatusCode is null ? WeChatPayApiResponse.NoAnswer(raw.Failure!) : new WeChatPayApiResponse(raw.StatusCode, raw.Body, null, null);
    }

    private WeChatPayVerificationResult Verify(WeChatPayMerchant merchant, WeChatPaySignedMessage message) =>
        Verifier(merchant).Verify(message);

    private Task<RawResponse> SendUnverifiedAsync(
        WeChatPayMerchant merchant, HttpMethod method, string pathAndQuery, byte[]? body, CancellationToken cancellationToken, string? platformSerial = null) =>
        SendUnverifiedAsync(merchant, method, merchant.Address(pathAndQuery), body, cancellationToken, platformSerial);

    private async Task<RawResponse> SendUnverifiedAsync(
        WeChatPayMerchant merchant, HttpMethod method, Uri uri, byte[]? body, CancellationToken cancellationToken, string? platformSerial = null, string accept = "application/json")
    {
        var pathAndQuery = uri.PathAndQuery;
        using var request = new HttpRequestMessage(method, uri);
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var nonce = WeChatPayAuthorization.NewNonce();
        string authorization;
        using (var key = ImportMerchantKey(merchant))
        {
            authorization = WeChatPayAuthorization.CreateHeader(
                merchant.MchId, merchant.SerialNo, key, method.Method, WeChatPayAuthorization.CanonicalUrl(uri), timestamp, nonce, body ?? []);
        }

        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (platformSerial is not null)
        {
            request.Headers.TryAddWithoutValidation(WeChatPaySignedMessage.SerialHeader, platformSerial);
        }

        if (body is not null)
        {
            // The exact bytes that were signed go on the wire.
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        try
        {
            var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var headers = response.Headers.Concat(response.Content.Headers)
                .Select(h => new KeyValuePair<string, string>(h.Key, string.Join(",", h.Value)));
            var message = WeChatPaySignedMessage.FromHeaders(headers, bytes);
            return new RawResponse((int)response.StatusCode, bytes, message, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RawResponse.NoAnswer($"{method} {StripQuery(pathAndQuery)} timed out");
        }
        catch (HttpRequestException ex)
        {
            return RawResponse.NoAnswer($"{method} {StripQuery(pathAndQuery)} failed: {ex.HttpRequestError}");
        }
    }

    /// <summary>The merchant key, or a configuration error that does not echo the key text.</summary>
    public static System.Security.Cryptography.RSA ImportMerchantKey(WeChatPayMerchant merchant)
    {
        try
        {
            return WeChatPayKeys.ImportPrivateKey(merchant.PrivateKeyPem);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException or FormatException)
        {
            throw new ChannelConfigurationException(
                $"Channel account {merchant.Account.Channel}/{merchant.Account.AccountId}: '{WeChatPayMerchant.PrivateKeySecret}' is not a readable RSA private key.");
        }
    }

    private static string StripQuery(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? pathAndQuery : pathAndQuery[..q];
    }

    private sealed record RawResponse(int? StatusCode, byte[] Body, WeChatPaySignedMessage? Message, string? Failure)
    {
        public static RawResponse NoAnswer(string failure) => new(null, [], null, failure);

        public string Describe() => Failure ?? $"HTTP {StatusCode}";
    }
}
