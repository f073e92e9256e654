namespace PayGateway.Reliability;

/// <summary>One row of the <c>paygw_order</c> projection.</summary>
public sealed record ProjectedOrder(
    string OrderId,
    string AppId,
    string OutTradeNo,
    string Status,
    long Amount,
    string Currency,
    string Channel,
    string AccountId,
    DateTime? NextCheckAt,
    int StateVersion);

/// <summary>
/// One order grain's stored state (a <c>paygw_projected_state</c> row with GrainTypeString 'order'), read from its JSON by
/// the stored field names. <see cref="ParseError"/> is set when the payload could not be read at all.
/// </summary>
public sealed record StoredOrder(
    string GrainKey,
    int Version,
    string? OrderId,
    string? AppId,
    string? OutTradeNo,
    string? Status,
    long Amount,
    string? Currency,
    string? Channel,
    string? AccountId,
    string? NotifyUrl,
    long? NextSupervisionAtMs,
    long? NextCheckAtMs,
    IReadOnlyList<StoredNotificationRecord> Notifications,
    string? ParseError,
    IReadOnlyList<StoredRefundRecord>? Refunds = null)
{
    public IReadOnlyList<StoredRefundRecord> RefundList => Refunds ?? [];
}

/// <summary>One refund inside an order's state.</summary>
public sealed record StoredRefundRecord(string RefundId, string Status, long Amount, long? NextCheckAtMs);

/// <summary>One entry of an order's notification outbox.</summary>
public sealed record StoredNotificationRecord(string EventId, string Type, string Body, string Status, int Attempts, long? NextAttemptAtMs);

/// <summary>A <c>paygw_review_item</c> row (rejected callbacks, contradictions).</summary>
public sealed record ReviewItem(string Kind, string? OrderId, string Code);

/// <summary>What the gateway's database holds at one moment.</summary>
public sealed record GatewaySnapshot(
    DateTimeOffset TakenAt,
    IReadOnlyList<ProjectedOrder> Projection,
    IReadOnlyList<StoredOrder> Orders,
    IReadOnlyList<ReviewItem> ReviewItems,
    IReadOnlyList<StoredTransfer>? Transfers = null,
    IReadOnlyList<StoredContract>? Contracts = null)
{
    public IReadOnlyList<StoredTransfer> TransferList => Transfers ?? [];

    public IReadOnlyList<StoredContract> ContractList => Contracts ?? [];
}

/// <summary>
/// One contract grain's stored state (GrainTypeString 'contract'), read by its JSON field names.
/// <paramref name="ChannelTerminationPending"/>: a closed contract still owes the channel the termination of a late-signed agreement.
/// </summary>
public sealed record StoredContract(string? ContractId, string? Status, int? MaxDeductions, int DeductionsSucceeded, long? NextActionAtMs, long? NextCheckAtMs,
    IReadOnlyList<StoredDeductionRecord> Deductions, IReadOnlyList<StoredNotificationRecord> Notifications, bool ChannelTerminationPending = false);

/// <summary>One deduction attempt inside a contract's state.</summary>
public sealed record StoredDeductionRecord(int Period, int Attempt, string OutTradeNo, string? OrderId, string Status);

/// <summary>One transfer grain's stored state (GrainTypeString 'transfer'), read by its JSON field names.</summary>
public sealed record StoredTransfer(string? TransferId, string? AppId, string? Status, long Amount, long? NextSupervisionAtMs, long? NextCheckAtMs,
    IReadOnlyList<StoredNotificationRecord> Notifications);

/// <summary>One channel-side event as the simulator recorded it (kinds: create, query, close, charge, callback_sent).</summary>
/// <remarks>For <c>refunded</c> records, <see cref="TradeNo"/> is the merchant refund number (the gateway refund id).</remarks>
public sealed record ChannelRecord(string Kind, string MerchantId, string? OutTradeNo, long? Amount, string? Currency, int ResponseStatus, string? Result, string? TradeNo = null);

/// <summary>One POST the merchant's webhook endpoint received, and the status it answered.</summary>
public sealed record WebhookDelivery(string EventId, string Body, int AnsweredWith);

/// <summary>
/// What a merchant (the load driver, a test) saw for one request: the HTTP status, and the order id and status if
/// the answer carried an order. I6 says an error allows either outcome, but everything must then agree.
/// </summary>
public sealed record CallerObservation(string AppId, string OutTradeNo, int HttpStatus, string? OrderId, string? Status, string? ErrorCode);

/// <summary>Everything the checker looks at. Records that are not available are left empty and their checks skipped.</summary>
public sealed record CheckInput
{
    public required GatewaySnapshot Gateway { get; init; }

    /// <summary>Earlier snapshots, oldest first, for I5 (nothing moves backwards between them and <see cref="Gateway"/>).</summary>
    public IReadOnlyList<GatewaySnapshot> History { get; init; } = [];

    public IReadOnlyList<ChannelRecord> Channel { get; init; } = [];

    /// <summary>False when the simulator's records are not part of this check (then I2, I3 are skipped).</summary>
    public bool HasChannelRecords { get; init; } = true;

    public IReadOnlyList<WebhookDelivery> Webhooks { get; init; } = [];

    public IReadOnlyList<CallerObservation> Callers { get; init; } = [];
}

/// <summary>How strict to be, and how gateway accounts map to channel merchants.</summary>
public sealed record CheckOptions
{
    /// <summary>The channel's merchant id for each gateway channel account ("mock/acc-1" → "sim-merchant-1"), for I3.</summary>
    public IReadOnlyDictionary<string, string> ChannelMerchantByAccount { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Orders whose notify_url starts with this are expected at <see cref="CheckInput.Webhooks"/>: a notification
    /// stored as delivered must have been received there with a 2xx. Null: that comparison is skipped.
    /// </summary>
    public string? WebhookUrlPrefix { get; init; }

    /// <summary>An open order whose next check is more than this overdue is reported (I1: supervision is not keeping up). Null: not checked.</summary>
    public TimeSpan? MaxOverdue { get; init; }

    /// <summary>Notifications that exhausted their schedule ("failed") are allowed (scenario 11); otherwise they violate I4.</summary>
    public bool AllowFailedNotifications { get; init; }

    /// <summary>Require every order to be final (the run is over and has settled), not merely supervised.</summary>
    public bool RequireFinal { get; init; }

    /// <summary>Only orders this accepts are checked (tests sharing a database); null checks everything.</summary>
    public Func<string, bool>? OrderScope { get; init; }
}
