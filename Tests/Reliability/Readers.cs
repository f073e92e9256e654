using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MySqlConnector;

namespace PayGateway.Reliability;

/// <summary>Reads what the gateway stored: the order projection, order grain states (by their JSON field names) and review items.</summary>
public static class GatewayStateReader
{
    public static async Task<GatewaySnapshot> ReadAsync(string connectionString, string? serviceId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // One consistent read view for all three tables.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var takenAt = DateTimeOffset.UtcNow;

        var projection = new List<ProjectedOrder>();
        await using (var command = new MySqlCommand(
            "SELECT order_id, app_id, out_trade_no, status, amount, currency, channel, account_id, next_check_at, state_version FROM paygw_order",
            connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                projection.Add(new ProjectedOrder(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetInt64(4), reader.GetString(5), reader.GetString(6), reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetDateTime(8), reader.GetInt32(9)));
            }
        }

        var orders = new List<StoredOrder>();
        await using (var command = new MySqlCommand(
            "SELECT GrainIdExtensionString, Version, PayloadBinary FROM paygw_projected_state WHERE GrainTypeString = 'order'" +
            (serviceId is null ? "" : " AND ServiceId = @service"), connection, transaction))
        {
            if (serviceId is not null)
            {
                command.Parameters.AddWithValue("@service", serviceId);
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.IsDBNull(0) ? "" : reader.GetString(0);
                var payload = reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2);
                orders.Add(StoredOrderJson.Parse(key, reader.GetInt32(1), payload));
            }
        }

        var transfers = await ReadStatesAsync(connection, transaction, "transfer", serviceId, StoredOrderJson.ParseTransfer, cancellationToken);
        var contracts = await ReadStatesAsync(connection, transaction, "contract", serviceId, StoredOrderJson.ParseContract, cancellationToken);

        var reviews = new List<ReviewItem>();
        await using (var command = new MySqlCommand("SELECT kind, order_id, code FROM paygw_review_item", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                reviews.Add(new ReviewItem(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return new GatewaySnapshot(takenAt, projection, orders, reviews, transfers, contracts);
    }

    /// <summary>Every stored state of one projected state name (<c>transfer</c>, <c>contract</c>), parsed, in the snapshot's transaction.</summary>
    private static async Task<List<T>> ReadStatesAsync<T>(MySqlConnection connection, MySqlTransaction transaction, string stateName, string? serviceId,
        Func<byte[], T> parse, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SELECT PayloadBinary FROM paygw_projected_state WHERE GrainTypeString = @type AND PayloadBinary IS NOT NULL" +
            (serviceId is null ? "" : " AND ServiceId = @service"), connection, transaction);
        command.Parameters.AddWithValue("@type", stateName);
        if (serviceId is not null)
        {
            command.Parameters.AddWithValue("@service", serviceId);
        }
        var states = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(parse((byte[])reader.GetValue(0)));
        }
        return states;
    }

    /// <summary>
    /// A fingerprint of tables that must not change (row count and a hash over every row, ordered by key), to prove
    /// that refused requests changed nothing.
    /// </summary>
    public static async Task<string> FingerprintAsync(string connectionString, bool includeReviewItems = true, CancellationToken cancellationToken = default)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var text = new StringBuilder();
        foreach (var (table, query) in new[]
        {
            ("paygw_order", "SELECT order_id, status, amount, state_version, IFNULL(next_check_at, '') FROM paygw_order ORDER BY order_id"),
            ("OrleansStorage", "SELECT HEX(IdentityHash), GrainTypeString, Version, SHA2(IFNULL(PayloadBinary, ''), 256) FROM OrleansStorage ORDER BY IdentityHash"),
            ("paygw_projected_state", "SELECT HEX(IdentityHash), GrainTypeString, Version, SHA2(IFNULL(PayloadBinary, ''), 256) FROM paygw_projected_state ORDER BY IdentityHash"),
            ("paygw_review_item", "SELECT id, kind, code, IFNULL(order_id, '') FROM paygw_review_item ORDER BY id"),
        })
        {
            if (table == "paygw_review_item" && !includeReviewItems)
            {
                continue;
            }
            await using var command = new MySqlCommand(query, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    hash.AppendData(Encoding.UTF8.GetBytes(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) + "\u001f"));
                }
                hash.AppendData("\n"u8);
            }
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{table}:{rows}:{Convert.ToHexStringLower(hash.GetHashAndReset())[..16]} ");
        }
        return text.ToString().TrimEnd();
    }
}

