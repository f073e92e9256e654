namespace PayGateway.Channels.Mock;

/// <summary>Which signed error answers to a refund or transfer request mean "refused, nothing moved".</summary>
internal static class MockFundsErrors
{
    /// <summary>
    /// A signed 4xx with a code is a definitive refusal, except a number conflict: the number is already used by an
    /// earlier request whose money may well have moved, so that answer proves nothing about it.
    /// </summary>
    public static bool IsRefusal(int status, string? code) =>
        status is >= 400 and < 500 && !string.IsNullOrEmpty(code) && code is not ("OUT_REFUND_NO_CONFLICT" or "OUT_TRANSFER_NO_CONFLICT");
}
