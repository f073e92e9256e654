using System.IO.Compression;
using System.Security.Cryptography;

namespace PayGateway.Channels.WeChatPay;

/// <summary>Opens a downloaded WeChat Pay bill: gunzip, then the SHA-1 check against the signed <c>hash_value</c>.</summary>
public static class WeChatPayBillDownload
{
    /// <summary>
    /// A bill far larger than any day of a merchant's trades is refused rather than inflated into memory (a gzip
    /// bomb costs the sender nothing, and the download itself is not signed).
    /// </summary>
    private const int MaxBillBytes = 256 * 1024 * 1024;

    /// <summary>
    /// The bill's CSV bytes: unzipped when the download is gzip (as asked with <c>tar_type=GZIP</c>), and only when
    /// their SHA-1 is the hash from the signed answer. WeChat hashes the decompressed file.
    /// </summary>
    public static bool TryOpen(byte[] download, string hashValue, out byte[] csv, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(download);
        ArgumentNullException.ThrowIfNull(hashValue);
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

        if (!string.Equals(Convert.ToHexString(SHA1.HashData(csv)), hashValue, StringComparison.OrdinalIgnoreCase))
        {
            problem = "The bill's SHA-1 is not the hash_value WeChat Pay signed.";
            return false;
        }

        problem = null;
        return true;
    }
}
