namespace PayGateway.Channels;

/// <summary>
/// What a channel reports about a recurring-payment contract (Alipay 周期扣款/商家扣款 agreement, WeChat Pay 委托代扣
/// papay contract, a mock contract).
/// </summary>
public enum ChannelContractState
{
    /// <summary>The channel has no such contract (never signed, or the sign page was never completed).</summary>
    NotFound,
    /// <summary>The channel knows the contract but it is not yet in force (Alipay <c>TEMP</c>).</summary>
    Pending,
    /// <summary>In force: deductions may be made under it (Alipay <c>NORMAL</c>, WeChat Pay <c>contract_state=0</c>).</summary>
    Signed,
    /// <summary>Ended by the payer, the merchant or the channel (Alipay <c>STOP</c>/<c>UNSIGN</c>, WeChat Pay <c>DELETE</c>). Final.</summary>
    Terminated,
    /// <summary>Timeout, transport error, 5xx, unverifiable answer: ask again later.</summary>
    Unknown,
}

/// <summary>
/// How often a contract is charged. <paramref name="Unit"/> is <c>DAY</c> or <c>MONTH</c> (Alipay's <c>period_type</c>);
/// the gateway charges every <paramref name="Every"/> units from <paramref name="FirstDeductionDate"/> (a Beijing-time
/// calendar date, the channels' day).
/// </summary>
public sealed record ChannelContractPeriod(string Unit, int Every, DateOnly FirstDeductionDate);

/// <summary>
/// What the gateway asks a channel to start: a sign page (or app parameters) the payer completes at the channel.
/// <paramref name="ContractId"/> is the gateway contract id and is sent as the channel's merchant number for the
/// contract (Alipay <c>external_agreement_no</c>, WeChat Pay <c>contract_code</c>): the channel deduplicates on it
/// and names it in its sign notification.
/// </summary>
/// <param name="Method">How the payer signs: <see cref="PayMethod.WEB"/>, <see cref="PayMethod.WAP"/>, <see cref="PayMethod.APP"/> or <see cref="PayMethod.QR_CODE"/>.</param>
/// <param name="AmountPerDeduction">The most one deduction may take, in minor units of <paramref name="Currency"/> (Alipay <c>single_amount</c>).</param>
/// <param name="MaxDeductions">The most successful deductions the contract allows (Alipay <c>total_payments</c>); null for no limit.</param>
/// <param name="DisplayAccount">What the payer sees as the account being charged for (Alipay <c>external_logon_id</c>, WeChat Pay <c>contract_display_account</c>).</param>
/// <param name="RequestedAt">When the gateway recorded the contract: the same on every retry (WeChat Pay's <c>request_serial</c> and <c>timestamp</c>).</param>
/// <param name="ExpiresAt">The sign page should stop working by then; the gateway closes the contract unsigned after it.</param>
public sealed record ChannelSignRequest(
    string ContractId,
    PayMethod Method,
    string Currency,
    long AmountPerDeduction,
    int? MaxDeductions,
    ChannelContractPeriod Period,
    string DisplayAccount,
    string? ReturnUrl,
    string? UserIp,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt);

/// <summary>
/// The answer to starting a contract: <see cref="ChannelOutcome.Accepted"/> with what the payer needs to sign
/// (<see cref="SignData"/>), <see cref="ChannelOutcome.Failed"/> when the channel refused, or
/// <see cref="ChannelOutcome.Unknown"/>.
/// </summary>
public sealed record ChannelSignResult(
    ChannelOutcome Outcome,
    PayData? SignData = null,
    string? ErrorCode = null,
    string? ErrorMessage = null)
{
    public static ChannelSignResult Unknown(string reason) => new(ChannelOutcome.Unknown, ErrorCode: "CHANNEL_UNKNOWN", ErrorMessage: reason);
}

/// <summary>
/// What the gateway knows to ask about a contract: its own id, and the channel's number for it once known (Alipay
/// <c>agreement_no</c>, WeChat Pay <c>contract_id</c>). Account-level contract settings (Alipay product code and sign
/// scene, WeChat Pay plan id) come from the channel account.
/// </summary>
public sealed record ChannelContractRef(string ContractId, string? ChannelContractNo);

/// <summary>The channel's truth about one contract, from a query or a termination.</summary>
public sealed record ChannelContractResult(
    ChannelContractState State,
    string? ChannelContractNo = null,
    DateTimeOffset? SignedAt = null,
    DateTimeOffset? TerminatedAt = null,
    string? ErrorCode = null,
    string? ErrorMessage = null)
{
    public static ChannelContractResult Unknown(string reason) => new(ChannelContractState.Unknown, ErrorCode: "CHANNEL_UNKNOWN", ErrorMessage: reason);
}

