using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PayGateway.Channels.WeChatPay;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// An in-process stand-in for api.mch.weixin.qq.com: checks each v3 request's Authorization header with the merchant
/// certificate, serves /v3/certificates, and signs its answers with a test platform key. API v2 (papay) paths are
/// answered by <see cref="Respond"/> too, without the v3 check: their sign is in the answer the test writes.
/// </summary>
internal sealed partial class FakeWeChatPayServer : HttpMessageHandler, IHttpClientFactory
{
    private readonly RSA _merchantPublicKey;
    private readonly Func<DateTimeOffset> _now;

    public FakeWeChatPayServer(RSA merchantPublicKey, WeChatPayTestPlatform platform, Func<DateTimeOffset> now)
    {
        _merchantPublicKey = merchantPublicKey;
        _now = now;
        Platforms = [platform];
        SigningPlatform = platform;
    }

    /// <param name="PlatformSerial">The request's <c>Wechatpay-Serial</c> header (sent with encrypted fields), if any.</param>
    public sealed record Seen(string Method, string PathAndQuery, string Body, bool AuthorizationValid, string? ClientName, string? PlatformSerial = null);

    /// <summary>Certificates served by /v3/certificates.</summary>
    public List<WeChatPayTestPlatform> Platforms { get; }

    /// <summary>The platform that signs answers.</summary>
    public WeChatPayTestPlatform SigningPlatform { get; set; }

    /// <summary>Answers for business paths: (status, body). Null body means an empty body.</summary>
    public Func<HttpRequestMessage, string, (HttpStatusCode Status, string? Body)> Respond { get; set; } =
        (_, _) => (HttpStatusCode.NotFound, "{\"code\":\"NOT_FOUND\",\"message\":\"no route\"}");

    /// <summary>Set to simulate a transport failure instead of an answer.</summary>
    public Exception? Throw { get; set; }

    /// <summary>Set to false to send answers without Wechatpay-* headers.</summary>
    public bool SignAnswers { get; set; } = true;

    /// <summary>Tamper with an answer's body after it was signed.</summary>
    public Func<string, string>? TamperAfterSigning { get; set; }

    // Background certificate refreshes add to this from another thread.
    public System.Collections.Concurrent.ConcurrentQueue<Seen> Requests { get; } = new();

    private string? _lastClientName;

    public HttpClient CreateClient(string name)
    {
        _lastClientName = name;
        return new HttpClient(this, disposeHandler: false);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var pathAndQuery = request.RequestUri!.PathAndQuery;
        // API v2 (papay) requests carry their sign in the XML or the query, not in an Authorization header: tests check it.
        var authValid = IsApiV2(pathAndQuery) || CheckAuthorization(request, pathAndQuery, body);
        var platformSerial = request.Headers.TryGetValues(WeChatPaySignedMessage.SerialHeader, out var serials) ? serials.Single() : null;
        Requests.Enqueue(new Seen(request.Method.Method, pathAndQuery, body, authValid, _lastClientName, platformSerial));

        if (Throw is { } exception)
        {
            throw exception;
        }

        var (status, answer) = !authValid
            ? (HttpStatusCode.Unauthorized, "{\"code\":\"SIGN_ERROR\",\"message\":\"bad signature\"}")
            : pathAndQuery == WeChatPayCertificates.Path
                ? (HttpStatusCode.OK, CertificateDownload())
                : Respond(request, body);

        var bytes = Encoding.UTF8.GetBytes(answer ?? string.Empty);
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(bytes) };
        if (SignAnswers)
        {
            foreach (var (name, value) in SigningPlatform.Sign(bytes, _now(), WeChatPayAuthorization.NewNonce()))
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (TamperAfterSigning is { } tamper && pathAndQuery != WeChatPayCertificates.Path)
        {
            response.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(tamper(answer ?? string.Empty)));
        }

        return response;
    }

    private static bool IsApiV2(string pathAndQuery) => !pathAndQuery.StartsWith("/v3/", StringComparison.Ordinal);

    private bool CheckAuthorization(HttpRequestMessage request, string pathAndQuery, string body)
    {
        if (!request.Headers.TryGetValues("Authorization", out var values))
        {
            return false;
        }

        var match = AuthorizationPattern().Match(values.Single());
        if (!match.Success)
        {
            return false;
        }

        var message = WeChatPayAuthorization.BuildMessage(
            request.Method.Method, pathAndQuery, long.Parse(match.Groups["ts"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["nonce"].Value, Encoding.UTF8.GetBytes(body));
        return match.Groups["mchid"].Value == WeChatPayChannelTests.MchId
            && match.Groups["serial"].Value == WeChatPayChannelTests.MerchantSerial
            && _merchantPublicKey.VerifyData(message, Convert.FromBase64String(match.Groups["sig"].Value), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private string CertificateDownload()
    {
        var entries = Platforms.Select(p =>
        {
            var nonce = WeChatPayAesGcm.NewNonce();
            var ciphertext = WeChatPayAesGcm.Encrypt(WeChatPayTestPlatform.ApiV3Key, nonce, "certificate", p.Certificate.ExportCertificatePem());
            return $"{{\"serial_no\":\"{p.Serial}\",\"effective_time\":\"2020-01-01T00:00:00+08:00\",\"expire_time\":\"2040-01-01T00:00:00+08:00\","
                + $"\"encrypt_certificate\":{{\"algorithm\":\"AEAD_AES_256_GCM\",\"associated_data\":\"certificate\",\"ciphertext\":\"{ciphertext}\",\"nonce\":\"{nonce}\"}}}}";
        });
        return "{\"data\":[" + string.Join(",", entries) + "]}";
    }

    [GeneratedRegex("^WECHATPAY2-SHA256-RSA2048 mchid=\"(?<mchid>[^\"]*)\",nonce_str=\"(?<nonce>[^\"]*)\",timestamp=\"(?<ts>\\d+)\",serial_no=\"(?<serial>[^\"]*)\",signature=\"(?<sig>[^\"]*)\"$")]
    private static partial Regex AuthorizationPattern();
}
