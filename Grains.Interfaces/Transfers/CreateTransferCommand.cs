namespace PayGateway;

/// <summary>A validated request to pay money out to a payee. The API host validates the shape.</summary>
[GenerateSerializer, Immutable, Alias("paygw.CreateTransferCommand")]
public sealed record CreateTransferCommand(
    [property: Id(0)] string AppId,
    [property: Id(1)] string OutTransferNo,
    [property: Id(2)] string Channel,
    [property: Id(3)] string PayeeType,
    [property: Id(4)] string PayeeAccount,
    [property: Id(5)] string? PayeeName,
    [property: Id(6)] long Amount,
    [property: Id(7)] string Currency,
    [property: Id(8)] string? Remark,
    [property: Id(9)] string NotifyUrl);
