using System.Collections.Immutable;
using PayGateway.Channels;

namespace PayGateway.Reconciliation;

/// <summary>A discrepancy the safe direction may heal: the channel shows money done that the gateway holds as open.</summary>
public sealed record HealCandidate(int ItemIndex, string OrderId, string? RefundId);

/// <summary>The comparison of one statement with the gateway's records, before any healing.</summary>
public sealed record Comparison(
    ImmutableArray<ReconciliationItem> Items,
    ImmutableArray<HealCandidate> HealCandidates,
    int Matched,
    ImmutableArray<ReconciliationTotals> ChannelTotals,
    ImmutableArray<ReconciliationTotals> GatewayTotals);

/// <summary>
/// Compares a channel statement with the gateway's records. Pure: no I/O, so every rule is unit-tested. Lines are
/// matched by id (the gateway's order id and refund id are the channel's merchant numbers), never by amount or time;
/// the day window is only used for the other direction, finding what the gateway has and the statement lacks.
/// </summary>
public static class ReconciliationMatcher
{
    public static Comparison Compare(string channel, string accountId, IReadOnlyList<StatementLine> lines, GatewaySide gateway)
    {
        var items = ImmutableArray.CreateBuilder<ReconciliationItem>();
        var heal = ImmutableArray.CreateBuilder<HealCandidate>();
        var matched = 0;
        var paymentsSeen = new HashSet<string>(StringComparer.Ordinal);
        var refundsSeen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var line in lines.Where(l => l.Kind == StatementLineKind.Payment))
        {
            if (!paymentsSeen.Add(line.OrderId))
            {
                items.Add(Item(ReconciliationCodes.PaymentListedTwice, line, null, "The statement lists this payment more than once."));
                continue;
            }
            if (!gateway.OrdersById.TryGetValue(line.OrderId, out var order))
            {
                items.Add(Item(ReconciliationCodes.PaymentMissingInGateway, line, null, "The gateway has no order with this id; nothing was created."));
            }
            else if (order.Channel != channel || order.AccountId != accountId)
            {
                items.Add(Item(ReconciliationCodes.PaymentAccountMismatch, line, order, $"The order belongs to {order.Channel}/{order.AccountId}."));
            }
            else if (order.Amount != line.Amount || order.Currency != line.Currency)
            {
                items.Add(Item(ReconciliationCodes.PaymentAmountMismatch, line, order,
                    $"The statement shows {line.Amount} {line.Currency}; the order is {order.Amount} {order.Currency}."));
            }
            else if (order.Status == OrderStatus.Succeeded)
            {
                matched++;
            }
            else if (!order.Status.IsFinal())
            {
                heal.Add(new HealCandidate(items.Count, order.OrderId, null));
                items.Add(Item(ReconciliationCodes.PaymentNotSucceededInGateway, line, order, "The statement shows this payment done; the order is still open."));
            }
            else
            {
                items.Add(Item(ReconciliationCodes.PaymentOnFinalOrder, line, order, $"The statement shows this payment done; the order is {order.Status.ToWire()}, which is final."));
            }
        }

        foreach (var line in lines.Where(l => l.Kind == StatementLineKind.Refund))
        {
            var refundId = line.RefundId!;
            if (!refundsSeen.Add(refundId))
            {
                items.Add(RefundItem(ReconciliationCodes.RefundListedTwice, line, null, "The statement lists this refund more than once."));
                continue;
            }
            if (!gateway.RefundsById.TryGetValue(refundId, out var refund))
            {
                items.Add(RefundItem(ReconciliationCodes.RefundMissingInGateway, line, null, "The gateway has no refund with this id."));
            }
            else if (refund.OrderId != line.OrderId || refund.Channel != channel || refund.AccountId != accountId
                || refund.Amount != line.Amount || refund.Currency != line.Currency)
            {
                items.Add(RefundItem(ReconciliationCodes.RefundAmountMismatch, line, refund,
                    $"The statement shows {line.Amount} {line.Currency} for order {line.OrderId}; the refund is {refund.Amount} {refund.Currency} of order {refund.OrderId}."));
            }
            else if (!line.IsDone || refund.Status == FundsStatus.Succeeded)
            {
                // Done on both sides, or still in progress at the channel (a WeChat Pay line is written at acceptance).
                matched++;
            }
            else if (!refund.Status.IsFinal())
            {
                heal.Add(new HealCandidate(items.Count, refund.OrderId, refund.RefundId));
                items.Add(RefundItem(ReconciliationCodes.RefundNotSucceededInGateway, line, refund, "The statement shows this refund done; the gateway's refund is still open."));
            }
            else
            {
                items.Add(RefundItem(ReconciliationCodes.RefundSucceededButFailedInGateway, line, refund,
                    "The statement shows this refund done; the gateway recorded it as failed and released its amount."));
            }
        }

        foreach (var order in gateway.PaidThatDay.Where(o => !paymentsSeen.Contains(o.OrderId)))
        {
            items.Add(new ReconciliationItem(ReconciliationCodes.PaymentMissingOnChannel, order.OrderId, null, null, order.Amount, order.Currency,
                order.Status.ToWire(), ReconciliationActions.Reported, "The gateway has this payment that day; the statement does not list it."));
        }
        foreach (var refund in gateway.RefundedThatDay.Where(r => !refundsSeen.Contains(r.RefundId)))
        {
            items.Add(new ReconciliationItem(ReconciliationCodes.RefundMissingOnChannel, refund.OrderId, refund.RefundId, null, refund.Amount, refund.Currency,
                refund.Status.ToWire(), ReconciliationActions.Reported, "The gateway has this refund that day; the statement does not list it."));
        }

        return new Comparison(items.ToImmutable(), heal.ToImmutable(), matched,
            Totals(lines.Where(l => l.Kind == StatementLineKind.Payment).Select(l => (l.Currency, l.Amount)),
                lines.Where(l => l.Kind == StatementLineKind.Refund && l.IsDone).Select(l => (l.Currency, l.Amount))),
            Totals(gateway.PaidThatDay.Select(o => (o.Currency, o.Amount)), gateway.RefundedThatDay.Select(r => (r.Currency, r.Amount))));
    }

    private static ReconciliationItem Item(string code, StatementLine line, GatewayOrderRecord? order, string detail) =>
        new(code, line.OrderId, null, line.Amount, order?.Amount, line.Currency, order?.Status.ToWire(), ReconciliationActions.Reported, detail);

    private static ReconciliationItem RefundItem(string code, StatementLine line, GatewayRefundRecord? refund, string detail) =>
        new(code, line.OrderId, line.RefundId, line.Amount, refund?.Amount, line.Currency, refund?.Status.ToWire(), ReconciliationActions.Reported, detail);

    private static ImmutableArray<ReconciliationTotals> Totals(IEnumerable<(string Currency, long Amount)> payments, IEnumerable<(string Currency, long Amount)> refunds)
    {
        var paid = payments.GroupBy(p => p.Currency).ToDictionary(g => g.Key, g => (Count: g.Count(), Sum: g.Sum(p => p.Amount)));
        var back = refunds.GroupBy(r => r.Currency).ToDictionary(g => g.Key, g => (Count: g.Count(), Sum: g.Sum(r => r.Amount)));
        return [.. paid.Keys.Union(back.Keys).Order(StringComparer.Ordinal).Select(c => new ReconciliationTotals(c,
            paid.GetValueOrDefault(c).Count, paid.GetValueOrDefault(c).Sum, back.GetValueOrDefault(c).Count, back.GetValueOrDefault(c).Sum))];
    }
}
