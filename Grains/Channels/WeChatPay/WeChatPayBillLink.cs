using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// The answer to <c>GET /v3/bill/tradebill</c>: <c>{"hash_type":"SHA1","hash_value":…,"download_url":…}</c>, and the
/// checks on the file it leads to.
/// </summary>
internal sealed record WeChatPayBillLink(string HashValue, Uri DownloadUrl)
{
    public static bool TryRead(WeChatPayApiResponse response, WeChatPayMerchant merchant, out WeChatPayBillLink? link, out string? problem)
    {
        link = null;
        var hashType = response.ReadString("hash_type");
        var hashValue = response.ReadString("hash_value");
        var url = response.ReadString("download_url");
        if (hashType != "SHA1" || hashValue is not { Length: 40 } || !hashValue.All(char.IsAsciiHexDigit))
        {
            problem = "WeChat Pay's bill answer has no SHA1 hash_value.";
            return false;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var downloadUrl) || !IsWeChatAddress(downloadUrl, merchant))
        {
            problem = "WeChat Pay's bill answer has no download_url on WeChat's API host.";
            return false;
        }

        link = new WeChatPayBillLink(hashValue, downloadUrl);
        problem = null;
        return true;
    }

    // The link comes in a verified answer; still, the merchant's signed request goes only to WeChat's own API host
    // (or wherever the account's base URL points, e.g. a simulator), never to a host named in a message.
    private static bool IsWeChatAddress(Uri url, WeChatPayMerchant merchant)
    {
        var api = merchant.Account.BaseUrl;
        var sameOrigin = url.Scheme == api.Scheme && string.Equals(url.Host, api.Host, StringComparison.OrdinalIgnoreCase) && url.Port == api.Port;
        return sameOrigin || (url.Scheme == Uri.UriSchemeHttps && url.Host.EndsWith(".mch.weixin.qq.com", StringComparison.OrdinalIgnoreCase));
    }
}
