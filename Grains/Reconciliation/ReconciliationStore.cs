using System.Collections.Immutable;
using System.Text.Json;
using MySqlConnector;

namespace PayGateway.Reconciliation;

/// <summary>
/// Reads the gateway's side of a reconciliation from the SQL projections (by primary key and by the
/// (account_id, paid_at) / (account_id, succeeded_at) indexes: never a scan) and keeps the reports in
/// <c>paygw_recon_run</c> and <c>paygw_recon_item</c>.
/// </summary>
public sealed class ReconciliationStore(string connectionString)
{
    private const int Batch = 500;

    public async Task<GatewaySide> LoadAsync(string channel, string accountId, IReadOnlyCollection<string> orderIds, IReadOnlyCollection<string> refundIds,
        DateTimeOffset from, DateTimeOffset to, bool refundsByAcceptance, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var orders = new Dictionary<string, GatewayOrderRecord>(StringComparer.Ordinal);
        foreach (var chunk in orderIds.Distinct().Chunk(Batch))
        {
            foreach (var order in await ReadOrdersAsync(connection, $"order_id IN ({Placeholders(chunk.Length)})", c => Bind(c, chunk), cancellationToken))
            {
                orders[order.OrderId] = order;
            }
        }
        var refunds = new Dictionary<string, GatewayRefundRecord>(StringComparer.Ordinal);
        foreach (var chunk in refundIds.Distinct().Chunk(Batch))
        {
            foreach (var refund in await ReadRefundsAsync(connection, $"refund_id IN ({Placeholders(chunk.Length)})", c => Bind(c, chunk), cancellationToken))
            {
                refunds[refund.RefundId] = refund;
            }
        }
        void Window(MySqlCommand c)
        {
            c.Parameters.AddWithValue("@account", accountId);
            c.Parameters.AddWithValue("@channel", channel);
            c.Parameters.AddWithValue("@from", from.UtcDateTime);
            c.Parameters.AddWithValue("@to", to.UtcDateTime);
        }
        var paid = await ReadOrdersAsync(connection,
            "account_id = @account AND paid_at >= @from AND paid_at < @to AND channel = @channel AND status = 'succeeded'", Window, cancellationToken);
        var refundTime = refundsByAcceptance ? "created_at" : "succeeded_at";
        var refunded = await ReadRefundsAsync(connection,
            $"account_id = @account AND {refundTime} >= @from AND {refundTime} < @to AND channel = @channel AND status = 'succeeded'", Window, cancellationToken);
        return new GatewaySide(orders, refunds, paid, refunded);
    }

