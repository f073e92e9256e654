namespace PayGateway.Api.Problems;

/// <summary>
/// The one mapping from stable error codes to HTTP statuses and titles. Every refusal the API makes goes
/// through <see cref="Result"/>, so every one is RFC 9457 problem+json with a <c>code</c> member.
/// </summary>
public static class ProblemCatalog
{
    private static readonly Dictionary<string, (int Status, string Title)> Codes = new(StringComparer.Ordinal)
    {
        [ErrorCodes.MalformedJson] = (400, "The request body is not valid JSON."),
        [ErrorCodes.ValidationFailed] = (400, "The request is invalid."),
        [ErrorCodes.UnsupportedMediaType] = (415, "The request body must be application/json."),
        [ErrorCodes.PayloadTooLarge] = (413, "The request body is too large."),
        [ErrorCodes.AuthMissing] = (401, "The request is not signed."),
        [ErrorCodes.AuthMalformed] = (401, "The Authorization header is malformed."),
        [ErrorCodes.AuthUnknownApp] = (401, "Unknown or disabled app."),
        [ErrorCodes.AuthBadSignature] = (401, "The signature does not verify."),
        [ErrorCodes.AuthStaleTimestamp] = (401, "The request timestamp is outside the accepted window."),
        [ErrorCodes.AuthNonceReused] = (401, "The nonce was already used."),
        [ErrorCodes.OperatorUnauthorized] = (401, "Operator authentication is required."),
        [ErrorCodes.OrderNotFound] = (404, "No such order."),
        [ErrorCodes.AppNotFound] = (404, "No such app."),
        [ErrorCodes.NotificationNotFound] = (404, "No such notification."),
        [ErrorCodes.ChannelAccountNotFound] = (422, "No such channel account."),
        [ErrorCodes.OutTradeNoConflict] = (409, "out_trade_no was already used for a different request."),
        [ErrorCodes.OrderAlreadyPaid] = (409, "The order is paid."),
        [ErrorCodes.OrderNotClosable] = (409, "The order cannot be closed."),
        [ErrorCodes.OrderNotRefundable] = (409, "The order cannot be refunded."),
        [ErrorCodes.RefundExceedsRefundable] = (409, "The refund exceeds what is still refundable."),
        [ErrorCodes.OutRefundNoConflict] = (409, "out_refund_no was already used for a different request."),
        [ErrorCodes.RefundNotFound] = (404, "No such refund."),
        [ErrorCodes.RefundNotSupported] = (422, "The channel cannot refund."),
        [ErrorCodes.TooManyRefunds] = (409, "The order has too many refunds."),
        [ErrorCodes.TransferNotFound] = (404, "No such transfer."),
        [ErrorCodes.ContractNotFound] = (404, "No such contract."),
        [ErrorCodes.OutContractNoConflict] = (409, "out_contract_no was already used for a different request."),
        [ErrorCodes.ContractsNotSupported] = (422, "The channel cannot sign recurring-payment contracts with these terms."),
        [ErrorCodes.ContractNotTerminable] = (409, "The contract was closed unsigned; there is nothing to terminate."),
        [ErrorCodes.OutTransferNoConflict] = (409, "out_transfer_no was already used for a different request."),
        [ErrorCodes.TransferNotSupported] = (422, "The channel cannot make transfers."),
        [ErrorCodes.StatementsNotSupported] = (422, "The channel publishes no statements to reconcile against."),
        [ErrorCodes.ReconciliationNotFound] = (404, "No reconciliation has run for that account and day."),
        [ErrorCodes.ReviewItemNotFound] = (404, "No review item has that id."),
        [ErrorCodes.PayeeTypeNotSupported] = (422, "The channel cannot pay to that kind of payee account."),
        [ErrorCodes.ChannelNotAllowed] = (422, "The app may not use that channel."),
        [ErrorCodes.MethodNotAvailable] = (422, "The payment method is not available."),
        [ErrorCodes.ChannelRejected] = (422, "The channel refused the request."),
        [ErrorCodes.ChannelUnavailable] = (503, "The channel did not answer."),
        [ErrorCodes.InvalidConfiguration] = (400, "The configuration is invalid."),
        [ErrorCodes.ServiceUnavailable] = (503, "The service is temporarily unavailable."),
        [ErrorCodes.Overloaded] = (503, "The gateway is at capacity."),
        [ErrorCodes.RateLimited] = (429, "Too many requests in progress for this app."),
        [ErrorCodes.DeadlineExceeded] = (503, "The request did not finish in time."),
        [ErrorCodes.RouteNotFound] = (404, "No such endpoint."),
        [ErrorCodes.MethodNotAllowed] = (405, "The endpoint does not accept that method."),
    };

    /// <summary>
    /// The code for a problem the framework writes itself (status-code pages: an unknown path or method, an
    /// operator challenge), so that every problem the API sends has one.
    /// </summary>
    public static string CodeForStatus(int? status) => status switch
    {
        401 or 403 => ErrorCodes.OperatorUnauthorized,
        404 => ErrorCodes.RouteNotFound,
        405 => ErrorCodes.MethodNotAllowed,
        413 => ErrorCodes.PayloadTooLarge,
        415 => ErrorCodes.UnsupportedMediaType,
        >= 500 => "INTERNAL_ERROR",
        _ => ErrorCodes.ValidationFailed,
    };

    public static int StatusOf(string code) => Codes.TryGetValue(code, out var entry) ? entry.Status : 500;

    public static ProblemHttpResult Result(string code, string? detail = null, IDictionary<string, object?>? extra = null)
    {
        var (status, title) = Codes.TryGetValue(code, out var entry) ? entry : (500, "Unexpected error.");
        var extensions = new Dictionary<string, object?>(extra ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: $"https://paygw.dev/problems/{code.ToLowerInvariant().Replace('_', '-')}", extensions: extensions);
    }

    public static ProblemHttpResult Result(GatewayError error) => Result(error.Code, error.Message);

    /// <summary>Writes a problem outside an endpoint (middleware, authentication handlers).</summary>
    public static Task WriteAsync(HttpContext context, string code, string? detail = null) =>
        Result(code, detail).ExecuteAsync(context);
}
