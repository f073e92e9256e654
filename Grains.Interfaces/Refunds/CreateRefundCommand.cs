namespace PayGateway;

/// <summary>A validated request to refund (part of) a paid order. The API host validates the shape.</summary>
[GenerateSerializer, Immutable, Alias("paygw.CreateRefundCommand")]
public sealed record CreateRefundCommand(
    [property: Id(0)] string AppId,
    [property: Id(1)] string OrderId,
    [property: Id(2)] string OutRefundNo,
    [property: Id(3)] long Amount,
    [property: Id(4)] string? Reason);
