namespace PayGateway.Api.Contracts;

/// <summary>POST /v1/orders/{order_id}/refunds body. Every member is nullable so that a missing field is a validation error.</summary>
public sealed record CreateRefundRequest(string? OutRefundNo, long? Amount, string? Reason);
