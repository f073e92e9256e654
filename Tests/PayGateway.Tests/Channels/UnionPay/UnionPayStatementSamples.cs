using System.IO.Compression;
using PayGateway.Channels;
using PayGateway.Channels.UnionPay;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary>
/// The public UnionPay file-transfer vector (Vectors/reconciliation/unionpay, see its README) and edits of it: records
/// changed field by field in the fixed-width layout, re-zipped and re-compressed as UnionPay would.
/// </summary>
internal static class UnionPayStatementSamples
{
    public const string MerId = "802310048993424";
    public const string ZmEntryName = "INN15090588ZM_" + MerId;
    public const string RdEntryName = "RD201015090501_" + MerId;

    public static readonly DateOnly SettleDate = new(2015, 9, 5);

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Vectors", "reconciliation", "unionpay");

    public static byte[] VectorZip => File.ReadAllBytes(Path.Combine(Directory, "acpdemo-802310048993424_20150905.zip"));

    public static string VectorFileContent => File.ReadAllText(Path.Combine(Directory, "synthetic-fileContent.b64")).Trim();

    /// <summary>The entries of the vector zip, by name.</summary>
    public static Dictionary<string, byte[]> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read, false, GbkEncoding.Instance);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    /// <summary>The ZM records of the vector, each without its CRLF.</summary>
    public static List<byte[]> VectorRecords()
    {
        var file = Entries(VectorZip)[ZmEntryName];
        var stride = UnionPayZmLayout.RecordLength + 2;
        return [.. Enumerable.Range(0, file.Length / stride).Select(i => file.AsSpan(i * stride, UnionPayZmLayout.RecordLength).ToArray())];
    }

    /// <summary>Records joined with CRLF after each, as in UnionPay's file.</summary>
    public static byte[] ZmFile(IEnumerable<byte[]> records) => [.. records.SelectMany(r => r.Concat("\r\n"u8.ToArray()))];

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, true, GbkEncoding.Instance))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }

    /// <summary>The vector zip with its ZM file replaced.</summary>
    public static byte[] ZipWithZm(byte[] zm, string name = ZmEntryName) => Zip((name, zm), (RdEntryName, Entries(VectorZip)[RdEntryName]));

    /// <summary>base64(zlib(zip)): what fileContent carries.</summary>
    public static string FileContent(byte[] zip)
    {
        using var output = new MemoryStream();
        using (var deflater = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(zip);
        }

        return Convert.ToBase64String(output.ToArray());
    }

    /// <summary>A copy of <paramref name="record"/> with field <paramref name="index"/> (zero-based) set, padded with spaces.</summary>
    public static byte[] With(byte[] record, int index, string value)
    {
        var width = UnionPayZmLayout.Widths[index];
        var bytes = GbkEncoding.Instance.GetBytes(value);
        if (bytes.Length > width)
        {
            throw new ArgumentException($"'{value}' does not fit field {index + 1} ({width} bytes).", nameof(value));
        }

        var copy = (byte[])record.Clone();
        var offset = UnionPayZmLayout.Widths.Take(index).Sum() + index;
        copy.AsSpan(offset, width).Fill((byte)' ');
        bytes.CopyTo(copy.AsSpan(offset));
        return copy;
    }

    /// <summary>Field <paramref name="index"/> of <paramref name="record"/>, decoded and not trimmed.</summary>
    public static string Field(byte[] record, int index)
    {
        Assert.True(UnionPayZmLayout.TrySplit(record, GbkEncoding.Instance, out var fields));
        return fields[index];
    }

}
