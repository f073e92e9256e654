namespace PayGateway.Ids;

/// <summary>A leased node code and the highest id timestamp any earlier holder may have used.</summary>
public sealed record IdNodeLease(int NodeCode, string Holder, long ReservedUntilMs);

/// <summary>Durable bookkeeping for id node codes (see <see cref="OrderIdGenerator"/>).</summary>
public interface IIdNodeStore
{
    /// <summary>Takes a node code whose lease has expired. Throws when none is free.</summary>
    Task<IdNodeLease> AcquireAsync(string holder, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease and raises the reservation to <paramref name="reservedUntilMs"/> in one write.
    /// Returns false when the lease was lost (taken over after expiry): the caller must stop issuing ids.
    /// </summary>
    Task<bool> RenewAsync(IdNodeLease lease, long reservedUntilMs, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Lets the code go, keeping its reservation so the next holder starts above it.</summary>
    Task ReleaseAsync(IdNodeLease lease, CancellationToken cancellationToken);
}
