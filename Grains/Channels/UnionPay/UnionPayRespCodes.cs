namespace PayGateway.Channels.UnionPay;

/// <summary>
/// What UnionPay's response codes mean for the gateway, after the official ACP demo logic (channel-protocols.md C5).
/// Whenever a code does not say definitively that nothing was (or will be) charged, the answer is "not final".
/// </summary>
public static class UnionPayRespCodes
{
    public const string Success = "00";

    /// <summary>queryTrans: no such transaction (yet).</summary>
    public const string NotFound = "34";

    /// <summary>
    /// Codes after which the outcome is still open: 03/04/05 (UnionPay busy, status unknown, processing) and, in
    /// UnionPay's own payout/collection demos, 01/12/34/60. 12 (duplicate transaction) is here too: an earlier copy
    /// of the request may have gone through.
    /// </summary>
    private static readonly HashSet<string> Undecided = new(StringComparer.Ordinal) { "01", "03", "04", "05", "12", "34", "60" };

    /// <summary>A transaction request's answer (appTransReq, backTransReq): accepted, definitively failed, or unknown.</summary>
    public static ChannelOutcome OutcomeOfRequest(string? respCode) =>
        respCode switch
        {
            null or "" => ChannelOutcome.Unknown,
            Success => ChannelOutcome.Accepted,
            _ when Undecided.Contains(respCode) => ChannelOutcome.Unknown,
            _ => ChannelOutcome.Failed,
        };

    /// <summary>queryTrans with respCode 00: the original transaction's state from origRespCode.</summary>
    public static ChannelTradeState StateOfOriginal(string? origRespCode) =>
        origRespCode switch
        {
            null or "" => ChannelTradeState.Unknown,
            Success => ChannelTradeState.Succeeded,
            "03" or "04" or "05" => ChannelTradeState.Pending,
            _ => ChannelTradeState.Failed,
        };

    /// <summary>A consume notification's respCode: 00 paid, 03/04/05 still processing, anything else failed.</summary>
    public static ChannelTradeState StateOfTransaction(string? respCode) =>
        respCode switch
        {
            Success => ChannelTradeState.Succeeded,
            "03" or "04" or "05" => ChannelTradeState.Pending,
            _ => ChannelTradeState.Failed,
        };
}
