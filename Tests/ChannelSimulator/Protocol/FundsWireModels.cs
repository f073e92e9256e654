namespace PayGateway.ChannelSimulator.Protocol;

/// <summary>Body of POST /mock/v1/refunds. Everything nullable so validation can name what is missing.</summary>
internal sealed record RefundRequestBody(
    string? OutRefundNo,
    string? OutTradeNo,
    long? Amount,
    string? Currency,
    string? Reason,
    string? NotifyUrl);

/// <summary>A refund as the API returns it (refund, refund query) and as a refund callback carries it.</summary>
internal sealed record RefundView(
    string OutRefundNo,
    string RefundNo,
    string OutTradeNo,
    string MerchantId,
    long Amount,
    string Currency,
    string Status,
    DateTimeOffset? SucceededAt);

/// <summary>The refund callback POSTed to the refund's notify_url: <c>type</c> "refund" tells it from a payment callback.</summary>
internal sealed record RefundCallbackBody(
    string Type,
    string EventId,
    string OutRefundNo,
    string RefundNo,
    string OutTradeNo,
    string MerchantId,
    long Amount,
    string Currency,
    string Status,
    DateTimeOffset? SucceededAt);

/// <summary>Body of POST /mock/v1/transfers.</summary>
internal sealed record TransferRequestBody(
    string? OutTransferNo,
    string? PayeeType,
    string? PayeeAccount,
    string? PayeeName,
    long? Amount,
    string? Currency,
    string? Remark);

/// <summary>A transfer as the API returns it (transfer, transfer query).</summary>
internal sealed record TransferView(
    string OutTransferNo,
    string TransferNo,
    string MerchantId,
    long Amount,
    string Currency,
    string Status,
    string? FailReason,
    DateTimeOffset? SucceededAt);

/// <summary>One line of a mock statement.</summary>
internal sealed record StatementLineView(
    string Type,
    string OutTradeNo,
    string? TradeNo,
    string? OutRefundNo,
    string? RefundNo,
    long Amount,
    string Currency,
    string Fee,
    DateTimeOffset OccurredAt);

/// <summary>A mock statement: the lines and their counts and totals (the gateway checks the totals against the lines).</summary>
internal sealed record StatementView(
    string MerchantId,
    string BillDate,
    int PaymentCount,
    long PaymentTotal,
    int RefundCount,
    long RefundTotal,
    IReadOnlyList<StatementLineView> Lines);