/// <summary>Reads a stored order state by the field names of the storage contract, independently of the gateway's own types.</summary>
public static class StoredOrderJson
{
    public static StoredOrder Parse(string grainKey, int version, byte[]? payload)
    {
        if (payload is null)
        {
            return Broken("no payload (cleared state)");
        }
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Broken($"payload is a JSON {root.ValueKind}, not an object");
            }
            var notifications = new List<StoredNotificationRecord>();
            if (root.TryGetProperty("notifications", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var n in list.EnumerateArray())
                {
                    notifications.Add(new StoredNotificationRecord(Str(n, "event_id") ?? "", Str(n, "type") ?? "", Str(n, "body") ?? "",
                        Str(n, "status") ?? "", (int)(Long(n, "attempts") ?? 0), Long(n, "next_attempt_at_ms")));
                }
            }
            var refunds = new List<StoredRefundRecord>();
            if (root.TryGetProperty("refunds", out var refundList) && refundList.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in refundList.EnumerateArray())
                {
                    refunds.Add(new StoredRefundRecord(Str(r, "refund_id") ?? "", Str(r, "status") ?? "", Long(r, "amount") ?? 0, Long(r, "next_check_at_ms")));
                }
            }
            return new StoredOrder(grainKey, version, Str(root, "order_id"), Str(root, "app_id"), Str(root, "out_trade_no"), Str(root, "status"),
                Long(root, "amount") ?? 0, Str(root, "currency"), Str(root, "channel"), Str(root, "account_id"), Str(root, "notify_url"),
                Long(root, "next_supervision_at_ms"), Long(root, "next_check_at_ms"), notifications, null, refunds);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return Broken(ex.Message);
        }

        StoredOrder Broken(string why) => new(grainKey, version, null, null, null, null, 0, null, null, null, null, null, null, [], why);
    }

    /// <summary>A transfer's state by its JSON field names (same outbox layout as an order's).</summary>
    public static StoredTransfer ParseTransfer(byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        return new StoredTransfer(Str(root, "transfer_id"), Str(root, "app_id"), Str(root, "status"), Long(root, "amount") ?? 0,
            Long(root, "next_supervision_at_ms"), Long(root, "next_check_at_ms"), Notifications(root));
    }

    /// <summary>A contract's state by its JSON field names: its deduction attempts and its outbox.</summary>
    public static StoredContract ParseContract(byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        var deductions = new List<StoredDeductionRecord>();
        if (root.TryGetProperty("deductions", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var d in list.EnumerateArray())
            {
                deductions.Add(new StoredDeductionRecord((int)(Long(d, "period") ?? 0), (int)(Long(d, "attempt") ?? 0), Str(d, "out_trade_no") ?? "",
                    Str(d, "order_id"), Str(d, "status") ?? ""));
            }
        }
        return new StoredContract(Str(root, "contract_id"), Str(root, "status"), (int?)Long(root, "max_deductions"), (int)(Long(root, "deductions_succeeded") ?? 0),
            Long(root, "next_action_at_ms"), Long(root, "next_check_at_ms"), deductions, Notifications(root),
            root.TryGetProperty("pending_channel_termination", out var owed) && owed.ValueKind == JsonValueKind.Object);
    }

    private static List<StoredNotificationRecord> Notifications(JsonElement root)
    {
        var notifications = new List<StoredNotificationRecord>();
        if (root.TryGetProperty("notifications", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var n in list.EnumerateArray())
            {
                notifications.Add(new StoredNotificationRecord(Str(n, "event_id") ?? "", Str(n, "type") ?? "", Str(n, "body") ?? "",
                    Str(n, "status") ?? "", (int)(Long(n, "attempts") ?? 0), Long(n, "next_attempt_at_ms")));
            }
        }
        return notifications;
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static long? Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null;
}

/// <summary>Reads the channel simulator's records through its control API (<c>GET /mock/control/records</c>).</summary>
public static class SimulatorRecordsClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record Wire(
        [property: JsonPropertyName("kind")] string Kind,
        [property: JsonPropertyName("merchant_id")] string? MerchantId,
        [property: JsonPropertyName("out_trade_no")] string? OutTradeNo,
        [property: JsonPropertyName("amount")] long? Amount,
        [property: JsonPropertyName("currency")] string? Currency,
        [property: JsonPropertyName("response_status")] int ResponseStatus,
        [property: JsonPropertyName("result")] string? Result,
        [property: JsonPropertyName("trade_no")] string? TradeNo);

    public static async Task<IReadOnlyList<ChannelRecord>> ReadAsync(HttpClient http, Uri simulator, CancellationToken cancellationToken = default)
    {
        var records = await http.GetFromJsonAsync<List<Wire>>(new Uri(simulator, "mock/control/records"), Json, cancellationToken) ?? [];
        return [.. records.Select(r => new ChannelRecord(r.Kind, r.MerchantId ?? "", r.OutTradeNo, r.Amount, r.Currency, r.ResponseStatus, r.Result, r.TradeNo))];
    }
}
