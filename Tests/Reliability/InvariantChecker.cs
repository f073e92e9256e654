using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PayGateway.Reliability;

/// <summary>One broken invariant: which, for which order (if any), and what was seen.</summary>
public sealed record Violation(string Invariant, string? OrderId, string Seen)
{
    public override string ToString() => $"{Invariant} {OrderId ?? "-"}: {Seen}";
}

/// <summary>The outcome of a check: every violation, plus figures for the report.</summary>
public sealed record InvariantReport(IReadOnlyList<Violation> Violations, IReadOnlyDictionary<string, long> Figures)
{
    public bool Passed => Violations.Count == 0;

    public long Figure(string name) => Figures.GetValueOrDefault(name);

    /// <summary>A readable report: the figures, then every violation grouped by invariant.</summary>
    public string Format(int maxPerInvariant = 50)
    {
        var text = new StringBuilder();
        text.AppendLine(Passed ? "Invariants I1–I6: all hold." : $"Invariants I1–I6: {Violations.Count} violation(s).");
        foreach (var (name, value) in Figures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-34} {value}");
        }
        foreach (var group in Violations.GroupBy(v => v.Invariant).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{group.Key}: {group.Count()} violation(s)");
            foreach (var violation in group.Take(maxPerInvariant))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  order {violation.OrderId ?? "-"}: {violation.Seen}");
            }
            if (group.Count() > maxPerInvariant)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  … and {group.Count() - maxPerInvariant} more");
            }
        }
        return text.ToString();
    }

    public override string ToString() => Format();
}

/// <summary>
/// Checks the invariants of <c>reliability-scenarios.md</c> over what the gateway stored, what the channel
/// recorded and what the merchant received:
/// <list type="bullet">
/// <item>I1 every order is final, or open (pending/unknown) with supervision scheduled; grain state and projection agree.</item>
/// <item>I2 at most one charge per order at the channel; no charge for an order the gateway does not have.</item>
/// <item>I3 per order and per merchant, what the gateway counts as paid equals what the channel charged.</item>
/// <item>I4 every final order has a notification, delivered or scheduled; duplicates carry the same id and body.</item>
/// <item>I5 nothing moves backwards or leaves a final state (across snapshots, events and what callers saw).</item>
/// <item>I6 where a caller saw an error or a retry, one order per out_trade_no, and order, channel and notifications agree.</item>
/// </list>
/// </summary>
public static class InvariantChecker
{
    private static readonly HashSet<string> Final = new(StringComparer.Ordinal) { "succeeded", "closed", "failed" };
    private static readonly HashSet<string> Open = new(StringComparer.Ordinal) { "pending", "unknown" };

    public static bool IsFinal(string? status) => status is not null && Final.Contains(status);

    public static InvariantReport Check(CheckInput input, CheckOptions? options = null)
    {
        options ??= new CheckOptions();
        var v = new List<Violation>();
        var figures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        bool InScope(string? id) => id is not null && (options.OrderScope?.Invoke(id) ?? true);

        var stored = new Dictionary<string, StoredOrder>(StringComparer.Ordinal);
        foreach (var order in input.Gateway.Orders)
        {
            if (order.ParseError is not null)
            {
                v.Add(new("I1", order.OrderId ?? order.GrainKey, $"stored order state cannot be read: {order.ParseError}"));
                continue;
            }
            if (order.OrderId is null || !InScope(order.OrderId))
            {
                continue;
            }
            if (order.OrderId != order.GrainKey)
            {
                v.Add(new("I1", order.OrderId, $"state of grain '{order.GrainKey}' names order '{order.OrderId}'"));
            }
            stored[order.OrderId] = order;
        }
        var projected = input.Gateway.Projection.Where(p => InScope(p.OrderId)).ToDictionary(p => p.OrderId, StringComparer.Ordinal);
        var reviews = input.Gateway.ReviewItems.Where(r => r.OrderId is not null).ToLookup(r => r.OrderId!, StringComparer.Ordinal);

        CheckSupervision(input, options, stored, projected, v);
        var chargesByOrder = CheckChannel(input, options, stored, reviews, v, figures, InScope);
        CheckRefunds(input, options, stored, v, figures, InScope);
        CheckTransfers(input, options, v, figures);
        CheckContracts(input, options, stored, v, figures);
        CheckNotifications(input, options, stored, v, figures, InScope);
        CheckHistory(input, stored, v);
        CheckCallers(input, stored, chargesByOrder, v, figures);

        figures["orders"] = stored.Count;
        foreach (var group in stored.Values.GroupBy(o => o.Status ?? "?"))
        {
            figures[$"orders.{group.Key}"] = group.Count();
        }
        figures["violations"] = v.Count;
        return new InvariantReport(v, figures);
    }

