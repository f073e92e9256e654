using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace PayGateway.Reconciliation;

/// <summary>Enrolled accounts (<c>{channel}:{account_id}</c>) and the last statement day each one completed.</summary>
[GenerateSerializer, Alias("paygw.ReconciliationSchedulerState")]
public sealed record ReconciliationSchedulerState
{
    [Id(0), JsonPropertyName("accounts")]
    public ImmutableSortedDictionary<string, DateOnly?> Accounts { get; init; } =
        ImmutableSortedDictionary<string, DateOnly?>.Empty.WithComparers(StringComparer.Ordinal);
}
