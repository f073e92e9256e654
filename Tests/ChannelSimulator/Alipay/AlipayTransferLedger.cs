using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>One transfer to an Alipay account that moved money.</summary>
/// <param name="OrderId">Alipay's transfer order number (32 digits), the channel's number for it.</param>
/// <param name="PayFundOrderId">Alipay's fund-flow number of the payment.</param>
internal sealed record AlipayTransfer(
    string AppId,
    string OutBizNo,
    string OrderId,
    string PayFundOrderId,
    long Amount,
    string IdentityType,
    string Identity,
    string? Name,
    DateTimeOffset PaidAt);

/// <summary>What a transfer request asks for.</summary>
internal sealed record NewAlipayTransfer(string AppId, string OutBizNo, long Amount, string IdentityType, string Identity, string? Name);

internal enum AlipayTransferOutcome
{
    /// <summary>Paid now.</summary>
    Transferred,
    /// <summary>The same out_biz_no with the same payee and amount: the earlier transfer, nothing moved.</summary>
    Repeated,
    /// <summary>The same out_biz_no with another payee or amount.</summary>
    Inconsistent,
}

/// <summary>
/// Transfers to Alipay accounts, keyed by (app_id, out_biz_no) as Alipay deduplicates them. They succeed at once:
/// a transfer from the merchant's balance to an Alipay account is synchronous at Alipay too.
/// </summary>
internal sealed class AlipayTransferLedger(TimeProvider time) : IResettableState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string AppId, string OutBizNo), AlipayTransfer> _transfers = [];

    // Not reset by Clear, so a number is never handed out twice in one run.
    private long _sequence;

    public (AlipayTransferOutcome Outcome, AlipayTransfer Transfer) Transfer(NewAlipayTransfer request)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_transfers.TryGetValue((request.AppId, request.OutBizNo), out var existing))
            {
                var same = existing.Amount == request.Amount && existing.IdentityType == request.IdentityType && existing.Identity == request.Identity;
                return (same ? AlipayTransferOutcome.Repeated : AlipayTransferOutcome.Inconsistent, existing);
            }

            var sequence = ++_sequence;
            var transfer = new AlipayTransfer(
                request.AppId, request.OutBizNo, $"{now:yyyyMMdd}110070000{sequence:D15}", $"{now:yyyyMMdd}110070001{sequence:D15}",
                request.Amount, request.IdentityType, request.Identity, request.Name, now);
            _transfers[(request.AppId, request.OutBizNo)] = transfer;
            return (AlipayTransferOutcome.Transferred, transfer);
        }
    }

    public AlipayTransfer? Find(string appId, string outBizNo)
    {
        lock (_lock)
        {
            return _transfers.GetValueOrDefault((appId, outBizNo));
        }
    }

    public AlipayTransfer? FindByOrderId(string appId, string orderId)
    {
        lock (_lock)
        {
            return _transfers.Values.FirstOrDefault(t => t.AppId == appId && t.OrderId == orderId);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _transfers.Clear();
        }
    }
}