/// <summary>
/// A verified, decoded notification that a contract was signed or terminated (Alipay <c>dut_user_sign</c> /
/// <c>dut_user_unsign</c>, WeChat Pay contract notify with <c>change_type</c> ADD / DELETE).
/// </summary>
public sealed record ChannelContractCallback(
    string ContractId,
    ChannelContractState State,
    string? ChannelContractNo,
    string ChannelMerchantId,
    DateTimeOffset? At,
    string? ChannelEventId);

/// <summary>
/// One deduction under a signed contract. <paramref name="OrderId"/> is a normal gateway order id (out_trade_no at the
/// channel), so the deduction's result arrives, is queried and is reconciled like any payment of that order.
/// </summary>
/// <param name="RequestedAt">When the gateway recorded the deduction order (its creation time).</param>
public sealed record ChannelDeductionRequest(
    string OrderId,
    string ContractId,
    string ChannelContractNo,
    long Amount,
    string Currency,
    string Subject,
    string? UserIp,
    DateTimeOffset RequestedAt);

/// <summary>What a channel said about moving a contract's planned deduction date.</summary>
public enum ChannelPlanState
{
    /// <summary>The channel's plan is now on the requested date (moved now, or found there already).</summary>
    Moved,
    /// <summary>The contract has no plan at the channel (Alipay 商家扣款, WeChat Pay papay, mock): deductions are not tied to a date.</summary>
    NoPlan,
    /// <summary>The channel definitively refused the move, and its plan is not on the requested date.</summary>
    Refused,
    /// <summary>Timeout, transport error, unverifiable answer: the plan may or may not have moved; ask again later.</summary>
    Unknown,
}

/// <summary>The answer to <see cref="IContractChannel.MoveDeductionPlanAsync"/>.</summary>
public sealed record ChannelPlanResult(ChannelPlanState State, string? ErrorCode = null, string? ErrorMessage = null)
{
    public static ChannelPlanResult NoPlan { get; } = new(ChannelPlanState.NoPlan);

    public static ChannelPlanResult Unknown(string reason) => new(ChannelPlanState.Unknown, "CHANNEL_UNKNOWN", reason);
}

/// <summary>
/// Channels that can sign recurring-payment contracts and charge under them implement this next to
/// <see cref="IPaymentChannel"/>. Same contract: never throw for a channel-side outcome; Failed, NotFound and
/// Terminated only when the channel said so verifiably; secrets never logged.
/// </summary>
public interface IContractChannel
{
    /// <summary>Currencies contracts can be signed in on this channel.</summary>
    IReadOnlyCollection<string> ContractCurrencies { get; }

    /// <summary>Sign methods (<see cref="ChannelSignRequest.Method"/>) this channel offers.</summary>
    IReadOnlyCollection<PayMethod> SignMethods { get; }

    /// <summary>Builds (or asks the channel for) what the payer needs to sign. Safe to repeat for the same contract id.</summary>
    Task<ChannelSignResult> StartSigningAsync(ChannelAccount account, ChannelSignRequest request, CancellationToken cancellationToken);

    /// <summary>Asks the channel for the current truth about a contract.</summary>
    Task<ChannelContractResult> QueryContractAsync(ChannelAccount account, ChannelContractRef contract, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the contract at the channel (the merchant's termination). Answers <see cref="ChannelContractState.Terminated"/>
    /// when the channel confirms it ended (also when it had already ended), and Unknown when that is not certain.
    /// </summary>
    Task<ChannelContractResult> TerminateContractAsync(ChannelAccount account, ChannelContractRef contract, string? reason, CancellationToken cancellationToken);

    /// <summary>
    /// Charges under a signed contract. Answers like <see cref="IPaymentChannel.CreatePaymentAsync"/>: Succeeded when the
    /// channel took the money synchronously, Accepted when it is processing, Failed only on a definitive refusal. Safe to
    /// repeat with the same order id (the channel deduplicates on out_trade_no).
    /// </summary>
    Task<ChannelPaymentResult> DeductAsync(ChannelAccount account, ChannelDeductionRequest request, CancellationToken cancellationToken);

    /// <summary>Asks the channel for the current truth about a deduction (some channels query deductions by a different API than payments).</summary>
    Task<ChannelQueryResult> QueryDeductionAsync(ChannelAccount account, ChannelDeductionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the channel's planned date of the contract's next deduction to <paramref name="date"/> (a Beijing date),
    /// for channels that refuse a deduction off their plan (Alipay 周期扣款). The gateway calls it when it gave up or
    /// skipped a period, which such a plan never does by itself. Safe to repeat: a plan already on the date is
    /// <see cref="ChannelPlanState.Moved"/>. <see cref="ChannelPlanState.NoPlan"/> when the contract has no plan.
    /// </summary>
    Task<ChannelPlanResult> MoveDeductionPlanAsync(ChannelAccount account, ChannelContractRef contract, DateOnly date, CancellationToken cancellationToken);
}
