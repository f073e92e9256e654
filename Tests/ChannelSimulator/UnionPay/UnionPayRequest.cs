using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>A verified ACP request: its decoded fields and the merchant that signed it.</summary>
internal sealed record UnionPayRequest(string MerId, IReadOnlyDictionary<string, string> Fields, bool IsBrowser)
{
    public string? Field(string name) => Fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}

/// <summary>Why a request was refused before anything happened (answered with respCode, never acted on).</summary>
internal sealed record UnionPayRefusal(string MerId, string? OrderId, string RespCode, string RespMsg, IReadOnlyDictionary<string, string> Fields);

/// <summary>Reads and authenticates ACP requests: form-decoded, version 5.1.0, signMethod 01, certId of the merchant's cert, signature.</summary>
internal sealed class UnionPayRequestReader(UnionPayKeys keys)
{
    public async Task<(UnionPayRequest? Request, UnionPayRefusal? Refusal)> ReadAsync(HttpContext context, bool isBrowser)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        var fields = UnionPayWire.ParseForm(body);
        if (fields is null)
        {
            return (null, new UnionPayRefusal("", null, "10", "报文格式错误：重复的字段", new Dictionary<string, string>()));
        }
        var merId = fields.GetValueOrDefault("merId") ?? "";
        var orderId = fields.GetValueOrDefault("orderId");
        UnionPayRefusal Refuse(string code, string message) => new(merId, orderId, code, message, fields);

        if (fields.GetValueOrDefault("version") != "5.1.0" || fields.GetValueOrDefault("signMethod") != "01")
        {
            return (null, Refuse("10", "不支持的版本或签名方法"));
        }
        if (keys.Merchant(merId) is not { } certificate)
        {
            return (null, Refuse("10", "商户未开通"));
        }
        if (fields.GetValueOrDefault("certId") != UnionPayWire.CertId(certificate))
        {
            return (null, Refuse("11", "证书ID不匹配"));
        }
        using RSA? key = certificate.GetRSAPublicKey();
        if (key is null || !fields.TryGetValue("signature", out var signature) || !UnionPayWire.Verify(UnionPayWire.SignContent(fields), signature, key))
        {
            return (null, Refuse("11", "验证签名失败"));
        }
        return (new UnionPayRequest(merId, fields, isBrowser), null);
    }
}
