namespace PayGateway.ChannelSimulator.Records;

/// <summary>Kinds of <see cref="SimulatorRecord"/>.</summary>
public static class RecordKind
{
    /// <summary>POST /mock/v1/payments reached the simulator.</summary>
    public const string Create = "create";
    /// <summary>GET /mock/v1/payments/{out_trade_no}.</summary>
    public const string Query = "query";
    /// <summary>POST /mock/v1/payments/{out_trade_no}/close.</summary>
    public const string Close = "close";
    /// <summary>A trade became SUCCEEDED: money moved. Exactly one per paid trade.</summary>
    public const string Charge = "charge";
    /// <summary>One delivery attempt of a callback.</summary>
    public const string CallbackSent = "callback_sent";
    /// <summary>A refund request reached the simulator (Result: the refund's status or the error code).</summary>
    public const string RefundRequest = "refund_request";
    /// <summary>A refund query reached the simulator.</summary>
    public const string RefundQuery = "refund_query";
    /// <summary>Money went back to the payer: exactly one per refund that succeeded (OutTradeNo: the order; TradeNo: the refund number).</summary>
    public const string Refunded = "refunded";
    /// <summary>A transfer request reached the simulator.</summary>
    public const string TransferRequest = "transfer_request";
    /// <summary>A transfer query reached the simulator.</summary>
    public const string TransferQuery = "transfer_query";
    /// <summary>Money went to a payee: exactly one per transfer that succeeded (OutTradeNo: the merchant's transfer number).</summary>
    public const string Transferred = "transferred";
    /// <summary>A statement (bill) was requested.</summary>
    public const string StatementRequest = "statement_request";
    /// <summary>POST /mock/v1/contracts (OutTradeNo: the contract_code; TradeNo: the contract_id; Amount: the per-deduction cap).</summary>
    public const string ContractCreate = "contract_create";
    /// <summary>GET /mock/v1/contracts/{contract_code}.</summary>
    public const string ContractQuery = "contract_query";
    /// <summary>POST /mock/v1/contracts/{contract_code}/terminate.</summary>
    public const string ContractTerminate = "contract_terminate";
    /// <summary>The payer signed a contract: exactly one per signed contract.</summary>
    public const string ContractSigned = "contract_signed";
    /// <summary>A contract ended (Result: <c>payer</c> or <c>merchant</c>): exactly one per terminated contract.</summary>
    public const string ContractTerminated = "contract_terminated";
    /// <summary>POST /mock/v1/deductions (OutTradeNo: the order; TradeNo: the trade_no). A deduction that took money also has its <c>charge</c>.</summary>
    public const string Deduct = "deduct";
}

/// <summary>One channel-side event.</summary>
/// <param name="Sequence">Increasing number, in the order the events were recorded.</param>
/// <param name="Kind">See <see cref="RecordKind"/>.</param>
/// <param name="MerchantId">Merchant the call was made for (empty if the caller was not identified).</param>
/// <param name="OutTradeNo">The merchant's order number, when known.</param>
/// <param name="TradeNo">The simulator's trade number, when one exists.</param>
/// <param name="Amount">Amount in minor units, when known (for callbacks: the amount sent).</param>
/// <param name="Currency">Currency, when known.</param>
/// <param name="Timestamp">When it was recorded.</param>
/// <param name="ResponseStatus">HTTP status answered (API calls) or received (callbacks); 0 when there was none.</param>
/// <param name="Result">Trade status, error code, or callback result (<c>ACK</c>, <c>NO_ACK</c>, <c>ERROR</c>).</param>
public sealed record SimulatorRecord(
    long Sequence,
    string Kind,
    string MerchantId,
    string? OutTradeNo,
    string? TradeNo,
    long? Amount,
    string? Currency,
    DateTimeOffset Timestamp,
    int ResponseStatus,
    string? Result);
