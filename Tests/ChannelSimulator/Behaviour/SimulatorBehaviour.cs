namespace PayGateway.ChannelSimulator.Behaviour;

/// <summary>Names of the operations a behaviour can be limited to.</summary>
public static class SimulatorOperation
{
    public const string Create = "create";
    public const string Query = "query";
    public const string Close = "close";
    public const string Callback = "callback";
    public const string Refund = "refund";
    public const string RefundQuery = "refund_query";
    public const string Transfer = "transfer";
    public const string TransferQuery = "transfer_query";
    public const string Statement = "statement";
    public const string ContractCreate = "contract_create";
    public const string ContractQuery = "contract_query";
    public const string ContractTerminate = "contract_terminate";
    public const string Deduct = "deduct";
}

/// <summary>A signed business error the simulator returns instead of doing the operation.</summary>
/// <param name="Code">Error code: mock e.g. <c>INSUFFICIENT_BALANCE</c>; Alipay the <c>code</c>, e.g. <c>40004</c> or <c>20000</c>.</param>
/// <param name="Message">Human-readable message (Alipay: <c>sub_msg</c>).</param>
/// <param name="HttpStatus">HTTP status of the error answer (4xx). Alipay ignores it: its errors are HTTP 200.</param>
/// <param name="SubCode">Alipay only: the <c>sub_code</c>, e.g. <c>ACQ.TRADE_HAS_CLOSE</c>.</param>
public sealed record SimulatorFailure(string Code, string? Message = null, int HttpStatus = 422, string? SubCode = null);

/// <summary>
/// How the simulator misbehaves, globally or for one out_trade_no. JSON names are snake_case
/// (<c>delay_ms</c>, <c>timeout_after_charge</c>, …); see docs/channels/mock.md. Fields only one protocol
/// honours live in that protocol's part of this partial record.
/// </summary>
public sealed partial record SimulatorBehaviour
{
    public static readonly SimulatorBehaviour None = new();

    /// <summary>Wait this long before handling the request (the request is handled even if the client left).</summary>
    public int DelayMs { get; init; }

    /// <summary>Answer with this signed business error instead of performing the operation.</summary>
    public SimulatorFailure? Fail { get; init; }

    /// <summary>
    /// create: create the trade, charge it (SUCCEEDED, callback sent), then never answer. query/close: perform the
    /// operation, then never answer. The request hangs until the client gives up.
    /// </summary>
    public bool TimeoutAfterCharge { get; init; }

    /// <summary>Sign API responses (and callbacks) with a wrong key.</summary>
    public bool BadSignature { get; init; }

    /// <summary>Deliver each callback this many times in total (values below 1 mean once).</summary>
    public int RepeatCallbacks { get; init; }

    /// <summary>Send the callback with amount + 1, correctly signed over the tampered body.</summary>
    public bool TamperCallbackAmount { get; init; }

    /// <summary>Send no callback at all.</summary>
    public bool SuppressCallbacks { get; init; }

    /// <summary>Operations this behaviour applies to (<see cref="SimulatorOperation"/>); null or empty means all.</summary>
    public IReadOnlyList<string>? Operations { get; init; }

    /// <summary>Apply to this many matching operations, then expire; null means until reset.</summary>
    public int? Times { get; init; }

    public bool AppliesTo(string operation) =>
        Operations is null || Operations.Count == 0 || Operations.Contains(operation, StringComparer.OrdinalIgnoreCase);
}
