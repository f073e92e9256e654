using System.Text;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// The layout of a WeChat Pay trade bill (<c>tradebill</c>), read but not yet interpreted: the detail header, the
/// detail rows and the summary, each value stripped of WeChat's leading backtick and addressed by its header name.
/// </summary>
/// <remarks>
/// The file is UTF-8 with a BOM and CRLF lines, comma-separated without quoting: a header line, one line per trade
/// or refund with every value prefixed by <c>`</c> (an empty value is a lone backtick), then a summary header that
/// starts with <c>总交易单数</c> and one summary line. Layouts differ by bill type (ALL 27 columns, SUCCESS 20,
/// REFUND 29, older merchants 24), which is why values are looked up by name, never by position.
/// </remarks>
public sealed class WeChatPayBillFile
{
    /// <summary>First column of the summary header: where the detail rows end.</summary>
    public const string SummaryMarker = "总交易单数";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private WeChatPayBillFile(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyDictionary<string, string>> rows, IReadOnlyDictionary<string, string> summary)
    {
        Columns = columns;
        Rows = rows;
        Summary = summary;
    }

    /// <summary>The detail header, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Detail rows: header name → value without its backtick.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows { get; }

    /// <summary>The summary: summary header name → value without its backtick.</summary>
    public IReadOnlyDictionary<string, string> Summary { get; }

    /// <summary>Reads the layout; false with a reason when the bytes are not a WeChat Pay bill.</summary>
    public static bool TryRead(ReadOnlySpan<byte> csv, out WeChatPayBillFile? file, out string? problem)
    {
        file = null;
        string text;
        try
        {
            text = StrictUtf8.GetString(csv);
        }
        catch (DecoderFallbackException)
        {
            problem = "The bill is not valid UTF-8.";
            return false;
        }

        // WeChat writes a BOM; a copy saved without one is the same bill.
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        // Lines end in CRLF; a lone LF is accepted so that a bill re-saved by a tool still reads the same.
        var lines = text.Split('\n').Select(l => l.EndsWith('\r') ? l[..^1] : l).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var summaryAt = lines.Count < 3 ? -1 : lines.FindIndex(1, l => l.StartsWith(SummaryMarker, StringComparison.Ordinal));
        if (summaryAt < 0)
        {
            problem = $"The bill has no summary header ({SummaryMarker},…).";
            return false;
        }

        if (summaryAt != lines.Count - 2)
        {
            problem = "The bill must end with exactly one summary line after the summary header.";
            return false;
        }

        if (!TryHeader(lines[0], out var columns, out problem) || !TryHeader(lines[summaryAt], out var summaryColumns, out problem))
        {
            return false;
        }

        var rows = new List<IReadOnlyDictionary<string, string>>(summaryAt - 1);
        for (var i = 1; i < summaryAt; i++)
        {
            if (!TryRow(lines[i], columns, out var row))
            {
                problem = $"Bill line {i + 1} has not the {columns.Count} values its header names.";
                return false;
            }

            rows.Add(row);
        }

        if (!TryRow(lines[^1], summaryColumns, out var summary))
        {
            problem = $"The summary line has not the {summaryColumns.Count} values its header names.";
            return false;
        }

        file = new WeChatPayBillFile(columns, rows, summary);
        problem = null;
        return true;
    }

    private static bool TryHeader(string line, out IReadOnlyList<string> columns, out string? problem)
    {
        var names = line.Split(',');
        columns = names;
        if (names.Any(n => n.Length == 0) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            problem = "A bill header has an empty or repeated column name.";
            return false;
        }

        problem = null;
        return true;
    }

    // Values carry no commas and no quoting (WeChat's format); a line with another number of values is not a row
    // of this layout, and guessing which value moved would misread amounts.
    private static bool TryRow(string line, IReadOnlyList<string> columns, out IReadOnlyDictionary<string, string> row)
    {
        var values = line.Split(',');
        var map = new Dictionary<string, string>(columns.Count, StringComparer.Ordinal);
        row = map;
        if (values.Length != columns.Count)
        {
            return false;
        }

        for (var i = 0; i < values.Length; i++)
        {
            map[columns[i]] = values[i].StartsWith('`') ? values[i][1..] : values[i];
        }

        return true;
    }
}
