using System.Text;

namespace PayGateway.Silo.Storage;

/// <summary>
/// Splits a SQL file into statements the way the <c>mariadb</c> command-line client does, honouring
/// <c>DELIMITER</c> lines, so the same files run by hand and through <see cref="SchemaMigrator"/>.
/// </summary>
public static class SqlScript
{
    public static IReadOnlyList<string> Split(string script)
    {
        var statements = new List<string>();
        var delimiter = ";";
        var current = new StringBuilder();
        foreach (var rawLine in script.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.StartsWith("DELIMITER ", StringComparison.OrdinalIgnoreCase))
            {
                delimiter = trimmed["DELIMITER ".Length..].Trim();
                continue;
            }
            if (current.Length == 0 && (trimmed.Length == 0 || trimmed.StartsWith("--", StringComparison.Ordinal)))
            {
                continue;
            }
            if (trimmed.EndsWith(delimiter, StringComparison.Ordinal))
            {
                current.Append(line.AsSpan(0, line.LastIndexOf(delimiter, StringComparison.Ordinal)));
                var statement = current.ToString().Trim();
                if (statement.Length > 0)
                {
                    statements.Add(statement);
                }
                current.Clear();
            }
            else
            {
                current.Append(line).Append('\n');
            }
        }
        if (current.ToString().Trim() is { Length: > 0 } rest)
        {
            statements.Add(rest);
        }
        return statements;
    }
}