    /// <summary>
    /// Refunds. I1: an open refund has its next check scheduled (and the order's next-check time covers it). I2/I3: no
    /// refund id moved money twice at the channel; per order, what the gateway counts as refunded equals what the
    /// channel refunded, and succeeded plus open refunds never exceed the paid amount.
    /// </summary>
    private static void CheckRefunds(CheckInput input, CheckOptions options, Dictionary<string, StoredOrder> stored,
        List<Violation> v, SortedDictionary<string, long> figures, Func<string?, bool> inScope)
    {
        foreach (var o in stored.Values)
        {
            var holding = o.RefundList.Where(r => r.Status != "failed").Sum(r => r.Amount);
            if (holding > o.Amount)
            {
                v.Add(new("I3", o.OrderId, $"refunds succeeded or in progress total {holding}, more than the paid {o.Amount}"));
            }
            if (o.RefundList.Count > 0 && o.Status != "succeeded")
            {
                v.Add(new("I3", o.OrderId, $"has refunds but the order is {o.Status}"));
            }
            foreach (var r in o.RefundList.Where(r => r.Status is "pending" or "unknown"))
            {
                if (options.RequireFinal)
                {
                    v.Add(new("I1", o.OrderId, $"refund {r.RefundId} still {r.Status} after the run settled"));
                }
                if (r.NextCheckAtMs is null || o.NextCheckAtMs is null || o.NextCheckAtMs > r.NextCheckAtMs)
                {
                    v.Add(new("I1", o.OrderId, $"refund {r.RefundId} is {r.Status} but no check is scheduled for it"));
                }
            }
        }
        figures["refunds"] = stored.Values.Sum(o => o.RefundList.Count);
        figures["refunds.succeeded.amount"] = stored.Values.Sum(o => o.RefundList.Where(r => r.Status == "succeeded").Sum(r => r.Amount));
        if (!input.HasChannelRecords)
        {
            return;
        }
        var refunded = input.Channel.Where(r => r.Kind == "refunded" && inScope(r.OutTradeNo)).ToList();
        figures["channel.refunds"] = refunded.Count;
        foreach (var group in refunded.GroupBy(r => r.TradeNo ?? "", StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            v.Add(new("I2", group.First().OutTradeNo, $"refund {group.Key} moved money {group.Count()} times at the channel"));
        }
        foreach (var orderId in stored.Keys.Union(refunded.Select(r => r.OutTradeNo!)).Distinct(StringComparer.Ordinal))
        {
            var gateway = stored.TryGetValue(orderId, out var o) ? o.RefundList.Where(r => r.Status == "succeeded").Sum(r => r.Amount) : 0;
            var channel = refunded.Where(r => r.OutTradeNo == orderId).Sum(r => r.Amount ?? 0);
            var unknown = o?.RefundList.Where(r => r.Status is "pending" or "unknown").Sum(r => r.Amount) ?? 0;
            // Money refunded at the channel for a refund the gateway still has open is a refund supervision has yet to
            // hear about: allowed while open (not after the run settled, which RequireFinal reports).
            if (channel < gateway || channel > gateway + unknown)
            {
                v.Add(new("I3", orderId, $"gateway counts {gateway} refunded ({unknown} in progress); the channel refunded {channel}"));
            }
        }
    }

    /// <summary>
    /// Transfers. I1: open ones have supervision scheduled and visible to the sweep. I2: no transfer id paid twice at the
    /// channel. I3: succeeded ⇔ paid at the channel, same amount; failed ⇒ nothing paid. I4: a final transfer has its
    /// notification, announcing its status, delivered or scheduled.
    /// </summary>
    private static void CheckTransfers(CheckInput input, CheckOptions options, List<Violation> v, SortedDictionary<string, long> figures)
    {
        var transfers = input.Gateway.TransferList.Where(t => t.TransferId is not null && (options.OrderScope?.Invoke(t.TransferId) ?? true)).ToList();
        figures["transfers"] = transfers.Count;
        foreach (var t in transfers)
        {
            var final = t.Status is "succeeded" or "failed";
            if (!final && (t.NextSupervisionAtMs is null || t.NextCheckAtMs is null || t.NextCheckAtMs > t.NextSupervisionAtMs))
            {
                v.Add(new("I1", t.TransferId, $"transfer {t.Status} but no check is scheduled for it"));
            }
            if (!final && options.RequireFinal)
            {
                v.Add(new("I1", t.TransferId, $"transfer still {t.Status} after the run settled"));
            }
            if (final && !t.Notifications.Any(n => n.Type == $"transfer.{t.Status}"))
            {
                v.Add(new("I4", t.TransferId, $"transfer {t.Status} without a transfer.{t.Status} notification"));
            }
            foreach (var n in t.Notifications.Where(n => n.Status == "pending" && (n.NextAttemptAtMs is null || t.NextCheckAtMs is null || t.NextCheckAtMs > n.NextAttemptAtMs)))
            {
                v.Add(new("I4", t.TransferId, $"{n.EventId} pending but the sweep will not retry it"));
            }
            if (NotificationFailed(t) && !options.AllowFailedNotifications)
            {
                v.Add(new("I4", t.TransferId, "a transfer notification failed"));
            }
        }
        if (!input.HasChannelRecords)
        {
            return;
        }
        var paid = input.Channel.Where(r => r.Kind == "transferred").ToLookup(r => r.OutTradeNo ?? "", StringComparer.Ordinal);
        figures["channel.transfers"] = input.Channel.Count(r => r.Kind == "transferred");
        foreach (var t in transfers)
        {
            var atChannel = paid[t.TransferId!].ToList();
            if (atChannel.Count > 1)
            {
                v.Add(new("I2", t.TransferId, $"paid {atChannel.Count} times at the channel"));
            }
            switch (t.Status)
            {
                case "succeeded" when atChannel.Count == 0 || atChannel.Any(r => r.Amount != t.Amount):
                    v.Add(new("I3", t.TransferId, $"succeeded ({t.Amount}) but the channel paid {string.Join(", ", atChannel.Select(r => r.Amount))}"));
                    break;
                case "failed" when atChannel.Count > 0:
                    v.Add(new("I3", t.TransferId, "failed but the channel paid it"));
                    break;
            }
        }

        static bool NotificationFailed(StoredTransfer t) => t.Notifications.Any(n => n.Status == "failed");
    }

    /// <summary>
    /// Recurring contracts. I1: an unsigned contract, an open deduction, an active contract with periods left and a
    /// closed one that still owes the channel a termination have their next action scheduled and visible to the sweep;
    /// a final contract with nothing open or owed has none. I2: at most one
    /// open deduction, at most one succeeded deduction and at most one channel charge per period. I3: each deduction says
    /// what its order says, and the contract's count of successes is its succeeded deductions (never above its maximum).
    /// I4: a contract that moved has the notification announcing its status, delivered or scheduled.
    /// </summary>
    private static void CheckContracts(CheckInput input, CheckOptions options, Dictionary<string, StoredOrder> orders, List<Violation> v, SortedDictionary<string, long> figures)
    {
        var contracts = input.Gateway.ContractList.Where(c => c.ContractId is not null && (options.OrderScope?.Invoke(c.ContractId) ?? true)).ToList();
        figures["contracts"] = contracts.Count;
        var charges = input.HasChannelRecords ? input.Channel.Where(r => r.Kind == "charge").ToLookup(r => r.OutTradeNo ?? "", StringComparer.Ordinal) : null;
        foreach (var c in contracts)
        {
            var id = c.ContractId!;
            var open = c.Deductions.Count(d => d.Status == "pending");
            var final = c.Status is "terminated" or "closed";
            var exhausted = c.MaxDeductions is { } max && c.DeductionsSucceeded >= max;
            var mustAct = c.Status == "signing" || open > 0 || (c.Status == "active" && !exhausted) || c.ChannelTerminationPending;
            if (mustAct && (c.NextActionAtMs is null || c.NextCheckAtMs is null || c.NextCheckAtMs > c.NextActionAtMs))
            {
                v.Add(new("I1", id, $"contract {c.Status} ({open} open deduction(s)) but no next action is scheduled for the sweep"));
            }
            if (final && open == 0 && !c.ChannelTerminationPending && c.NextActionAtMs is not null)
            {
                v.Add(new("I1", id, $"contract {c.Status} with nothing open still has an action scheduled"));
            }
            if (open > 1)
            {
                v.Add(new("I2", id, $"{open} deductions open at once"));
            }
            foreach (var period in c.Deductions.GroupBy(d => d.Period))
            {
                if (period.Count(d => d.Status == "succeeded") > 1)
                {
                    v.Add(new("I2", id, $"period {period.Key} was charged by {period.Count(d => d.Status == "succeeded")} deductions"));
                }
                if (charges is not null && period.Sum(d => d.OrderId is null ? 0 : charges[d.OrderId].Count()) > 1)
                {
                    v.Add(new("I2", id, $"the channel charged period {period.Key} more than once"));
                }
            }
            foreach (var d in c.Deductions.Where(d => d.OrderId is not null && d.Status != "pending"))
            {
                // Only orders this check can see (in scope and stored) are compared; a missing one is I1's business.
                if (orders.GetValueOrDefault(d.OrderId!) is { } order
                    && !(d.Status == "succeeded" ? order.Status == "succeeded" : order.Status is "failed" or "closed"))
                {
                    v.Add(new("I3", id, $"deduction {d.OutTradeNo} is {d.Status} but its order {d.OrderId} is {order.Status}"));
                }
            }
            var succeeded = c.Deductions.Count(d => d.Status == "succeeded");
            if (succeeded != c.DeductionsSucceeded || c.MaxDeductions is { } cap && succeeded > cap)
            {
                v.Add(new("I3", id, $"counts {c.DeductionsSucceeded} successful deductions, has {succeeded} (max {c.MaxDeductions?.ToString() ?? "none"})"));
            }
            if (c.Status is "active" or "terminated" or "closed" && !c.Notifications.Any(n => n.Type == $"contract.{c.Status}"))
            {
                v.Add(new("I4", id, $"contract {c.Status} without a contract.{c.Status} notification"));
            }
            foreach (var n in c.Notifications.Where(n => n.Status == "pending" && (n.NextAttemptAtMs is null || c.NextCheckAtMs is null || c.NextCheckAtMs > n.NextAttemptAtMs)))
            {
                v.Add(new("I4", id, $"{n.EventId} pending but the sweep will not retry it"));
            }
        }
    }

    /// <summary>I1: final, or open with supervision scheduled; the projection is the state.</summary>
    private static void CheckSupervision(CheckInput input, CheckOptions options, Dictionary<string, StoredOrder> stored,
        Dictionary<string, ProjectedOrder> projected, List<Violation> v)
    {
        var nowMs = input.Gateway.TakenAt.ToUnixTimeMilliseconds();
        foreach (var o in stored.Values)
        {
            if (IsFinal(o.Status))
            {
                if (o.NextSupervisionAtMs is not null)
                {
                    v.Add(new("I1", o.OrderId, $"final ({o.Status}) but supervision is still scheduled"));
                }
            }
            else if (o.Status is not null && Open.Contains(o.Status))
            {
                if (options.RequireFinal)
                {
                    v.Add(new("I1", o.OrderId, $"still {o.Status} after the run settled"));
                }
                if (o.NextSupervisionAtMs is null)
                {
                    v.Add(new("I1", o.OrderId, $"{o.Status} with no supervision scheduled: nothing will ever resolve it"));
                }
                else if (o.NextCheckAtMs is null || o.NextCheckAtMs > o.NextSupervisionAtMs)
                {
                    v.Add(new("I1", o.OrderId, $"{o.Status}: next_check_at_ms {o.NextCheckAtMs?.ToString(CultureInfo.InvariantCulture) ?? "null"} is later than the supervision due at {o.NextSupervisionAtMs}, so the sweep will not find it"));
                }
                if (options.MaxOverdue is { } overdue && o.NextCheckAtMs is { } due && nowMs - due > overdue.TotalMilliseconds)
                {
                    v.Add(new("I1", o.OrderId, $"{o.Status} and overdue by {TimeSpan.FromMilliseconds(nowMs - due)}: supervision is not catching up"));
                }
            }
            else
            {
                v.Add(new("I1", o.OrderId, $"unknown status '{o.Status}'"));
            }

            if (!projected.TryGetValue(o.OrderId!, out var p))
            {
                v.Add(new("I1", o.OrderId, "stored order has no paygw_order row: the sweep cannot see it"));
                continue;
            }
            var differences = new List<string>();
            Compare("status", o.Status, p.Status);
            Compare("amount", o.Amount.ToString(CultureInfo.InvariantCulture), p.Amount.ToString(CultureInfo.InvariantCulture));
            Compare("currency", o.Currency, p.Currency);
            Compare("app_id", o.AppId, p.AppId);
            Compare("out_trade_no", o.OutTradeNo, p.OutTradeNo);
            Compare("account", $"{o.Channel}/{o.AccountId}", $"{p.Channel}/{p.AccountId}");
            Compare("version", o.Version.ToString(CultureInfo.InvariantCulture), p.StateVersion.ToString(CultureInfo.InvariantCulture));
            var projectedDue = p.NextCheckAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds() : (long?)null;
            Compare("next_check_at_ms", o.NextCheckAtMs?.ToString(CultureInfo.InvariantCulture), projectedDue?.ToString(CultureInfo.InvariantCulture));
            if (differences.Count > 0)
            {
                v.Add(new("I1", o.OrderId, "projection differs from grain state: " + string.Join("; ", differences)));
            }

            void Compare(string field, string? state, string? row)
            {
                if (!string.Equals(state, row, StringComparison.Ordinal))
                {
                    differences.Add($"{field} state={state ?? "null"} row={row ?? "null"}");
                }
            }
        }
        foreach (var p in projected.Values.Where(p => !stored.ContainsKey(p.OrderId)))
        {
            v.Add(new("I1", p.OrderId, $"paygw_order row ({p.Status}) without a stored order state"));
        }
        foreach (var dup in stored.Values.GroupBy(o => (o.AppId, o.OutTradeNo)).Where(g => g.Count() > 1))
        {
            v.Add(new("I2", dup.First().OrderId, $"{dup.Count()} orders for {dup.Key.AppId}/{dup.Key.OutTradeNo}: {string.Join(", ", dup.Select(o => o.OrderId))}"));
        }
    }

    /// <summary>I2 and I3: one charge per order, and paid amounts agree per order and per merchant.</summary>
    private static Dictionary<string, int> CheckChannel(CheckInput input, CheckOptions options, Dictionary<string, StoredOrder> stored,
        ILookup<string, ReviewItem> reviews, List<Violation> v, SortedDictionary<string, long> figures, Func<string?, bool> inScope)
    {
        var chargesByOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!input.HasChannelRecords)
        {
            return chargesByOrder;
        }
        var charges = input.Channel.Where(r => r.Kind == "charge" && inScope(r.OutTradeNo)).ToList();
        figures["channel.charges"] = charges.Count;
        long duplicated = 0;
        foreach (var group in charges.GroupBy(r => r.OutTradeNo!, StringComparer.Ordinal))
        {
            chargesByOrder[group.Key] = group.Count();
            if (group.Count() > 1)
            {
                duplicated += group.Count() - 1;
                v.Add(new("I2", group.Key, $"charged {group.Count()} times at the channel ({string.Join(", ", group.Select(c => $"{c.Amount} {c.Currency} for {c.MerchantId}"))})"));
            }
            if (!stored.ContainsKey(group.Key))
            {
                v.Add(new("I2", group.Key, $"charged at the channel ({group.First().Amount} {group.First().Currency}) but the gateway has no such order"));
            }
        }
        figures["channel.duplicate_charges"] = duplicated;

        foreach (var o in stored.Values)
        {
            var charged = charges.Where(c => c.OutTradeNo == o.OrderId).ToList();
            var expectedMerchant = options.ChannelMerchantByAccount.GetValueOrDefault($"{o.Channel}/{o.AccountId}");
            foreach (var c in charged)
            {
                if (c.Amount != o.Amount || c.Currency != o.Currency)
                {
                    v.Add(new("I3", o.OrderId, $"channel charged {c.Amount} {c.Currency}; the order is {o.Amount} {o.Currency}"));
                }
                if (expectedMerchant is not null && c.MerchantId != expectedMerchant)
                {
                    v.Add(new("I3", o.OrderId, $"charged for channel merchant {c.MerchantId}; the order's account {o.Channel}/{o.AccountId} is {expectedMerchant}"));
                }
            }
            foreach (var create in input.Channel.Where(r => r.Kind == "create" && r.OutTradeNo == o.OrderId && r.Amount is not null))
            {
                if (create.Amount != o.Amount || create.Currency != o.Currency)
                {
                    v.Add(new("I3", o.OrderId, $"channel was asked to create {create.Amount} {create.Currency}; the order is {o.Amount} {o.Currency}"));
                }
            }
            switch (o.Status)
            {
                case "succeeded" when charged.Count == 0:
                    v.Add(new("I3", o.OrderId, $"succeeded ({o.Amount} {o.Currency}) but the channel recorded no charge"));
                    break;
                case "closed" or "failed" when charged.Count > 0:
                    var flagged = reviews[o.OrderId!].Any(r => r.Code == "PAID_AFTER_FINAL");
                    v.Add(new("I3", o.OrderId, $"{o.Status} but charged at the channel{(flagged ? " (flagged PAID_AFTER_FINAL for refund)" : " and not flagged for review")}"));
                    break;
            }
        }

        // Per merchant: what the gateway counts as paid against what the channel charged.
        var gatewayPaid = stored.Values.Where(o => o.Status == "succeeded")
            .GroupBy(o => options.ChannelMerchantByAccount.GetValueOrDefault($"{o.Channel}/{o.AccountId}") ?? $"{o.Channel}/{o.AccountId}")
            .ToDictionary(g => g.Key, g => (Amount: g.Sum(o => o.Amount), Count: (long)g.Count()), StringComparer.Ordinal);
        var channelPaid = charges.GroupBy(c => c.MerchantId)
            .ToDictionary(g => g.Key, g => (Amount: g.Sum(c => c.Amount ?? 0), Count: (long)g.Count()), StringComparer.Ordinal);
        foreach (var merchant in gatewayPaid.Keys.Union(channelPaid.Keys).Order(StringComparer.Ordinal))
        {
            var g = gatewayPaid.GetValueOrDefault(merchant);
            var c = channelPaid.GetValueOrDefault(merchant);
            figures[$"paid.gateway.{merchant}"] = g.Amount;
            figures[$"paid.channel.{merchant}"] = c.Amount;
            if (g.Amount != c.Amount)
            {
                v.Add(new("I3", null, $"merchant {merchant}: gateway paid {g.Amount} in {g.Count} orders, channel charged {c.Amount} in {c.Count} charges (difference {c.Amount - g.Amount})"));
            }
        }
        return chargesByOrder;
    }

