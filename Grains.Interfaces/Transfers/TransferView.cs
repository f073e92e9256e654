using System.Collections.Immutable;

namespace PayGateway;

/// <summary>A transfer (payout) as merchants and operators see it.</summary>
[GenerateSerializer, Immutable, Alias("paygw.TransferView")]
public sealed record TransferView(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string AppId,
    [property: Id(2)] string OutTransferNo,
    [property: Id(3)] FundsStatus Status,
    [property: Id(4)] long Amount,
    [property: Id(5)] string Currency,
    [property: Id(6)] string Channel,
    [property: Id(7)] string AccountId,
    [property: Id(8)] string PayeeType,
    [property: Id(9)] string PayeeAccount,
    [property: Id(10)] string? PayeeName,
    [property: Id(11)] string? Remark,
    [property: Id(12)] string? ChannelTransferNo,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] DateTimeOffset UpdatedAt,
    [property: Id(15)] DateTimeOffset? SucceededAt,
    [property: Id(16)] GatewayError? Failure,
    [property: Id(17)] string NotifyUrl,
    [property: Id(18)] ImmutableArray<NotificationView> Notifications);

/// <summary>Either a transfer or the reason there is none. Exactly one of the two is set.</summary>
[GenerateSerializer, Immutable, Alias("paygw.TransferResult")]
public sealed record TransferResult(
    [property: Id(0)] TransferView? Transfer,
    [property: Id(1)] GatewayError? Error)
{
    public static TransferResult Ok(TransferView transfer) => new(transfer, null);
    public static TransferResult Fail(string code, string message) => new(null, new GatewayError(code, message));
}
