using System.Collections.Immutable;
using System.Text.Json.Serialization;
using PayGateway.Orders;

namespace PayGateway.Transfers;

/// <summary>
/// The stored state of one transfer: one record, one write. Field names are the storage contract (the
/// <c>paygw_transfer</c> projection reads several of them in SQL): never rename a <c>JsonPropertyName</c>.
/// </summary>
public sealed record TransferState
{
    [JsonPropertyName("transfer_id")] public string? TransferId { get; init; }
    [JsonPropertyName("app_id")] public string AppId { get; init; } = "";
    [JsonPropertyName("out_transfer_no")] public string OutTransferNo { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "pending";
    [JsonPropertyName("amount")] public long Amount { get; init; }
    [JsonPropertyName("currency")] public string Currency { get; init; } = "";
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";
    [JsonPropertyName("account_id")] public string AccountId { get; init; } = "";
    [JsonPropertyName("payee_type")] public string PayeeType { get; init; } = "";
    [JsonPropertyName("payee_account")] public string PayeeAccount { get; init; } = "";
    [JsonPropertyName("payee_name")] public string? PayeeName { get; init; }
    [JsonPropertyName("remark")] public string? Remark { get; init; }
    [JsonPropertyName("notify_url")] public string NotifyUrl { get; init; } = "";
    /// <summary>True once the channel answered the transfer request (accepted, done or refused).</summary>
    [JsonPropertyName("channel_answered")] public bool ChannelAnswered { get; init; }
    [JsonPropertyName("channel_transfer_no")] public string? ChannelTransferNo { get; init; }
    [JsonPropertyName("failure")] public StoredError? Failure { get; init; }
    [JsonPropertyName("created_at_ms")] public long CreatedAtMs { get; init; }
    [JsonPropertyName("updated_at_ms")] public long UpdatedAtMs { get; init; }
    [JsonPropertyName("succeeded_at_ms")] public long? SucceededAtMs { get; init; }
    [JsonPropertyName("checks")] public int Checks { get; init; }
    /// <summary>
    /// How many times the transfer was sent again because the channel held no such transfer. Written before each
    /// re-send, so only an activation whose state is current can send (see <c>TransferGrain.AskThenSendAsync</c>).
    /// </summary>
    [JsonPropertyName("resends")] public int Resends { get; init; }
    /// <summary>When supervision should next ask the channel; null once final.</summary>
    [JsonPropertyName("next_supervision_at_ms")] public long? NextSupervisionAtMs { get; init; }
    [JsonPropertyName("notifications")] public ImmutableList<StoredNotification> Notifications { get; init; } = [];
    /// <summary>The earliest time anything is due; projected to <c>paygw_transfer.next_check_at</c> for the sweep.</summary>
    [JsonPropertyName("next_check_at_ms")] public long? NextCheckAtMs { get; init; }

    [JsonIgnore] public bool Exists => TransferId is not null;
    [JsonIgnore] public FundsStatus StatusValue => FundsStatusRules.FromWire(Status);
}