    /// <summary>I4: notifications exist for final orders, are delivered or scheduled, and every copy is the same event.</summary>
    private static void CheckNotifications(CheckInput input, CheckOptions options, Dictionary<string, StoredOrder> stored,
        List<Violation> v, SortedDictionary<string, long> figures, Func<string?, bool> inScope)
    {
        long delivered = 0, pending = 0, failed = 0;
        var storedEvents = new Dictionary<string, (StoredOrder Order, StoredNotificationRecord Event)>(StringComparer.Ordinal);
        foreach (var o in stored.Values)
        {
            if (IsFinal(o.Status) && o.Notifications.Count == 0)
            {
                v.Add(new("I4", o.OrderId, $"{o.Status} but no merchant notification was recorded"));
            }
            if (!IsFinal(o.Status) && o.Notifications.Count > 0)
            {
                v.Add(new("I4", o.OrderId, $"{o.Status} (open) but has notification(s) {string.Join(", ", o.Notifications.Select(n => n.Type))}"));
            }
            foreach (var n in o.Notifications)
            {
                storedEvents[n.EventId] = (o, n);
                switch (n.Status)
                {
                    case "delivered":
                        delivered++;
                        break;
                    case "pending":
                        pending++;
                        if (n.NextAttemptAtMs is null)
                        {
                            v.Add(new("I4", o.OrderId, $"{n.EventId} pending with no attempt scheduled"));
                        }
                        else if (o.NextCheckAtMs is null || o.NextCheckAtMs > n.NextAttemptAtMs)
                        {
                            v.Add(new("I4", o.OrderId, $"{n.EventId} due at {n.NextAttemptAtMs} but the order's next check is {o.NextCheckAtMs?.ToString(CultureInfo.InvariantCulture) ?? "null"}: the sweep will not retry it"));
                        }
                        break;
                    case "failed":
                        failed++;
                        if (!options.AllowFailedNotifications)
                        {
                            v.Add(new("I4", o.OrderId, $"{n.EventId} failed after {n.Attempts} attempts"));
                        }
                        break;
                    default:
                        v.Add(new("I4", o.OrderId, $"{n.EventId} has unknown delivery status '{n.Status}'"));
                        break;
                }
                var (id, type, orderId, status) = ReadEvent(n.Body);
                if (id != n.EventId || type != n.Type || orderId != o.OrderId)
                {
                    v.Add(new("I4", o.OrderId, $"{n.EventId}: stored body says id={id}, type={type}, order={orderId}"));
                }
                if (status is not null && type != status)
                {
                    v.Add(new("I4", o.OrderId, $"{n.EventId}: type {type} but the body announces {status}"));
                }
            }
            foreach (var dup in o.Notifications.GroupBy(n => n.EventId).Where(g => g.Count() > 1))
            {
                v.Add(new("I4", o.OrderId, $"event id {dup.Key} stored {dup.Count()} times"));
            }
        }
        figures["notifications.delivered"] = delivered;
        figures["notifications.pending"] = pending;
        figures["notifications.failed"] = failed;

        var received = input.Webhooks.Select(w => (Delivery: w, Event: ReadEvent(w.Body))).Where(w => inScope(w.Event.OrderId)).ToList();
        figures["webhooks.received"] = received.Count;
        figures["webhooks.distinct_events"] = received.Select(w => w.Delivery.EventId).Distinct().Count();
        foreach (var group in received.GroupBy(w => w.Delivery.EventId, StringComparer.Ordinal))
        {
            var first = group.First();
            if (group.Select(w => w.Delivery.Body).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                v.Add(new("I4", first.Event.OrderId, $"{group.Key} was delivered {group.Count()} times with {group.Select(w => w.Delivery.Body).Distinct(StringComparer.Ordinal).Count()} different bodies"));
            }
            if (first.Event.Id != group.Key)
            {
                v.Add(new("I4", first.Event.OrderId, $"delivery header event id {group.Key} but the body's id is {first.Event.Id}"));
            }
            if (!storedEvents.TryGetValue(group.Key, out var known))
            {
                v.Add(new("I4", first.Event.OrderId, $"merchant received {group.Key}, which no stored order has"));
            }
            else if (known.Event.Body != first.Delivery.Body)
            {
                v.Add(new("I4", known.Order.OrderId, $"{group.Key}: the delivered body differs from the stored one"));
            }
        }
        if (options.WebhookUrlPrefix is { } prefix)
        {
            var acknowledged = received.Where(w => w.Delivery.AnsweredWith is >= 200 and < 300).Select(w => w.Delivery.EventId).ToHashSet(StringComparer.Ordinal);
            foreach (var (eventId, (order, n)) in storedEvents)
            {
                if (n.Status == "delivered" && order.NotifyUrl?.StartsWith(prefix, StringComparison.Ordinal) == true && !acknowledged.Contains(eventId))
                {
                    v.Add(new("I4", order.OrderId, $"{eventId} is stored as delivered but the merchant endpoint never acknowledged it"));
                }
            }
        }
    }

