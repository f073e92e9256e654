using System.Text;

namespace PayGateway.Channels;

/// <summary>
/// GBK (code page 936), the encoding of Alipay's bills and UnionPay's statement files. .NET ships only the Unicode and
/// Latin encodings until the code-page provider (part of the BCL since .NET Core 3.0, no package) is registered.
/// </summary>
public static class GbkEncoding
{
    /// <summary>GBK; undecodable bytes become U+FFFD rather than throwing (callers check the fields they read).</summary>
    public static Encoding Instance { get; } = Load();

    private static Encoding Load()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(936);
    }
}
