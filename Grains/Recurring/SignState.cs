using System.Collections.Immutable;
using System.Text.Json.Serialization;
using PayGateway.Orders;

namespace PayGateway.Recurring;

/// <summary>
/// The stored state of one recurring-payment contract: one record, one write, so the contract's status, its
/// deductions and its merchant notifications always change together. Field names are the storage contract (the
/// <c>paygw_contract</c> projection reads several of them in SQL): never rename a <c>JsonPropertyName</c>.
/// </summary>
public sealed record SignState
{
    [JsonPropertyName("contract_id")] public string? ContractId { get; init; }
    [JsonPropertyName("app_id")] public string AppId { get; init; } = "";
    [JsonPropertyName("out_contract_no")] public string OutContractNo { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "signing";
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";
    [JsonPropertyName("account_id")] public string AccountId { get; init; } = "";
    [JsonPropertyName("method")] public string Method { get; init; } = "";
    [JsonPropertyName("amount")] public long Amount { get; init; }
    [JsonPropertyName("currency")] public string Currency { get; init; } = "";
    [JsonPropertyName("period_unit")] public string PeriodUnit { get; init; } = "";
    [JsonPropertyName("period_every")] public int PeriodEvery { get; init; }
    /// <summary>yyyy-MM-dd, a Beijing-time date.</summary>
    [JsonPropertyName("first_deduction_date")] public string FirstDeductionDate { get; init; } = "";
    [JsonPropertyName("max_deductions")] public int? MaxDeductions { get; init; }
    [JsonPropertyName("display_account")] public string DisplayAccount { get; init; } = "";
    [JsonPropertyName("subject")] public string Subject { get; init; } = "";
    [JsonPropertyName("notify_url")] public string NotifyUrl { get; init; } = "";
    [JsonPropertyName("return_url")] public string? ReturnUrl { get; init; }
    [JsonPropertyName("user_ip")] public string? UserIp { get; init; }
    [JsonPropertyName("metadata")] public ImmutableSortedDictionary<string, string> Metadata { get; init; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>True once the channel answered the start of signing (accepted or refused).</summary>
    [JsonPropertyName("channel_sign_answered")] public bool ChannelSignAnswered { get; init; }
    [JsonPropertyName("sign_data")] public StoredPayData? SignData { get; init; }
    /// <summary>The channel's number for the contract (Alipay agreement_no, WeChat Pay contract_id), once signed.</summary>
    [JsonPropertyName("channel_contract_no")] public string? ChannelContractNo { get; init; }
    [JsonPropertyName("failure")] public StoredError? Failure { get; init; }

    [JsonPropertyName("created_at_ms")] public long CreatedAtMs { get; init; }
    [JsonPropertyName("updated_at_ms")] public long UpdatedAtMs { get; init; }
    [JsonPropertyName("sign_expires_at_ms")] public long SignExpiresAtMs { get; init; }
    [JsonPropertyName("signed_at_ms")] public long? SignedAtMs { get; init; }
    [JsonPropertyName("terminated_at_ms")] public long? TerminatedAtMs { get; init; }

    /// <summary>The 1-based period the next deduction is for; advances after a success or after the period's last failed attempt.</summary>
    [JsonPropertyName("next_period")] public int NextPeriod { get; init; } = 1;
    [JsonPropertyName("deductions_succeeded")] public int DeductionsSucceeded { get; init; }
    /// <summary>Every deduction attempt, oldest first. At most one is open (pending) at a time.</summary>
    [JsonPropertyName("deductions")] public ImmutableList<StoredDeduction> Deductions { get; init; } = [];

    /// <summary>
    /// The last move of the channel's deduction plan the gateway asked for (Alipay 周期扣款 keeps the date of the next
    /// deduction and refuses any other; see <see cref="ContractSchedule.ChannelPlanPeriod"/>); null while none was needed.
    /// </summary>
    [JsonPropertyName("plan_move")] public StoredPlanMove? PlanMove { get; init; }

    /// <summary>
    /// Set while a closed contract still has an agreement in force at the channel (the payer signed after the gateway
    /// gave up on it) and the channel has not yet confirmed its termination: the next action tries again.
    /// </summary>
    [JsonPropertyName("pending_channel_termination")] public StoredChannelTermination? PendingChannelTermination { get; init; }

    /// <summary>How many channel queries of the unsigned contract have been made (picks the next delay).</summary>
    [JsonPropertyName("checks")] public int Checks { get; init; }
    /// <summary>When the grain next has work of its own (a query, a deduction to start or follow); null when none.</summary>
    [JsonPropertyName("next_action_at_ms")] public long? NextActionAtMs { get; init; }
    [JsonPropertyName("notifications")] public ImmutableList<StoredNotification> Notifications { get; init; } = [];
    /// <summary>The earliest time anything is due; projected to <c>paygw_contract.next_check_at</c> for the sweep.</summary>
    [JsonPropertyName("next_check_at_ms")] public long? NextCheckAtMs { get; init; }

    [JsonIgnore] public bool Exists => ContractId is not null;
    [JsonIgnore] public ContractStatus StatusValue => ContractStatusRules.FromWire(Status);
    [JsonIgnore] public StoredDeduction? OpenDeduction => Deductions.LastOrDefault(d => d.Status == StoredDeduction.Pending);
}

/// <summary>One deduction attempt: the order the contract created for a period.</summary>
public sealed record StoredDeduction
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    [JsonPropertyName("period")] public int Period { get; init; }
    [JsonPropertyName("attempt")] public int Attempt { get; init; }
    [JsonPropertyName("out_trade_no")] public string OutTradeNo { get; init; } = "";
    /// <summary>Null until the order was created (a crash in between is repaired by creating it again: same out_trade_no).</summary>
    [JsonPropertyName("order_id")] public string? OrderId { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = Pending;
    [JsonPropertyName("created_at_ms")] public long CreatedAtMs { get; init; }
    /// <summary>The order's expiry, fixed when the attempt is recorded so a repeated create is the identical request.</summary>
    [JsonPropertyName("expire_seconds")] public int ExpireSeconds { get; init; }
    [JsonPropertyName("failure")] public StoredError? Failure { get; init; }
}

/// <summary>A termination at the channel the gateway still owes: the agreement a late signature put in force.</summary>
public sealed record StoredChannelTermination
{
    /// <summary>The channel's number for the agreement, as its sign notification named it.</summary>
    [JsonPropertyName("channel_contract_no")] public string? ChannelContractNo { get; init; }
    /// <summary>Terminations tried without the channel's confirmation (picks the next delay).</summary>
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
}

/// <summary>
/// A move of the channel's planned deduction date to a period's date, recorded before the channel is asked
/// (<see cref="Pending"/>) and kept with the channel's answer.
/// </summary>
public sealed record StoredPlanMove
{
    public const string Pending = "pending";
    /// <summary>The channel's plan is on the period's date.</summary>
    public const string Moved = "moved";
    /// <summary>The channel refused, and its plan is elsewhere: an operator has a review item.</summary>
    public const string Refused = "refused";
    /// <summary>The contract has no plan at the channel: no move is ever needed.</summary>
    public const string NoPlan = "no_plan";

    /// <summary>The period whose date the plan moves to.</summary>
    [JsonPropertyName("period")] public int Period { get; init; }
    /// <summary>yyyy-MM-dd, a Beijing-time date: the period's date.</summary>
    [JsonPropertyName("date")] public string Date { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = Pending;
    /// <summary>Calls made for this move without a certain answer (picks the next delay).</summary>
    [JsonPropertyName("attempts")] public int Attempts { get; init; }
    [JsonPropertyName("failure")] public StoredError? Failure { get; init; }
}
