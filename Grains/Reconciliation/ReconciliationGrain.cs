using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PayGateway.Channels;
using PayGateway.Hosting;

namespace PayGateway.Reconciliation;

/// <summary>
/// Reconciles one channel account's statement for one day (see <see cref="IReconciliationGrain"/>). Holds no grain
/// state: the statement is the channel's, the records are the SQL projections of the order grains, and the report
/// goes to <c>paygw_recon_*</c>. It moves no money itself; healing goes through the order grain, which asks the channel.
/// </summary>
public sealed class ReconciliationGrain(
    ChannelCaller caller,
    ReconciliationStore store,
    IOptions<GatewayOptions> gateway,
    IOptions<ReconciliationOptions> options,
    TimeProvider clock,
    ILogger<ReconciliationGrain> logger) : Grain, IReconciliationGrain
{
    public async Task<ReconciliationResult> RunAsync()
    {
        var (channel, accountId, billDate) = ReconciliationKey.Parse(this.GetPrimaryKeyString());
        IPaymentChannel adapter;
        ChannelAccount account;
        try
        {
            (adapter, account) = await caller.OpenAsync(channel, accountId);
        }
        catch (ChannelConfigurationException ex)
        {
            return ReconciliationResult.Fail(ErrorCodes.ChannelAccountNotFound, $"Channel account {channel}/{accountId} cannot be opened: {ex.Message}");
        }
        if (adapter is not IStatementChannel statements)
        {
            return ReconciliationResult.Fail(ErrorCodes.StatementsNotSupported, $"The {channel} channel publishes no statements.");
        }
        // Whole milliseconds, as DATETIME(3) stores them: the store tells this run's items from older ones by this time.
        var now = clock.GetUtcNow();
        var ranAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        var statement = await caller.CallOpenAsync($"statement {this.GetPrimaryKeyString()}",
            ct => statements.DownloadStatementAsync(account, billDate, ct), reason => ChannelStatement.Unknown("CHANNEL_UNKNOWN", reason),
            options.Value.StatementTimeout);
        if (statement.Availability != StatementAvailability.Ready)
        {
            var status = statement.Availability == StatementAvailability.NotReady ? ReconciliationRunStatus.NotReady : ReconciliationRunStatus.Unavailable;
            var empty = new ReconciliationReport(channel, accountId, billDate, status, ranAt, 0, 0, [], [], [], statement.ErrorCode, statement.ErrorMessage);
            await store.SaveAsync(empty, CancellationToken.None);
            // This run's status and error next to what the last completed run of the day found (the store keeps it).
            return ReconciliationResult.Ok(await store.GetAsync(channel, accountId, billDate, CancellationToken.None) ?? empty);
        }

        // An account can serve orders homed in several datacenters, each with its own database: this datacenter
        // reconciles the lines of its own order ids (the id carries its home), the others theirs.
        var home = gateway.Value.DatacenterCode;
        var lines = statement.Lines.Where(l => !OrderId.IsValid(l.OrderId) || OrderId.DatacenterOf(l.OrderId) == home).ToList();
        var from = new DateTimeOffset(billDate.ToDateTime(TimeOnly.MinValue), statements.StatementDayOffset);
        var records = await store.LoadAsync(channel, accountId,
            [.. lines.Select(l => l.OrderId)],
            [.. lines.Where(l => l.RefundId is not null).Select(l => l.RefundId!)],
            from, from.AddDays(1), statements.DatesRefundsByAcceptance, CancellationToken.None);
        var comparison = ReconciliationMatcher.Compare(channel, accountId, lines, records);
        var items = await HealAsync(comparison);
        var report = new ReconciliationReport(channel, accountId, billDate, ReconciliationRunStatus.Completed, ranAt, lines.Count,
            comparison.Matched, comparison.ChannelTotals, comparison.GatewayTotals, items, null, null);
        await store.SaveAsync(report, CancellationToken.None);
        var open = items.Count(i => i.Action == ReconciliationActions.Reported);
        if (open > 0)
        {
            logger.LogWarning("Reconciliation {Key}: {Open} open discrepancies, {Healed} healed, {Matched} matched",
                this.GetPrimaryKeyString(), open, items.Length - open, comparison.Matched);
        }
        // The stored report: this run's findings plus what earlier runs of the day healed.
        return ReconciliationResult.Ok(await store.GetAsync(channel, accountId, billDate, CancellationToken.None) ?? report);
    }

    public async Task<ReconciliationReport?> GetAsync()
    {
        var (channel, accountId, billDate) = ReconciliationKey.Parse(this.GetPrimaryKeyString());
        return await store.GetAsync(channel, accountId, billDate, CancellationToken.None);
    }

    /// <summary>
    /// The safe direction: the statement shows money done that the gateway holds as open. The order grain asks the
    /// channel (payment query, refund query) and follows only that verified answer; the discrepancy counts as healed
    /// when the order then agrees with the statement. Everything else stays reported.
    /// </summary>
    private async Task<ImmutableArray<ReconciliationItem>> HealAsync(Comparison comparison)
    {
        var items = comparison.Items.ToBuilder();
        foreach (var group in comparison.HealCandidates.GroupBy(c => c.OrderId))
        {
            OrderView? order;
            try
            {
                order = await GrainFactory.GetGrain<IOrderGrain>(group.Key).ReconcileWithChannelAsync();
            }
            catch (Exception ex)
            {
                // The discrepancy stays reported; the next run (or supervision) tries again.
                logger.LogWarning(ex, "Reconciliation could not ask order {OrderId} to check its channel", group.Key);
                continue;
            }
            foreach (var candidate in group)
            {
                var item = items[candidate.ItemIndex];
                var status = candidate.RefundId is null
                    ? order?.Status.ToWire()
                    : order?.Refunds.FirstOrDefault(r => r.RefundId == candidate.RefundId)?.Status.ToWire();
                items[candidate.ItemIndex] = status == FundsStatus.Succeeded.ToWire()
                    ? item with { Action = ReconciliationActions.Healed, GatewayStatus = status, Detail = item.Detail + " The channel's query confirmed it; the gateway followed." }
                    : item with { Detail = item.Detail + " The channel's query did not confirm it." };
            }
        }
        return items.ToImmutable();
    }
}
