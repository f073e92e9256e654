namespace PayGateway.ChannelSimulator.State;

/// <summary>A snapshot of one transfer (payout) at the simulator.</summary>
/// <param name="OutTransferNo">The merchant's transfer number (the gateway's transfer id); unique per merchant.</param>
/// <param name="TransferNo">The simulator's transfer number.</param>
/// <param name="Status">SUCCEEDED, PROCESSING or FAILED (the refund status values).</param>
/// <param name="FailReason">Why a FAILED transfer failed, e.g. <c>PAYEE_ACCOUNT_CLOSED</c>.</param>
public sealed record SimulatorTransfer(
    string MerchantId,
    string OutTransferNo,
    string TransferNo,
    string PayeeType,
    string PayeeAccount,
    string? PayeeName,
    long Amount,
    string Currency,
    string? Remark,
    string Status,
    string? FailReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SucceededAt);

internal enum TransferOutcome { Created, Existing, Conflict }

/// <summary>What a transfer request asks the store for.</summary>
internal sealed record NewTransfer(string MerchantId, string OutTransferNo, string PayeeType, string PayeeAccount, string? PayeeName, long Amount, string Currency, string? Remark);

/// <summary>All transfers in memory, keyed by (merchant, out_transfer_no).</summary>
internal sealed class TransferStore(TimeProvider time)
{
    /// <summary>Payee accounts with this prefix are closed: a transfer to one fails definitively (a failure path without behaviours).</summary>
    public const string ClosedAccountPrefix = "closed-";

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Merchant, string OutTransferNo), SimulatorTransfer> _transfers = [];
    private long _sequence;

    /// <summary>
    /// Settles the transfer synchronously (SUCCEEDED, or FAILED for a closed payee account), or returns the existing
    /// one with that out_transfer_no: <see cref="TransferOutcome.Existing"/> when payee, amount and currency match, else a conflict.
    /// </summary>
    public (TransferOutcome Outcome, SimulatorTransfer Transfer) CreateOrGet(NewTransfer request)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_transfers.TryGetValue((request.MerchantId, request.OutTransferNo), out var existing))
            {
                var same = existing.PayeeType == request.PayeeType && existing.PayeeAccount == request.PayeeAccount
                    && existing.Amount == request.Amount && existing.Currency == request.Currency;
                return (same ? TransferOutcome.Existing : TransferOutcome.Conflict, existing);
            }
            var closed = request.PayeeAccount.StartsWith(ClosedAccountPrefix, StringComparison.Ordinal);
            var transfer = new SimulatorTransfer(
                request.MerchantId, request.OutTransferNo, $"MX{now:yyyyMMdd}{++_sequence:D8}", request.PayeeType, request.PayeeAccount,
                request.PayeeName, request.Amount, request.Currency, request.Remark,
                closed ? RefundStatus.Failed : RefundStatus.Succeeded, closed ? "PAYEE_ACCOUNT_CLOSED" : null, now, closed ? null : now);
            _transfers[(request.MerchantId, request.OutTransferNo)] = transfer;
            return (TransferOutcome.Created, transfer);
        }
    }

    public SimulatorTransfer? Find(string merchantId, string outTransferNo)
    {
        lock (_lock)
        {
            return _transfers.GetValueOrDefault((merchantId, outTransferNo));
        }
    }

    /// <summary>Finds by out_transfer_no alone (control API). Null when absent or when several merchants use it.</summary>
    public SimulatorTransfer? FindAnyMerchant(string outTransferNo)
    {
        lock (_lock)
        {
            var matches = _transfers.Values.Where(t => t.OutTransferNo == outTransferNo).Take(2).ToList();
            return matches.Count == 1 ? matches[0] : null;
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
