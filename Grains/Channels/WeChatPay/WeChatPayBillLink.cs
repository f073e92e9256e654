using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// The answer to <c>GET /v3/bill/tradebill</c>: <c>{"hash_type":"SHA1","hash_value":…,"download_url":…}</c>, and the
/// checks on the file it leads to.
/// </summary>
internal sealed record WeChatPayBillLink(string HashValue, Uri DownloadUrl)
{
    /// <summary>
    /// A bill far larger than any day of a merchant's trades is refused rather than inflated into memory (a gzip
    /// bomb costs the sender nothing, and the download itself is not signed).
    /// </summary>
    private const int MaxBillBytes = 256 * 1024 * 1024;

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

    /// <summary>
    /// The bill's CSV bytes: unzipped when the download is gzip (as asked with <c>tar_type=GZIP</c>), and only when
    /// their SHA-1 is the hash from the signed answer. WeChat hashes the decompressed file.
    /// </summary>
    public static bool TryOpen(byte[] download, WeChatPayBillLink link, out byte[] csv, out string? problem)
    {
        csv = download;
        if (download is [0x1f, 0x8b, ..])
        {
            try
            {
                using var gzip = new GZipStream(new MemoryStream(download), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = gzip.Read(buffer)) > 0)
                {
                    if (plain.Length + read > MaxBillBytes)
                    {
                        problem = "The bill unzips to more than the size limit.";
                        return false;
                    }

                    plain.Write(buffer, 0, read);
                }

                csv = plain.ToArray();
            }
            catch (InvalidDataException)
            {
                problem = "The bill download is not a readable gzip file.";
                return false;
            }
        }

        if (!string.Equals(Convert.ToHexString(SHA1.HashData(csv)), link.HashValue, StringComparison.OrdinalIgnoreCase))
        {
            problem = "The bill's SHA-1 is not the hash_value WeChat Pay signed.";
            return false;
        }

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
