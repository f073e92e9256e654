using System.Text;
using System.Text.Json.Nodes;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Transfers to a user's WeChat balance through the batch transfer API v3 (<c>/v3/transfer/batches</c>): one batch
/// with one detail per transfer, both numbered with our transfer id, so WeChat's deduplication on out_batch_no makes
/// a repeated request harmless.
/// </summary>
internal sealed class WeChatPayTransfers(WeChatPayApiClient api)
{
    public const string Path = "/v3/transfer/batches";

    /// <summary>WeChat's limit for batch_name, batch_remark and transfer_remark, in characters.</summary>
    private const int MaxTextLength = 32;

    /// <summary>From 2,000 yuan on WeChat requires the payee's name.</summary>
    private const long NameRequiredFrom = 200_000;

    /// <summary>Below 0.30 yuan WeChat refuses a payee name (it checks no names that small).</summary>
    private const long NameAllowedFrom = 30;

    // Codes after which WeChat has certainly not accepted the batch: malformed or unauthenticated request, no
    // permission, not enough balance, appid not bound. Rate limits, SYSTEM_ERROR and unfamiliar codes stay Unknown.
    private static readonly HashSet<string> DefinitiveRefusals = new(StringComparer.Ordinal)
    {
        "PARAM_ERROR", "INVALID_REQUEST", "NOT_ENOUGH", "NO_AUTH", "APPID_MCHID_NOT_MATCH", "SIGN_ERROR",
    };

    // INVALID_REQUEST also answers a repeat of an out_batch_no WeChat already holds with other content; the
    // transfer is looked up before it is called failed, and only a batch WeChat does not hold makes it failed.
    private const string AmbiguousRefusal = "INVALID_REQUEST";

    private static readonly HashSet<string> NotFoundCodes = new(StringComparer.Ordinal) { "NOT_FOUND", "RESOURCE_NOT_EXISTS" };

    public static IReadOnlyCollection<string> Currencies { get; } = ["CNY"];

    public static IReadOnlyCollection<string> PayeeTypes { get; } = [PayGateway.PayeeTypes.WeChatOpenId];

    public async Task<ChannelTransferResult> TransferAsync(WeChatPayMerchant merchant, ChannelTransferRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Reject(request) is { } refusal)
        {
            return refusal;
        }

        var remark = string.IsNullOrWhiteSpace(request.Remark) ? "转账" : WeChatPayText.Truncate(request.Remark.Trim(), MaxTextLength);
        var detail = new JsonObject
        {
            ["out_detail_no"] = request.TransferId,
            ["transfer_amount"] = request.Amount,
            ["transfer_remark"] = remark,
            ["openid"] = request.PayeeAccount,
        };

        string? platformSerial = null;
        if (!string.IsNullOrWhiteSpace(request.PayeeName) && request.Amount >= NameAllowedFrom)
        {
            // The name travels encrypted with WeChat's platform key, and the header tells WeChat which key.
            if (await api.EncryptionKeyAsync(merchant, cancellationToken).ConfigureAwait(false) is not { } key)
            {
                return ChannelTransferResult.Unknown("No WeChat Pay platform certificate to encrypt the payee name with; nothing was sent.");
            }

            using (var rsa = key.CreateRsa())
            {
                detail["user_name"] = WeChatPaySensitiveData.Encrypt(request.PayeeName.Trim(), rsa);
            }

            platformSerial = key.SerialNo;
        }

