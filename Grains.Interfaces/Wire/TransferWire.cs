namespace PayGateway.Wire;

/// <summary>A transfer on the wire. The payee's account is shown back to its own merchant only.</summary>
public sealed record TransferResponse(
    string TransferId,
    string OutTransferNo,
    string Status,
    long Amount,
    string Currency,
    string Channel,
    string PayeeType,
    string PayeeAccount,
    string? PayeeName,
    string? Remark,
    string? ChannelTransferNo,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SucceededAt,
    ErrorResponse? Failure,
    string NotifyUrl,
    IReadOnlyList<NotificationResponse> Notifications)
{
    public static TransferResponse From(TransferView t) => new(
        t.TransferId, t.OutTransferNo, t.Status.ToWire(), t.Amount, t.Currency, t.Channel, t.PayeeType, t.PayeeAccount, t.PayeeName,
        t.Remark, t.ChannelTransferNo, t.CreatedAt, t.UpdatedAt, t.SucceededAt, t.Failure is { } f ? new ErrorResponse(f.Code, f.Message) : null,
        t.NotifyUrl, [.. t.Notifications.Select(NotificationResponse.From)]);
}

/// <summary>The webhook event body for transfers: <c>{"id","type","created","transfer"}</c>.</summary>
public sealed record TransferWebhookEvent(string Id, string Type, long Created, TransferResponse Transfer);
