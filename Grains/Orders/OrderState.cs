using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace PayGateway.Orders;

/// <summary>
/// The stored state of one order: one record, one write, so everything that must change together does.
/// Field names are the storage contract (the <c>paygw_order</c> projection reads several of them in SQL):
/// never rename a <c>JsonPropertyName</c>; add new fields instead.
/// </summary>
public sealed record OrderState
{
    [JsonPropertyName("order_id")] public string? OrderId { get; init; }
    [JsonPropertyName("app_id")] public string AppId { get; init; } = "";
    [JsonPropertyName("out_trade_no")] public string OutTradeNo { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "pending";
    [JsonPropertyName("amount")] public long Amount { get; init; }
    [JsonPropertyName("currency")] public string Currency { get; init; } = "";
    [JsonPropertyName("subject")] public string Subject { get; init; } = "";
    [JsonPropertyName("description")] public string? Description { get; init; }
    [JsonPropertyName("method")] public string Method { get; init; } = "";
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";
    [JsonPropertyName("account_id")] public string AccountId { get; init; } = "";
    [JsonPropertyName("notify_url")] public string NotifyUrl { get; init; } = "";
    [JsonPropertyName("return_url")] public string? ReturnUrl { get; init; }
    [JsonPropertyName("user_ip")] public string? UserIp { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("product_id")] public string? ProductId { get; init; }
    [JsonPropertyName("metadata")] public ImmutableSortedDictionary<string, string> Metadata { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>True once the channel answered the create call (accepted, paid or refused).</summary>
    [JsonPropertyName("channel_create_answered")] public bool ChannelCreateAnswered { get; init; }
    [JsonPropertyName("channel_trade_no")] public string? ChannelTradeNo { get; init; }
    [JsonPropertyName("pay_data")] public StoredPayData? PayData { get; init; }
    [JsonPropertyName("failure")] public StoredError? Failure { get; init; }

    [JsonPropertyName("created_at_ms")] public long CreatedAtMs { get; init; }
    [JsonPropertyName("updated_at_ms")] public long UpdatedAtMs { get; init; }
    [JsonPropertyName("expires_at_ms")] public long ExpiresAtMs { get; init; }
    [JsonPropertyName("paid_at_ms")] public long? PaidAtMs { get; init; }
    [JsonPropertyName("closed_at_ms")] public long? ClosedAtMs { get; init; }

    /// <summary>How many supervision queries have been made (picks the next delay from the schedule).</summary>
    [JsonPropertyName("supervision_checks")] public int SupervisionChecks { get; init; }

    /// <summary>
    /// How many times the create was sent again because the channel never answered it. Written before each re-send, so
    /// only an activation whose state is current can send (a stale one fails on the version check first).
    /// </summary>
    [JsonPropertyName("create_resends")] public int CreateResends { get; init; }

    /// <summary>When supervision should next query the channel; null once the order is final.</summary>
    [JsonPropertyName("next_supervision_at_ms")] public long? NextSupervisionAtMs { get; init; }

    /// <summary>Merchant notifications: the outbox, written in the same record as the change that caused them.</summary>
    [JsonPropertyName("notifications")] public ImmutableList<StoredNotification> Notifications { get; init; } = [];

    /// <summary>
    /// The earliest time anything is due (supervision or a notification attempt); null when nothing is. Projected
    /// to <c>paygw_order.next_check_at</c>, which the supervisor shards sweep.
    /// </summary>
    [JsonPropertyName("next_check_at_ms")] public long? NextCheckAtMs { get; init; }

    /// <summary>Every refund of the order, in the order they were requested. Kept here so one write covers the order and its refunds.</summary>
    [JsonPropertyName("refunds")] public ImmutableList<StoredRefund> Refunds { get; init; } = [];

    /// <summary>Sum of succeeded refunds; projected to <c>paygw_order.refunded_amount</c>.</summary>
    [JsonPropertyName("refunded_amount")] public long RefundedAmount { get; init; }

    /// <summary>For a deduction (method AGREEMENT): the gateway contract it charges under; null for every other order.</summary>
    [JsonPropertyName("contract_id")] public string? ContractId { get; init; }

    /// <summary>For a deduction: the channel's number for the contract (Alipay agreement_no, WeChat Pay contract_id).</summary>
    [JsonPropertyName("channel_contract_no")] public string? ChannelContractNo { get; init; }

    /// <summary>
    /// Set while the order is held for an operator: the channel reports it paid with another amount or currency, which
    /// the gateway does not accept as this order's payment. Supervision then neither closes it at expiry nor files the
    /// same answer for review again; cleared when the order becomes final.
    /// </summary>
    [JsonPropertyName("review_hold")] public StoredReviewHold? ReviewHold { get; init; }

    [JsonIgnore] public bool IsDeduction => ContractId is not null;

    [JsonIgnore] public bool Exists => OrderId is not null;
    [JsonIgnore] public OrderStatus StatusValue => OrderStatusRules.FromWire(Status);
}

/// <summary>One webhook event and its delivery. The body is fixed when the event is created: every retry sends the same bytes.</summary>
public sealed record StoredNotification
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    [JsonPropertyName("event_id")] public string EventId { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("body")] public string Body { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = Pending;
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
    [JsonPropertyName("created_at_ms")] public long CreatedAtMs { get; init; }
    [JsonPropertyName("last_attempt_at_ms")] public long? LastAttemptAtMs { get; init; }
    [JsonPropertyName("next_attempt_at_ms")] public long? NextAttemptAtMs { get; init; }
    [JsonPropertyName("delivered_at_ms")] public long? DeliveredAtMs { get; init; }
    [JsonPropertyName("last_error")] public string? LastError { get; init; }
}

/// <summary>One refund of the order. Its id is what the channel knows it by.</summary>
public sealed record StoredRefund
{
    [JsonPropertyName("refund_id")] public string RefundId { get; init; } = "";
    [JsonPropertyName("out_refund_no")] public string OutRefundNo { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "pending";
    [JsonPropertyName("amount")] public long Amount { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    /// <summary>True once the channel answered the refund request (accepted, done or refused).</summary>
    [JsonPropertyName("channel_answered")] public bool ChannelAnswered { get; init; }
    [JsonPropertyName("channel_refund_no")] public string? ChannelRefundNo { get; init; }
    [JsonPropertyName("failure")] public StoredError? Failure { get; init; }
    [JsonPropertyName("created_at_ms")] public long CreatedAtMs { get; init; }
    [JsonPropertyName("updated_at_ms")] public long UpdatedAtMs { get; init; }
    [JsonPropertyName("succeeded_at_ms")] public long? SucceededAtMs { get; init; }
    [JsonPropertyName("checks")] public int Checks { get; init; }
    /// <summary>When supervision should next ask the channel; null once final.</summary>
    [JsonPropertyName("next_check_at_ms")] public long? NextCheckAtMs { get; init; }
    /// <summary>
    /// How many times the refund was sent again because the channel held no such refund (or, Alipay, none that
    /// succeeded). Written before each re-send, so only an activation whose state is current can send.
    /// </summary>
    [JsonPropertyName("resends")] public int Resends { get; init; }

    [JsonIgnore] public FundsStatus StatusValue => FundsStatusRules.FromWire(Status);
}

/// <summary>The channel's answer an order is held for (see <see cref="OrderState.ReviewHold"/>); compared to tell a new answer from a repeat.</summary>
public sealed record StoredReviewHold(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("reported_amount")] long? ReportedAmount,
    [property: JsonPropertyName("reported_currency")] string? ReportedCurrency,
    [property: JsonPropertyName("since_ms")] long SinceMs);

public sealed record StoredPayData(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("content")] string Content);

public sealed record StoredError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);
