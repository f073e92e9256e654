namespace PayGateway;

/// <summary>
/// Gateway contract ids: <c>C</c> followed by an id from the order id generator (so it carries the creation time and
/// the home datacenter at fixed positions), 25 characters of [0-9A-Z]. Sent to the channel as its merchant number for
/// the contract (Alipay <c>external_agreement_no</c>, WeChat Pay <c>contract_code</c>), which the channel echoes in
/// its notifications: that is how a contract callback finds its grain without a lookup.
/// </summary>
public static class ContractId
{
    public const int Length = OrderId.Length + 1;

    public static string From(string generatedId) => "C" + generatedId;

    public static bool IsValid(string? id) => id is { Length: Length } && id[0] == 'C' && OrderId.IsValid(id[1..]);

    /// <summary>
    /// The merchant's out_trade_no of the deduction order for period <paramref name="period"/> (1-based), attempt
    /// <paramref name="attempt"/> (1-based). Fixed by the contract, so a repeated renewal reaches the same order.
    /// </summary>
    public static string DeductionOutTradeNo(string contractId, int period, int attempt) => $"{contractId}-{period}-{attempt}";
}
