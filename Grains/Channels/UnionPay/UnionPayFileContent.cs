using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// The <c>fileContent</c> of a file-transfer (txnType 76) answer: base64 of the <b>zlib</b>-compressed zip (UnionPay's
/// demos inflate it with a zlib header, so <see cref="ZLibStream"/>, not <see cref="DeflateStream"/>).
/// </summary>
public static class UnionPayFileContent
{
    /// <summary>A day of a very large merchant is a few MB; anything inflating beyond this is broken or hostile.</summary>
    public const int MaxZipBytes = 256 * 1024 * 1024;

    /// <summary>The zip bytes; false (with the reason) for bad base64, a broken zlib stream or an oversized file.</summary>
    public static bool TryDecode(string? fileContent, [NotNullWhen(true)] out byte[]? zip, [NotNullWhen(false)] out string? problem)
    {
        zip = null;
        if (string.IsNullOrEmpty(fileContent))
        {
            problem = "fileContent is empty.";
            return false;
        }

        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(fileContent);
        }
        catch (FormatException)
        {
            problem = "fileContent is not base64.";
            return false;
        }

        try
        {
            using var inflater = new ZLibStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > MaxZipBytes)
                {
                    problem = $"fileContent inflates beyond {MaxZipBytes} bytes.";
                    return false;
                }

                output.Write(buffer, 0, read);
            }

            zip = output.ToArray();
        }
        catch (InvalidDataException)
        {
            problem = "fileContent is not a zlib stream.";
            return false;
        }

        problem = null;
        return true;
    }
}