    /// <summary>I5: between snapshots, versions only grow, final states stay, and outboxes only grow.</summary>
    private static void CheckHistory(CheckInput input, Dictionary<string, StoredOrder> stored, List<Violation> v)
    {
        foreach (var o in stored.Values)
        {
            // Order events only: refund events come and go while the order stays succeeded.
            var types = o.Notifications.Select(n => n.Type).Where(t => t.StartsWith("order.", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
            if (types.Count > 1 || (types.Count == 1 && IsFinal(o.Status) && types[0] != $"order.{o.Status}"))
            {
                v.Add(new("I5", o.OrderId, $"now {o.Status}, but its notifications announced {string.Join(" then ", types)}: it left a final state"));
            }
        }
        foreach (var snapshot in input.History)
        {
            foreach (var earlier in snapshot.Orders.Where(e => e.OrderId is not null && e.ParseError is null))
            {
                if (!stored.TryGetValue(earlier.OrderId!, out var now))
                {
                    continue;
                }
                if (now.Version < earlier.Version)
                {
                    v.Add(new("I5", now.OrderId, $"state version went back from {earlier.Version} (at {snapshot.TakenAt:O}) to {now.Version}"));
                }
                if (IsFinal(earlier.Status) && earlier.Status != now.Status)
                {
                    v.Add(new("I5", now.OrderId, $"was {earlier.Status} at {snapshot.TakenAt:O}, now {now.Status}: left a final state"));
                }
                if (now.Notifications.Count < earlier.Notifications.Count)
                {
                    v.Add(new("I5", now.OrderId, $"outbox shrank from {earlier.Notifications.Count} to {now.Notifications.Count} events"));
                }
                foreach (var was in earlier.Notifications.Where(n => n.Status == "delivered"))
                {
                    if (now.Notifications.FirstOrDefault(n => n.EventId == was.EventId) is { Status: not "delivered" } became)
                    {
                        v.Add(new("I5", now.OrderId, $"{was.EventId} was delivered, now {became.Status}"));
                    }
                }
            }
        }
    }

    /// <summary>I5 and I6 from the callers' side: one order per key; what they were told agrees with the outcome.</summary>
    private static void CheckCallers(CheckInput input, Dictionary<string, StoredOrder> stored, Dictionary<string, int> chargesByOrder,
        List<Violation> v, SortedDictionary<string, long> figures)
    {
        if (input.Callers.Count == 0)
        {
            return;
        }
        var byKey = stored.Values.ToLookup(o => (o.AppId ?? "", o.OutTradeNo ?? ""));
        long sawError = 0, lost = 0;
        foreach (var group in input.Callers.GroupBy(c => (c.AppId, c.OutTradeNo)))
        {
            var orders = byKey[group.Key].ToList();
            var errors = group.Count(c => c.HttpStatus >= 500 || c.HttpStatus == 0);
            if (errors > 0)
            {
                sawError++;
            }
            var ids = group.Where(c => c.OrderId is not null).Select(c => c.OrderId!).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count > 1)
            {
                v.Add(new("I6", ids[0], $"{group.Key.AppId}/{group.Key.OutTradeNo} was answered with {ids.Count} different order ids: {string.Join(", ", ids)}"));
            }
            if (ids.Count > 0 && orders.Count == 0)
            {
                lost++;
                v.Add(new("I6", ids[0], $"the caller was given order {ids[0]} for {group.Key.AppId}/{group.Key.OutTradeNo}, but it is not stored: lost"));
            }
            var order = orders.FirstOrDefault();
            if (order is null)
            {
                continue;
            }
            if (ids.Count > 0 && !ids.Contains(order.OrderId!))
            {
                v.Add(new("I6", order.OrderId, $"the caller was given {string.Join(", ", ids)} but {group.Key.OutTradeNo} is stored as {order.OrderId}"));
            }
            var finalSeen = group.Where(c => c.OrderId == order.OrderId && IsFinal(c.Status)).Select(c => c.Status!).Distinct(StringComparer.Ordinal).ToList();
            if (finalSeen.Count > 1 || (finalSeen.Count == 1 && finalSeen[0] != order.Status))
            {
                v.Add(new("I5", order.OrderId, $"callers saw {string.Join(" and ", finalSeen)}; the order is now {order.Status}"));
            }
            if (errors > 0 && order.Status == "succeeded" && chargesByOrder.GetValueOrDefault(order.OrderId!) != 1 && input.HasChannelRecords)
            {
                v.Add(new("I6", order.OrderId, $"after {errors} error(s) the order is succeeded but the channel has {chargesByOrder.GetValueOrDefault(order.OrderId!)} charge(s)"));
            }
        }
        figures["callers.keys"] = input.Callers.Select(c => (c.AppId, c.OutTradeNo)).Distinct().Count();
        figures["callers.keys_with_errors"] = sawError;
        figures["callers.lost_orders"] = lost;
    }

    /// <summary>
    /// The id, type and order id of a webhook event body, and the type its content announces (<c>order.{order status}</c>,
    /// or <c>refund.{refund status}</c> when it carries a refund); nulls where it cannot be read.
    /// </summary>
    public static (string? Id, string? Type, string? OrderId, string? Status) ReadEvent(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var order = root.TryGetProperty("order", out var o) && o.ValueKind == JsonValueKind.Object ? o : default;
            var refund = root.TryGetProperty("refund", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
            var announced = refund.ValueKind == JsonValueKind.Object
                ? Str(refund, "status") is { } refundStatus ? $"refund.{refundStatus}" : null
                : Str(order, "status") is { } orderStatus ? $"order.{orderStatus}" : null;
            return (Str(root, "id"), Str(root, "type"), order.ValueKind == JsonValueKind.Object ? Str(order, "order_id") : null, announced);
        }
        catch (JsonException)
        {
            return (null, null, null, null);
        }

        static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
    }
}
