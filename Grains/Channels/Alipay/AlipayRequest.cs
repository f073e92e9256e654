using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PayGateway.Channels.Alipay;

/// <summary>What the account contributes to every request.</summary>
/// <param name="AppCertSn">Cert mode only, together with <paramref name="AlipayRootCertSn"/>.</param>
public sealed record AlipayRequestContext(string AppId, string? AppCertSn, string? AlipayRootCertSn, string? NotifyUrl);

/// <summary>Builds the signed public-parameter set of one OpenAPI call.</summary>
public static class AlipayRequest
{
    /// <summary>
    /// Returns every parameter of the call including <c>sign</c>. <paramref name="bizContent"/> is serialised once
    /// here and the very same string is signed and sent, so nothing downstream can re-encode it differently.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Build(
        AlipayRequestContext context,
        string method,
        IReadOnlyDictionary<string, object?> bizContent,
        DateTimeOffset now,
        RSA appPrivateKey,
        string? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(bizContent);

        var parameters = new List<KeyValuePair<string, string?>>
        {
            new("app_id", context.AppId),
            new("method", method),
            new("format", "JSON"),
            new("charset", "utf-8"),
            new(AlipaySigner.SignTypeParameter, AlipaySignType.Rsa2.ToWireValue()),
            new("timestamp", AlipayFormats.ToBeijingTime(now)),
            new("version", "1.0"),
            new("notify_url", context.NotifyUrl),
            new("return_url", returnUrl),
            new("app_cert_sn", context.AppCertSn),
            new("alipay_root_cert_sn", context.AlipayRootCertSn),
            new("biz_content", JsonSerializer.Serialize(bizContent.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value))),
        };

        var sign = AlipaySigner.SignParameters(parameters, appPrivateKey);

        // Empty optional parameters are left out of the wire too, so what is sent is exactly what was signed.
        return parameters
            .Where(p => !string.IsNullOrEmpty(p.Value))
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value!))
            .Append(new KeyValuePair<string, string>(AlipaySigner.SignParameter, sign))
            .ToList();
    }

    /// <summary>
    /// <c>k=v&amp;…</c> with values percent-encoded (UTF-8): the query of a GET gateway URL, and the order string the
    /// Alipay app SDK takes for <c>alipay.trade.app.pay</c>.
    /// </summary>
    public static string ToQueryString(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }
}
