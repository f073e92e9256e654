using System.Globalization;

namespace PayGateway.Channels.Mock;

/// <summary>Daily statements: GET /mock/v1/statements/{yyyy-MM-dd} (docs/channels/mock.md).</summary>
public sealed partial class MockChannel : IStatementChannel
{
    /// <summary>The mock cuts its statement days at midnight Beijing time, like Alipay and WeChat Pay.</summary>
    public TimeSpan StatementDayOffset => ChinaStandardTime.Offset;

    public async Task<ChannelStatement> DownloadStatementAsync(ChannelAccount account, DateOnly billDate, CancellationToken cancellationToken)
    {
        var date = billDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var response = await _api.SendAsync(account, HttpMethod.Get, "mock/v1/statements/" + date, null, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelStatement.Unknown("CHANNEL_UNKNOWN", response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return (response.Status, error?.Code) is (404, "STATEMENT_NOT_READY")
                ? ChannelStatement.NotReady(error!.Code!, error.Message ?? "No statement yet.")
                : ChannelStatement.Unknown(error?.Code ?? "CHANNEL_UNKNOWN", error?.Message ?? $"HTTP {response.Status}.");
        }
        var statement = MockWire.TryRead<StatementWire>(response.Body);
        return statement is null
            ? ChannelStatement.Unknown("STATEMENT_MALFORMED", "The statement is not of the documented shape.")
            : Parse(statement, account.RequiredSetting("merchant_id"), date);
    }

    // A statement counts only when it is the one asked for and its counts and totals agree with its lines: a file cut
    // short or altered in transit must not read as "the channel has fewer payments".
    private static ChannelStatement Parse(StatementWire statement, string merchantId, string date)
    {
        if (statement.MerchantId != merchantId || statement.BillDate != date || statement.Lines is null)
        {
            return ChannelStatement.Unknown("STATEMENT_MALFORMED", "The statement is for another merchant or day.");
        }
        var lines = new List<StatementLine>(statement.Lines.Count);
        foreach (var line in statement.Lines)
        {
            StatementLineKind? kind = line.Type switch { "payment" => StatementLineKind.Payment, "refund" => StatementLineKind.Refund, _ => null };
            if (kind is null || string.IsNullOrEmpty(line.OutTradeNo) || line.Amount is not > 0 || string.IsNullOrEmpty(line.Currency)
                || (kind == StatementLineKind.Refund && string.IsNullOrEmpty(line.OutRefundNo)))
            {
                return ChannelStatement.Unknown("STATEMENT_MALFORMED", "A statement line is incomplete.");
            }
            lines.Add(new StatementLine(kind.Value, line.OutTradeNo, line.OutRefundNo, line.TradeNo, line.RefundNo, line.Amount.Value,
                line.Currency, line.Fee, line.OccurredAt, null));
        }
        var payments = lines.Where(l => l.Kind == StatementLineKind.Payment).ToList();
        var refunds = lines.Where(l => l.Kind == StatementLineKind.Refund).ToList();
        if (statement.PaymentCount != payments.Count || statement.PaymentTotal != payments.Sum(l => l.Amount)
            || statement.RefundCount != refunds.Count || statement.RefundTotal != refunds.Sum(l => l.Amount))
        {
            return ChannelStatement.Unknown("STATEMENT_TOTALS_MISMATCH", "The statement's totals disagree with its lines.");
        }
        return ChannelStatement.Ready(lines);
    }
}

internal sealed record StatementLineWire(
    string? Type,
    string? OutTradeNo,
    string? TradeNo,
    string? OutRefundNo,
    string? RefundNo,
    long? Amount,
    string? Currency,
    string? Fee,
    DateTimeOffset? OccurredAt);

internal sealed record StatementWire(
    string? MerchantId,
    string? BillDate,
    int? PaymentCount,
    long? PaymentTotal,
    int? RefundCount,
    long? RefundTotal,
    IReadOnlyList<StatementLineWire>? Lines);
