using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>One transfer of a batch as the detail query reports it (amounts in fen).</summary>
public sealed record WeChatPayTransferDetail(
    string? MchId,
    string OutBatchNo,
    string? BatchId,
    string OutDetailNo,
    string? DetailId,
    string DetailStatus,
    long TransferAmount,
    string? OpenId,
    string? FailReason,
    DateTimeOffset? UpdateTime)
{
    /// <summary>Parses a detail answer; requires the two merchant numbers, the status and an integer amount.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out WeChatPayTransferDetail? detail)
    {
        detail = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!WeChatPayJson.TryGetString(root, "out_batch_no", out var outBatchNo)
                || !WeChatPayJson.TryGetString(root, "out_detail_no", out var outDetailNo)
                || !WeChatPayJson.TryGetString(root, "detail_status", out var status)
                || WeChatPayJson.GetInt64OrNull(root, "transfer_amount") is not { } amount)
            {
                return false;
            }

            detail = new WeChatPayTransferDetail(
                WeChatPayJson.GetStringOrNull(root, "mchid"),
                outBatchNo,
                WeChatPayJson.GetStringOrNull(root, "batch_id"),
                outDetailNo,
                WeChatPayJson.GetStringOrNull(root, "detail_id"),
                status,
                amount,
                WeChatPayJson.GetStringOrNull(root, "openid"),
                WeChatPayJson.GetStringOrNull(root, "fail_reason"),
                WeChatPayJson.GetTimeOrNull(root, "update_time"));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>A batch as the batch query by out_batch_no reports it (<c>transfer_batch</c>; amounts in fen).</summary>
public sealed record WeChatPayTransferBatch(string? MchId, string OutBatchNo, string? BatchId, string? BatchStatus, long TotalAmount)
{
    /// <summary>Parses a batch answer; requires <c>transfer_batch</c> with out_batch_no and an integer total_amount.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out WeChatPayTransferBatch? batch)
    {
        batch = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("transfer_batch", out var root) || root.ValueKind != JsonValueKind.Object
                || !WeChatPayJson.TryGetString(root, "out_batch_no", out var outBatchNo)
                || WeChatPayJson.GetInt64OrNull(root, "total_amount") is not { } totalAmount)
            {
                return false;
            }

            batch = new WeChatPayTransferBatch(
                WeChatPayJson.GetStringOrNull(root, "mchid"),
                outBatchNo,
                WeChatPayJson.GetStringOrNull(root, "batch_id"),
                WeChatPayJson.GetStringOrNull(root, "batch_status"),
                totalAmount);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>Maps a transfer detail's <c>detail_status</c> onto the gateway's view of a transfer.</summary>
public static class WeChatPayTransferStates
{
    public static ChannelFundsState ToFundsState(string? detailStatus) => detailStatus switch
    {
        "SUCCESS" => ChannelFundsState.Succeeded,
        // INIT: batch accepted, detail not yet worked on; WAIT_PAY: waiting for the merchant's confirmation.
        "INIT" or "WAIT_PAY" or "PROCESSING" => ChannelFundsState.Pending,
        "FAIL" => ChannelFundsState.Failed,
        _ => ChannelFundsState.Unknown,
    };
}
