using MySqlConnector;

namespace PayGateway.Api.Storage;

/// <summary>
/// The WHERE clause of an operator search: each filter the caller gave becomes a parameterised condition on the
/// command; filters left out add nothing. Values are always parameters, never text in the SQL.
/// </summary>
public sealed class SearchFilters(MySqlCommand command)
{
    private readonly List<string> _conditions = [];

    /// <summary>Adds <paramref name="condition"/> with <paramref name="value"/> bound to <paramref name="name"/>, when a value was given.</summary>
    public SearchFilters Add(string condition, string name, object? value)
    {
        if (value is not null)
        {
            _conditions.Add(condition);
            command.Parameters.AddWithValue(name, value);
        }
        return this;
    }

    /// <summary>Adds a condition without a parameter.</summary>
    public SearchFilters Always(string condition)
    {
        _conditions.Add(condition);
        return this;
    }

    /// <summary><c> WHERE a AND b</c>, or nothing when no filter applies.</summary>
    public string Where => _conditions.Count > 0 ? " WHERE " + string.Join(" AND ", _conditions) : "";

    /// <summary>A DATETIME column (stored in UTC) as a <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
