using System.Text;
using System.Text.Json;
using PayGateway.ChannelSimulator.Endpoints;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>A gateway call (or app order string) whose public parameters and signature checked out.</summary>
/// <param name="Fields">All decoded parameters, query and form merged.</param>
/// <param name="Biz">The parsed <c>biz_content</c> object (<see cref="JsonValueKind.Undefined"/> when absent).</param>
internal sealed record AlipayRequest(string AppId, string Method, IReadOnlyDictionary<string, string> Fields, JsonElement Biz)
{
    public string? NotifyUrl => Fields.GetValueOrDefault("notify_url");

    public string? ReturnUrl => Fields.GetValueOrDefault("return_url");

    public string? BizString(string name) => StringOf(Biz, name);

    /// <summary>A string member of a JSON object (biz_content or an object inside it); null when absent or not a string.</summary>
    public static string? StringOf(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>Why a call was refused before its business content was looked at.</summary>
/// <param name="AppId">The app_id the caller claimed (possibly unknown), or null.</param>
/// <param name="Method">The method the caller named, or null.</param>
/// <param name="OutTradeNo">Best effort from the unverified biz_content, for the records only.</param>
internal sealed record AlipayRefusal(string? AppId, string? Method, string? OutTradeNo, AlipayAnswer Answer);

/// <summary>
/// Reads a call to gateway.do (query string and form body merged, as the SDKs split them) and authenticates it:
/// known app_id, RSA2 signature over every parameter but <c>sign</c> with the app's public key, sane public
/// parameters, parseable biz_content.
/// </summary>
internal sealed class AlipayRequestReader(AlipayAppRegistry apps, AlipaySimulatorOptions options, TimeProvider time)
{
    public async Task<(AlipayRequest? Request, AlipayRefusal? Refusal)> ReadAsync(HttpContext context)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = context.Request.QueryString.Value;
        var wellFormed = string.IsNullOrEmpty(query) || AlipayWire.TryAddForm(query[1..], fields);
        if (wellFormed && HttpMethods.IsPost(context.Request.Method)
            && context.Request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var body = await ApiRequestReader.ReadBodyAsync(context.Request, context.RequestAborted);
            wellFormed = body is not null && AlipayWire.TryAddForm(Encoding.UTF8.GetString(body), fields);
        }
        if (!wellFormed)
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-parameter", "请求参数重复或请求过大"));
        }
        return Authenticate(fields);
    }

    /// <summary>Authenticates already-decoded parameters (a gateway call, or an app pay order string).</summary>
    public (AlipayRequest? Request, AlipayRefusal? Refusal) Authenticate(Dictionary<string, string> fields)
    {
        string? Field(string name) => fields.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

        var appId = Field("app_id");
        var method = Field("method");
        if (appId is null)
        {
            return (null, Refuse(fields, AlipayCode.MissingArgument, "isv.missing-app-id", "缺少AppID参数"));
        }
        if (method is null)
        {
            return (null, Refuse(fields, AlipayCode.MissingArgument, "isv.missing-method", "缺少方法名参数"));
        }
        if (!apps.IsKnown(appId))
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-app-id", "无效的AppID参数"));
        }
        if (Field(AlipayWire.SignParameter) is not { } sign)
        {
            return (null, Refuse(fields, AlipayCode.MissingArgument, "isv.missing-signature", "缺少签名参数"));
        }
        if (Field(AlipayWire.SignTypeParameter) is not { } signType)
        {
            return (null, Refuse(fields, AlipayCode.MissingArgument, "isv.missing-signature-type", "缺少签名类型参数"));
        }
        if (signType != AlipayWire.SignType)
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-signature-type", "无效的签名类型参数"));
        }
        var content = AlipayWire.SignContent(fields, includeSignType: true);
        if (!apps.Verify(appId, content, sign))
        {
            // Like Alipay, name the string that was verified: the usual bug is signing something else.
            return (null, Refuse(fields, AlipayCode.InvalidArgument, AlipayCode.InvalidSignature,
                "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：" + content));
        }
        if (Field("charset") is { } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-charset", "字符集错误（模拟器只支持utf-8）"));
        }
        if (Field("format") is { } format && !format.Equals("JSON", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-format", "无效的数据格式"));
        }
        if (Field("version") is not "1.0")
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-version", "version必须为1.0"));
        }
        if (!AlipayWire.TryParseBeijingTime(Field("timestamp"), out var timestamp))
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-timestamp", "非法的时间戳参数（yyyy-MM-dd HH:mm:ss）"));
        }
        if ((timestamp - time.GetUtcNow()).Duration() > options.MaxClockSkew)
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-timestamp", "时间戳与网关时间相差过大"));
        }
        if (Field("encrypt_type") is not null)
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-encrypt-type", "模拟器不支持内容加密"));
        }
        if (Field("app_cert_sn") is not null || Field("alipay_root_cert_sn") is not null)
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.cert-mode-not-supported", "模拟器只支持公钥模式"));
        }
        if (!TryParseBiz(Field("biz_content"), out var biz))
        {
            return (null, Refuse(fields, AlipayCode.InvalidArgument, "isv.invalid-parameter", "biz_content不是JSON对象"));
        }
        return (new AlipayRequest(appId, method, fields, biz), null);
    }

    private static AlipayRefusal Refuse(Dictionary<string, string> fields, string code, string subCode, string subMessage)
    {
        TryParseBiz(fields.GetValueOrDefault("biz_content"), out var biz);
        // Transfers have no out_trade_no: their out_biz_no names them in the records.
        var outTradeNo = AlipayRequest.StringOf(biz, "out_trade_no") ?? AlipayRequest.StringOf(biz, "out_biz_no");
        return new AlipayRefusal(fields.GetValueOrDefault("app_id"), fields.GetValueOrDefault("method"), outTradeNo, AlipayAnswer.Error(code, subCode, subMessage));
    }

    private static bool TryParseBiz(string? text, out JsonElement biz)
    {
        biz = default;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }
            biz = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