        var body = new JsonObject
        {
            ["appid"] = merchant.AppId,
            ["out_batch_no"] = request.TransferId,
            // The transfer id fits the 32-character limit and finds the batch in WeChat's merchant console.
            ["batch_name"] = request.TransferId,
            ["batch_remark"] = remark,
            ["total_amount"] = request.Amount,
            ["total_num"] = 1,
            ["transfer_detail_list"] = new JsonArray(detail),
        };

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(WeChatPayJson.RequestBody));
        var response = await api.SendAsync(merchant, HttpMethod.Post, Path, bytes, cancellationToken, platformSerial).ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return ChannelTransferResult.Unknown(response.Describe());
        }

        if (response.StatusCode == 200)
        {
            // Accepted: the money moves (or not) later; the detail query tells.
            return response.ReadString("out_batch_no") == request.TransferId && response.ReadString("batch_id") is { } batchId
                ? new ChannelTransferResult(ChannelFundsState.Pending, batchId)
                : ChannelTransferResult.Unknown("WeChat Pay accepted a different or unreadable batch.");
        }

        var (code, message) = response.Error();
        if (response.StatusCode is >= 400 and < 500 && code is not null && DefinitiveRefusals.Contains(code))
        {
            if (code == AmbiguousRefusal)
            {
                // NotFound comes from the batch query (see QueryTransferAsync): WeChat holds no batch under this number,
                // so the refusal was about this request. A batch whose detail is not visible yet is Pending, not this.
                var query = await QueryTransferAsync(merchant, request, cancellationToken).ConfigureAwait(false);
                if (query.State != ChannelFundsState.NotFound)
                {
                    return query.State == ChannelFundsState.Unknown ? query with { ErrorCode = code, ErrorMessage = message } : query;
                }
            }

            return new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: code, ErrorMessage: message);
        }

        return new ChannelTransferResult(ChannelFundsState.Unknown, ErrorCode: code ?? "CHANNEL_UNKNOWN", ErrorMessage: message ?? response.Describe());
    }

    /// <summary>
    /// The transfer's detail; NotFound only when WeChat holds no batch under the transfer id, so that sending it again
    /// is safe. WeChat processes a batch asynchronously and answers its detail NOT_FOUND until it has ("转账还在处理中
    /// … 请不要直接当做转账失败处理"), so a missing detail is checked against the batch query.
    /// </summary>
    public async Task<ChannelTransferResult> QueryTransferAsync(WeChatPayMerchant merchant, ChannelTransferRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.TransferId);
        var id = Uri.EscapeDataString(request.TransferId);
        var response = await api.SendAsync(merchant, HttpMethod.Get, $"{Path}/out-batch-no/{id}/details/out-detail-no/{id}", null, cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return ChannelTransferResult.Unknown(response.Describe());
        }

        if (response.StatusCode == 200)
        {
            // A verified answer about another transfer, amount, payee or merchant is not an answer to our question.
            if (!WeChatPayTransferDetail.TryParse(Encoding.UTF8.GetString(response.Body), out var detail)
                || detail.OutBatchNo != request.TransferId || detail.OutDetailNo != request.TransferId
                || detail.TransferAmount != request.Amount
                || (detail.OpenId is not null && detail.OpenId != request.PayeeAccount)
                || (detail.MchId is not null && detail.MchId != merchant.MchId))
            {
                return ChannelTransferResult.Unknown("WeChat Pay answered with a different or unreadable transfer.");
            }

            var state = WeChatPayTransferStates.ToFundsState(detail.DetailStatus);
            return state switch
            {
                ChannelFundsState.Succeeded => new ChannelTransferResult(state, detail.BatchId, detail.UpdateTime),
                ChannelFundsState.Failed => new ChannelTransferResult(state, detail.BatchId, ErrorCode: detail.FailReason ?? "FAIL",
                    ErrorMessage: $"WeChat Pay transfer failed: {detail.FailReason ?? "no reason given"}."),
                ChannelFundsState.Pending => new ChannelTransferResult(state, detail.BatchId),
                _ => new ChannelTransferResult(ChannelFundsState.Unknown, detail.BatchId, ErrorCode: detail.DetailStatus,
                    ErrorMessage: "Unfamiliar WeChat Pay detail_status."),
            };
        }

        var (code, message) = response.Error();
        if (response.StatusCode == 404 && code is not null && NotFoundCodes.Contains(code))
        {
            return await QueryBatchAsync(merchant, request, cancellationToken).ConfigureAwait(false);
        }

        return new ChannelTransferResult(ChannelFundsState.Unknown, ErrorCode: code ?? "CHANNEL_UNKNOWN", ErrorMessage: message ?? response.Describe());
    }

    /// <summary>Asked when the detail is not found: a batch WeChat holds is Pending (still processed), none is NotFound.</summary>
    private async Task<ChannelTransferResult> QueryBatchAsync(WeChatPayMerchant merchant, ChannelTransferRequest request, CancellationToken cancellationToken)
    {
        var id = Uri.EscapeDataString(request.TransferId);
        var response = await api.SendAsync(merchant, HttpMethod.Get, $"{Path}/out-batch-no/{id}?need_query_detail=false", null, cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return ChannelTransferResult.Unknown(response.Describe());
        }

        if (response.StatusCode == 200)
        {
            // As for the detail: a verified answer about another batch, amount or merchant is not an answer.
            return WeChatPayTransferBatch.TryParse(Encoding.UTF8.GetString(response.Body), out var batch)
                && batch.OutBatchNo == request.TransferId && batch.TotalAmount == request.Amount
                && (batch.MchId is null || batch.MchId == merchant.MchId)
                ? new ChannelTransferResult(ChannelFundsState.Pending, batch.BatchId)
                : ChannelTransferResult.Unknown("WeChat Pay answered the batch query with a different or unreadable batch.");
        }

        var (code, message) = response.Error();
        if (response.StatusCode == 404 && code is not null && NotFoundCodes.Contains(code))
        {
            return new ChannelTransferResult(ChannelFundsState.NotFound, ErrorCode: code, ErrorMessage: message);
        }

        return new ChannelTransferResult(ChannelFundsState.Unknown, ErrorCode: code ?? "CHANNEL_UNKNOWN", ErrorMessage: message ?? response.Describe());
    }

    private static ChannelTransferResult? Reject(ChannelTransferRequest request)
    {
        // Checked before anything is sent, so "Failed" is certain: nothing exists at WeChat.
        string? problem = request switch
        {
            { Amount: <= 0 } => "The transfer amount must be positive.",
            _ when !string.Equals(request.Currency, "CNY", StringComparison.OrdinalIgnoreCase) => "WeChat Pay only transfers CNY.",
            _ when request.PayeeType != PayGateway.PayeeTypes.WeChatOpenId => $"WeChat Pay cannot pay to payee type '{request.PayeeType}'.",
            _ when string.IsNullOrWhiteSpace(request.PayeeAccount) => "The payee's openid is missing.",
            _ when request.Amount >= NameRequiredFrom && string.IsNullOrWhiteSpace(request.PayeeName) => "WeChat Pay requires the payee's name from 2000 yuan on.",
            _ => null,
        };
        return problem is null ? null : new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: "INVALID_REQUEST", ErrorMessage: problem);
    }
}