    /// <summary>
    /// Stores the report: the run row, every item found (new or again), and resolves the open items of earlier runs
    /// of the same day that this run no longer found. One transaction, so a report is never half stored.
    /// </summary>
    /// <remarks>
    /// The run row's status, time, error and run count are the last run's; its summary (statement lines, matched, open
    /// items, totals) is the last <i>completed</i> run's. A run that read no statement concludes nothing, so it must
    /// not wipe what the last comparison found either: it writes its summary only when it creates the row (zeros).
    /// </remarks>
    public async Task SaveAsync(ReconciliationReport report, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ranAt = report.RanAt.UtcDateTime;
        var openItems = report.Items.Count(i => i.Action == ReconciliationActions.Reported);
        var summary = report.Status == ReconciliationRunStatus.Completed
            ? """
              ,
                  statement_lines = VALUES(statement_lines), matched = VALUES(matched), open_items = VALUES(open_items),
                  channel_totals = VALUES(channel_totals), gateway_totals = VALUES(gateway_totals)
              """
            : "";
        await using (var run = new MySqlCommand(
            $"""
            INSERT INTO paygw_recon_run (channel, account_id, bill_date, status, ran_at, runs, statement_lines, matched, open_items,
                                         channel_totals, gateway_totals, error_code, error_message)
            VALUES (@channel, @account, @date, @status, @ranAt, 1, @lines, @matched, @open, @channelTotals, @gatewayTotals, @errorCode, @errorMessage)
            ON DUPLICATE KEY UPDATE status = VALUES(status), ran_at = VALUES(ran_at), runs = runs + 1,
                error_code = VALUES(error_code), error_message = VALUES(error_message){summary}
            """, connection, transaction))
        {
            Key(run, report);
            run.Parameters.AddWithValue("@status", report.Status);
            run.Parameters.AddWithValue("@ranAt", ranAt);
            run.Parameters.AddWithValue("@lines", report.StatementLines);
            run.Parameters.AddWithValue("@matched", report.Matched);
            run.Parameters.AddWithValue("@open", openItems);
            run.Parameters.AddWithValue("@channelTotals", JsonSerializer.Serialize(report.ChannelTotals));
            run.Parameters.AddWithValue("@gatewayTotals", JsonSerializer.Serialize(report.GatewayTotals));
            run.Parameters.AddWithValue("@errorCode", report.ErrorCode);
            run.Parameters.AddWithValue("@errorMessage", report.ErrorMessage is { Length: > 500 } m ? m[..500] : report.ErrorMessage);
            await run.ExecuteNonQueryAsync(cancellationToken);
        }
        if (report.Status != ReconciliationRunStatus.Completed)
        {
            // A statement that could not be read proves nothing: earlier findings stay as they were.
            await transaction.CommitAsync(cancellationToken);
            return;
        }
        foreach (var item in report.Items)
        {
            await using var upsert = new MySqlCommand(
                """
                INSERT INTO paygw_recon_item (channel, account_id, bill_date, code, order_id, refund_id, channel_amount, gateway_amount,
                                              currency, gateway_status, action, detail, found_at, last_seen_at, resolved_at)
                VALUES (@channel, @account, @date, @code, @order, @refund, @channelAmount, @gatewayAmount, @currency, @gatewayStatus,
                        @action, @detail, @ranAt, @ranAt, @resolvedAt)
                ON DUPLICATE KEY UPDATE channel_amount = VALUES(channel_amount), gateway_amount = VALUES(gateway_amount),
                    currency = VALUES(currency), gateway_status = VALUES(gateway_status), action = VALUES(action),
                    detail = VALUES(detail), last_seen_at = VALUES(last_seen_at), resolved_at = VALUES(resolved_at)
                """, connection, transaction);
            Key(upsert, report);
            upsert.Parameters.AddWithValue("@code", item.Code);
            upsert.Parameters.AddWithValue("@order", item.OrderId);
            upsert.Parameters.AddWithValue("@refund", item.RefundId ?? "");
            upsert.Parameters.AddWithValue("@channelAmount", item.ChannelAmount);
            upsert.Parameters.AddWithValue("@gatewayAmount", item.GatewayAmount);
            upsert.Parameters.AddWithValue("@currency", item.Currency);
            upsert.Parameters.AddWithValue("@gatewayStatus", item.GatewayStatus);
            upsert.Parameters.AddWithValue("@action", item.Action);
            upsert.Parameters.AddWithValue("@detail", item.Detail.Length > 500 ? item.Detail[..500] : item.Detail);
            upsert.Parameters.AddWithValue("@ranAt", ranAt);
            // A healed discrepancy is resolved the moment it is healed; a reported one stays open for an operator.
            upsert.Parameters.AddWithValue("@resolvedAt", item.Action == ReconciliationActions.Healed ? ranAt : null);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var resolve = new MySqlCommand(
            """
            UPDATE paygw_recon_item SET resolved_at = @ranAt
             WHERE channel = @channel AND account_id = @account AND bill_date = @date AND resolved_at IS NULL AND last_seen_at < @ranAt
            """, connection, transaction))
        {
            Key(resolve, report);
            resolve.Parameters.AddWithValue("@ranAt", ranAt);
            await resolve.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The stored report of a day, with the items still open and those healed; null when it never ran.</summary>
    public async Task<ReconciliationReport?> GetAsync(string channel, string accountId, DateOnly billDate, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var run = new MySqlCommand(
            """
            SELECT status, ran_at, statement_lines, matched, channel_totals, gateway_totals, error_code, error_message
              FROM paygw_recon_run WHERE channel = @channel AND account_id = @account AND bill_date = @date
            """, connection);
        Key(run, channel, accountId, billDate);
        string status;
        DateTimeOffset ranAt;
        int lines, matched;
        ImmutableArray<ReconciliationTotals> channelTotals, gatewayTotals;
        string? errorCode, errorMessage;
        await using (var reader = await run.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            status = reader.GetString(0);
            ranAt = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
            lines = reader.GetInt32(2);
            matched = reader.GetInt32(3);
            channelTotals = JsonSerializer.Deserialize<ImmutableArray<ReconciliationTotals>>(reader.GetString(4));
            gatewayTotals = JsonSerializer.Deserialize<ImmutableArray<ReconciliationTotals>>(reader.GetString(5));
            errorCode = reader.IsDBNull(6) ? null : reader.GetString(6);
            errorMessage = reader.IsDBNull(7) ? null : reader.GetString(7);
        }
        await using var itemsCommand = new MySqlCommand(
            """
            SELECT code, order_id, refund_id, channel_amount, gateway_amount, currency, gateway_status, action, detail
              FROM paygw_recon_item
             WHERE channel = @channel AND account_id = @account AND bill_date = @date AND (resolved_at IS NULL OR action = 'healed')
             ORDER BY id
            """, connection);
        Key(itemsCommand, channel, accountId, billDate);
        var items = ImmutableArray.CreateBuilder<ReconciliationItem>();
        await using (var reader = await itemsCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new ReconciliationItem(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2) is { Length: > 0 } refund ? refund : null,
                    reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    reader.GetString(7), reader.GetString(8)));
            }
        }
        return new ReconciliationReport(channel, accountId, billDate, status, ranAt, lines, matched, channelTotals, gatewayTotals,
            items.ToImmutable(), errorCode, errorMessage);
    }

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<List<GatewayOrderRecord>> ReadOrdersAsync(MySqlConnection connection, string where, Action<MySqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand($"SELECT order_id, status, amount, currency, channel, account_id FROM paygw_order WHERE {where}", connection);
        bind(command);
        var orders = new List<GatewayOrderRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            orders.Add(new GatewayOrderRecord(reader.GetString(0), OrderStatusRules.FromWire(reader.GetString(1)), reader.GetInt64(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
        }
        return orders;
    }

    private static async Task<List<GatewayRefundRecord>> ReadRefundsAsync(MySqlConnection connection, string where, Action<MySqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand($"SELECT refund_id, order_id, status, amount, currency, channel, account_id FROM paygw_refund WHERE {where}", connection);
        bind(command);
        var refunds = new List<GatewayRefundRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            refunds.Add(new GatewayRefundRecord(reader.GetString(0), reader.GetString(1), FundsStatusRules.FromWire(reader.GetString(2)), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6)));
        }
        return refunds;
    }

    private static string Placeholders(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"@id{i}"));

    private static void Bind(MySqlCommand command, string[] ids)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            command.Parameters.AddWithValue($"@id{i}", ids[i]);
        }
    }

    private static void Key(MySqlCommand command, ReconciliationReport report) => Key(command, report.Channel, report.AccountId, report.BillDate);

    private static void Key(MySqlCommand command, string channel, string accountId, DateOnly billDate)
    {
        command.Parameters.AddWithValue("@channel", channel);
        command.Parameters.AddWithValue("@account", accountId);
        command.Parameters.AddWithValue("@date", billDate.ToDateTime(TimeOnly.MinValue));
    }
}
