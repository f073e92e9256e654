using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// The parameters a payer-side SDK needs to start a payment from a <c>prepay_id</c>, signed with the merchant key
/// (SHA256withRSA over newline-terminated fields, like the request signature).
/// </summary>
public static class WeChatPayInvokeParameters
{
    /// <summary>JSAPI / mini program: <c>appId\ntimeStamp\nnonceStr\nprepay_id=…\n</c>, signType RSA.</summary>
    public static JsonObject ForJsapi(string appId, string prepayId, long timestamp, string nonce, RSA merchantPrivateKey)
    {
        var package = "prepay_id=" + prepayId;
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["appId"] = appId,
            ["timeStamp"] = ts,
            ["nonceStr"] = nonce,
            ["package"] = package,
            ["signType"] = "RSA",
            ["paySign"] = Sign(merchantPrivateKey, appId, ts, nonce, package),
        };
    }

    /// <summary>App SDK: <c>appid\ntimestamp\nnoncestr\nprepayid\n</c>; package is the fixed <c>Sign=WXPay</c>.</summary>
    public static JsonObject ForApp(string appId, string mchId, string prepayId, long timestamp, string nonce, RSA merchantPrivateKey)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["appid"] = appId,
            ["partnerid"] = mchId,
            ["prepayid"] = prepayId,
            ["package"] = "Sign=WXPay",
            ["noncestr"] = nonce,
            ["timestamp"] = ts,
            ["sign"] = Sign(merchantPrivateKey, appId, ts, nonce, prepayId),
        };
    }

    private static string Sign(RSA key, params string[] lines)
    {
        var message = new StringBuilder();
        foreach (var line in lines)
        {
            message.Append(line).Append('\n');
        }

        return WeChatPayAuthorization.Sign(Encoding.UTF8.GetBytes(message.ToString()), key);
    }
}
