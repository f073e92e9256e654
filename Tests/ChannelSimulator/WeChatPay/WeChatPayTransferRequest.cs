using System.Text.Json;
using static PayGateway.ChannelSimulator.WeChatPay.WeChatPayFields;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>One transfer_detail_list entry; <paramref name="UserNameCiphertext"/> is still encrypted.</summary>
internal sealed record WeChatPayTransferDetailRequest(string OutDetailNo, long Amount, string Remark, string OpenId, string? UserNameCiphertext);

/// <summary>A validated body of POST /v3/transfer/batches.</summary>
internal sealed record WeChatPayTransferRequest(
    string AppId,
    string OutBatchNo,
    string BatchName,
    string BatchRemark,
    long TotalAmount,
    IReadOnlyList<WeChatPayTransferDetailRequest> Details);

/// <summary>Reads and checks a batch transfer body the way WeChat documents its fields; errors become 400 PARAM_ERROR.</summary>
internal static class WeChatPayTransferReader
{
    /// <summary>From 2,000 yuan on, WeChat requires the payee's name.</summary>
    public const long NameRequiredFrom = 200_000;

    /// <summary>Below 0.30 yuan, WeChat refuses a payee name.</summary>
    public const long NameAllowedFrom = 30;

    /// <summary>The request, or why it is refused; out_batch_no and total_amount come back when readable, for the records.</summary>
    public static (WeChatPayTransferRequest? Request, string? OutBatchNo, long? TotalAmount, string? Error) Read(byte[] body)
    {
        using var document = ParseObject(body);
        if (document is null)
        {
            return (null, null, null, "The body is not a JSON object.");
        }
        var root = document.RootElement;
        var outBatchNo = Text(root, "out_batch_no");
        var totalAmount = Integer(root, "total_amount");
        var details = new List<WeChatPayTransferDetailRequest>();
        var error = Check(root, outBatchNo, totalAmount, details);
        if (error is not null)
        {
            return (null, outBatchNo, totalAmount, error);
        }
        var request = new WeChatPayTransferRequest(
            Text(root, "appid")!, outBatchNo!, Text(root, "batch_name")!, Text(root, "batch_remark")!, totalAmount!.Value, details);
        return (request, outBatchNo, totalAmount, null);
    }

    private static string? Check(JsonElement root, string? outBatchNo, long? totalAmount, List<WeChatPayTransferDetailRequest> details)
    {
        if (Text(root, "appid") is not { Length: > 0 and <= 32 })
        {
            return "appid is required (at most 32 characters).";
        }
        if (!IsNumber(outBatchNo, 5, 32, ""))
        {
            return "out_batch_no must be 5-32 letters and digits.";
        }
        if (Text(root, "batch_name") is not { Length: > 0 and <= 32 } || Text(root, "batch_remark") is not { Length: > 0 and <= 32 })
        {
            return "batch_name and batch_remark are required (at most 32 characters each).";
        }
        if (!root.TryGetProperty("transfer_detail_list", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is < 1 or > 1000)
        {
            return "transfer_detail_list must hold 1-1000 details.";
        }
        if (Integer(root, "total_num") != list.GetArrayLength())
        {
            return "total_num must be the number of details.";
        }
        foreach (var entry in list.EnumerateArray())
        {
            var outDetailNo = Text(entry, "out_detail_no");
            var amount = Integer(entry, "transfer_amount");
            var remark = Text(entry, "transfer_remark");
            var openId = Text(entry, "openid");
            var userName = Text(entry, "user_name");
            if (!IsNumber(outDetailNo, 5, 32, "") || details.Any(d => d.OutDetailNo == outDetailNo))
            {
                return "Each out_detail_no must be 5-32 letters and digits, unique in the batch.";
            }
            if (amount is not > 0)
            {
                return "transfer_amount must be a positive integer (fen).";
            }
            if (remark is not { Length: > 0 and <= 32 })
            {
                return "transfer_remark is required (at most 32 characters).";
            }
            if (openId is not { Length: > 0 and <= 64 })
            {
                return "openid is required (at most 64 characters).";
            }
            if (userName is null && amount >= NameRequiredFrom)
            {
                return "user_name is required for a transfer of 2000 yuan or more.";
            }
            if (userName is not null && amount < NameAllowedFrom)
            {
                return "user_name is not allowed for a transfer below 0.3 yuan.";
            }
            details.Add(new WeChatPayTransferDetailRequest(outDetailNo!, amount.Value, remark, openId, userName));
        }
        if (totalAmount != details.Sum(d => d.Amount))
        {
            return "total_amount must be the sum of the details' transfer_amount.";
        }
        return null;
    }
}
