namespace PayGateway;

/// <summary>
/// One transfer (payout), keyed by its gateway transfer id: the single writer of its state. Supervision wakes it
/// until the channel gives a final answer; merchant notifications go out from its own outbox.
/// </summary>
public interface ITransferGrain : IWebhookOutboxOwner
{
    /// <summary>
    /// Records the transfer and sends it to the channel. Idempotent: a repeat with the same fingerprint returns the
    /// transfer as it stands (and re-sends one a crash interrupted); a different fingerprint is refused.
    /// </summary>
    Task<TransferResult> CreateAsync(CreateTransferCommand command, string fingerprint, ChannelRoute route);

    /// <summary>The transfer, or null when none was ever created under this id.</summary>
    Task<TransferView?> GetAsync();

    /// <summary>Does whatever is due (a channel query, a re-send, notification attempts). Safe to call any number of times.</summary>
    Task WakeAsync();
}

/// <summary>
/// The (app_id, out_transfer_no) → transfer id index, keyed <c>{app_id}:{out_transfer_no}</c>: the first request
/// fixes the transfer id and the request's fingerprint; repeats reach that transfer; a different request is refused.
/// </summary>
public interface IMerchantTransferKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the transfer for this out_transfer_no, or returns the one an identical earlier request created.</summary>
    Task<TransferResult> TransferAsync(CreateTransferCommand command);

    /// <summary>The transfer id assigned to this out_transfer_no, if any.</summary>
    Task<string?> GetTransferIdAsync();
}

public static class MerchantTransferKey
{
    /// <summary>App ids and out_transfer_nos are restricted to [A-Za-z0-9_-], so ':' cannot occur inside either.</summary>
    public static string For(string appId, string outTransferNo) => $"{appId}:{outTransferNo}";
}
