using System.Collections.Concurrent;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>WeChat Pay transfer <c>batch_status</c> and <c>detail_status</c> values the simulator uses.</summary>
public static class WeChatPayTransferStatus
{
    public const string Accepted = "ACCEPTED";
    public const string Finished = "FINISHED";
    public const string Processing = "PROCESSING";
    public const string Success = "SUCCESS";
    public const string Fail = "FAIL";

    /// <summary>fail_reason when the payee's real name is not the user_name sent.</summary>
    public const string NameNotCorrect = "NAME_NOT_CORRECT";
}

/// <summary>One transfer of a batch. <paramref name="UserName"/> is the payee name as the simulator decrypted it.</summary>
public sealed record WeChatPayTransferDetailView(
    string OutDetailNo,
    string DetailId,
    long Amount,
    string Remark,
    string OpenId,
    string? UserName,
    string Status,
    string? FailReason,
    DateTimeOffset UpdatedAt);

/// <summary>A transfer batch at the simulator, as a snapshot.</summary>
public sealed record WeChatPayTransferView(
    string MchId,
    string AppId,
    string OutBatchNo,
    string BatchId,
    string BatchName,
    string BatchRemark,
    long TotalAmount,
    string BatchStatus,
    DateTimeOffset CreatedAt,
    IReadOnlyList<WeChatPayTransferDetailView> Details);

internal enum TransferOutcome { Created, Existing, Conflict }

/// <summary>Payees' real names by openid: a transfer naming someone else fails with NAME_NOT_CORRECT, as at WeChat.</summary>
internal sealed class WeChatPayPayees
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    public void SetName(string openId, string realName) => _names[openId] = realName;

    public string? NameOf(string openId) => _names.GetValueOrDefault(openId);
}

/// <summary>Transfer batches by (mchid, out_batch_no): a repeat with the same content is the same batch, other content is refused. One lock.</summary>
internal sealed class WeChatPayTransferStore : IResettableState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string MchId, string OutBatchNo), (WeChatPayTransferView View, string? FailReason)> _batches = [];
    private long _sequence;

    /// <summary>Creates the batch with every detail PROCESSING, or finds the one under this out_batch_no.</summary>
    /// <param name="failReason">When set, every detail will end FAIL with it (the <c>transfer_fail_reason</c> behaviour).</param>
    public (TransferOutcome Outcome, WeChatPayTransferView View) Create(
        string mchId, WeChatPayTransferRequest request, IReadOnlyList<string?> userNames, string? failReason, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_batches.TryGetValue((mchId, request.OutBatchNo), out var existing))
            {
                var view = existing.View;
                var same = view.TotalAmount == request.TotalAmount && view.Details.Count == request.Details.Count
                    && view.Details.Zip(request.Details).All(p => p.First.OutDetailNo == p.Second.OutDetailNo && p.First.Amount == p.Second.Amount && p.First.OpenId == p.Second.OpenId);
                return (same ? TransferOutcome.Existing : TransferOutcome.Conflict, view);
            }
            var sequence = ++_sequence;
            var details = request.Details
                .Select((d, i) => new WeChatPayTransferDetailView(
                    d.OutDetailNo, $"1040{now:yyyyMMdd}{sequence:D12}{i:D4}", d.Amount, d.Remark, d.OpenId, userNames[i], WeChatPayTransferStatus.Processing, null, now))
                .ToList();
            var created = new WeChatPayTransferView(
                mchId, request.AppId, request.OutBatchNo, $"1030{now:yyyyMMdd}{sequence:D16}", request.BatchName, request.BatchRemark, request.TotalAmount,
                WeChatPayTransferStatus.Accepted, now, details);
            _batches[(mchId, request.OutBatchNo)] = (created, failReason);
            return (TransferOutcome.Created, created);
        }
    }

    public WeChatPayTransferView? Find(string mchId, string outBatchNo)
    {
        lock (_lock)
        {
            return _batches.TryGetValue((mchId, outBatchNo), out var batch) ? batch.View : null;
        }
    }

    /// <summary>
    /// Ends every detail: FAIL with the batch's fail reason, FAIL NAME_NOT_CORRECT when a user_name was sent that is
    /// not the payee's registered name, SUCCESS otherwise. Null when the batch had ended already or is gone.
    /// </summary>
    public WeChatPayTransferView? End(WeChatPayTransferView created, WeChatPayPayees payees, DateTimeOffset now)
    {
        lock (_lock)
        {
            var key = (created.MchId, created.OutBatchNo);
            if (!_batches.TryGetValue(key, out var batch) || batch.View.BatchId != created.BatchId || batch.View.BatchStatus == WeChatPayTransferStatus.Finished)
            {
                return null;
            }
            var details = batch.View.Details.Select(d =>
            {
                var failReason = batch.FailReason
                    ?? (d.UserName is { } named && payees.NameOf(d.OpenId) is { } real && real != named ? WeChatPayTransferStatus.NameNotCorrect : null);
                return d with
                {
                    Status = failReason is null ? WeChatPayTransferStatus.Success : WeChatPayTransferStatus.Fail,
                    FailReason = failReason,
                    UpdatedAt = now,
                };
            }).ToList();
            var ended = batch.View with { BatchStatus = WeChatPayTransferStatus.Finished, Details = details };
            _batches[key] = (ended, batch.FailReason);
            return ended;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _batches.Clear();
        }
    }
}
