namespace PayGateway;

/// <summary>
/// The stable <c>code</c> values of problem responses. Merchants branch on these, so never change one; add new
/// ones. The API host owns the mapping to HTTP statuses (<c>ProblemCatalog</c>).
/// </summary>
public static class ErrorCodes
{
    public const string MalformedJson = "MALFORMED_JSON";
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";

    public const string AuthMissing = "AUTH_MISSING";
    public const string AuthMalformed = "AUTH_MALFORMED";
    public const string AuthUnknownApp = "AUTH_UNKNOWN_APP";
    public const string AuthBadSignature = "AUTH_BAD_SIGNATURE";
    public const string AuthStaleTimestamp = "AUTH_STALE_TIMESTAMP";
    public const string AuthNonceReused = "AUTH_NONCE_REUSED";
    public const string OperatorUnauthorized = "OPERATOR_UNAUTHORIZED";

    public const string OrderNotFound = "ORDER_NOT_FOUND";
    public const string OutTradeNoConflict = "OUT_TRADE_NO_CONFLICT";
    public const string OrderAlreadyPaid = "ORDER_ALREADY_PAID";
    public const string OrderNotClosable = "ORDER_NOT_CLOSABLE";

    public const string OrderNotRefundable = "ORDER_NOT_REFUNDABLE";
    public const string RefundExceedsRefundable = "REFUND_EXCEEDS_REFUNDABLE";
    public const string OutRefundNoConflict = "OUT_REFUND_NO_CONFLICT";
    public const string RefundNotFound = "REFUND_NOT_FOUND";
    public const string RefundNotSupported = "REFUND_NOT_SUPPORTED";
    public const string TooManyRefunds = "TOO_MANY_REFUNDS";

    public const string TransferNotFound = "TRANSFER_NOT_FOUND";
    public const string OutTransferNoConflict = "OUT_TRANSFER_NO_CONFLICT";
    public const string TransferNotSupported = "TRANSFER_NOT_SUPPORTED";
    public const string PayeeTypeNotSupported = "PAYEE_TYPE_NOT_SUPPORTED";

    public const string ContractNotFound = "CONTRACT_NOT_FOUND";
    public const string OutContractNoConflict = "OUT_CONTRACT_NO_CONFLICT";
    public const string ContractsNotSupported = "CONTRACTS_NOT_SUPPORTED";
    public const string ContractNotTerminable = "CONTRACT_NOT_TERMINABLE";

    public const string StatementsNotSupported = "STATEMENTS_NOT_SUPPORTED";
    public const string ReconciliationNotFound = "RECONCILIATION_NOT_FOUND";
    public const string ReviewItemNotFound = "REVIEW_ITEM_NOT_FOUND";

    public const string ChannelNotAllowed = "CHANNEL_NOT_ALLOWED";
    public const string MethodNotAvailable = "METHOD_NOT_AVAILABLE";
    public const string ChannelAccountNotFound = "CHANNEL_ACCOUNT_NOT_FOUND";
    public const string NotificationNotFound = "NOTIFICATION_NOT_FOUND";
    public const string ChannelRejected = "CHANNEL_REJECTED";
    public const string ChannelUnavailable = "CHANNEL_UNAVAILABLE";
    public const string ChannelAccountMisconfigured = "CHANNEL_ACCOUNT_MISCONFIGURED";

    public const string AppNotFound = "APP_NOT_FOUND";
    public const string InvalidConfiguration = "INVALID_CONFIGURATION";

    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";

    /// <summary>The API host is at its limit of merchant requests in progress (503; retry after Retry-After).</summary>
    public const string Overloaded = "OVERLOADED";

    /// <summary>This app has as many requests in progress as it may have (429; retry after Retry-After).</summary>
    public const string RateLimited = "RATE_LIMITED";

    /// <summary>
    /// The request did not finish within the API host's deadline (503). What it started may still complete:
    /// repeat the same request (same out_trade_no) to get the outcome.
    /// </summary>
    public const string DeadlineExceeded = "DEADLINE_EXCEEDED";

    /// <summary>No endpoint has that path (404), answered by the framework rather than an endpoint.</summary>
    public const string RouteNotFound = "ROUTE_NOT_FOUND";

    /// <summary>The path exists but not with that HTTP method (405).</summary>
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
}
