namespace PayGateway;

/// <summary>
/// Gateway transfer ids: <c>T</c> followed by an id from the order id generator (so it carries the creation time and
/// the home datacenter at fixed positions), 25 characters of [0-9A-Z]. Sent to the channel as its merchant number for
/// the transfer, which the channel deduplicates on.
/// </summary>
public static class TransferId
{
    public const int Length = OrderId.Length + 1;

    public static string From(string generatedId) => "T" + generatedId;

    public static bool IsValid(string? id) => id is { Length: Length } && id[0] == 'T' && OrderId.IsValid(id[1..]);
}
