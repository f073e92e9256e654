using PayGateway.Orders;

namespace PayGateway.Transfers;

/// <summary>Stored state → the transfer as callers see it.</summary>
public static class TransferStateMapping
{
    public static TransferView ToView(this TransferState s) => new(
        s.TransferId!,
        s.AppId,
        s.OutTransferNo,
        s.StatusValue,
        s.Amount,
        s.Currency,
        s.Channel,
        s.AccountId,
        s.PayeeType,
        s.PayeeAccount,
        s.PayeeName,
        s.Remark,
        s.ChannelTransferNo,
        FromMs(s.CreatedAtMs),
        FromMs(s.UpdatedAtMs),
        s.SucceededAtMs is { } succeeded ? FromMs(succeeded) : null,
        s.Failure is { } f ? new GatewayError(f.Code, f.Message) : null,
        s.NotifyUrl,
        [.. s.Notifications.Select(n => n.ToView())]);

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
