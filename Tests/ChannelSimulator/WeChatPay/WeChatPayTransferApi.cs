using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// <c>POST /v3/transfer/batches</c>, <c>GET /v3/transfer/batches/out-batch-no/{b}?need_query_detail=</c> and
/// <c>GET /v3/transfer/batches/out-batch-no/{b}/details/out-detail-no/{d}</c>.
/// A batch is accepted with its details <c>PROCESSING</c>; after <see cref="WeChatPaySimulatorOptions.TransferProcessingTime"/>
/// each detail ends <c>SUCCESS</c> (recorded as <c>transferred</c>) or <c>FAIL</c>. Encrypted <c>user_name</c>s are
/// decrypted with the platform key named by the request's <c>Wechatpay-Serial</c>. Behaviours go by out_batch_no; both
/// queries are the operation <c>transfer_query</c>.
/// </summary>
internal sealed class WeChatPayTransferApi(
    WeChatPayCalls calls,
    WeChatPayTransferStore transfers,
    WeChatPayPayees payees,
    WeChatPayPlatformKeys platform,
    WeChatPayDeferred deferred,
    BehaviourRegistry behaviours,
    RecordLog records,
    SimulatorOptions options,
    TimeProvider time)
{
    public const string Path = "/v3/transfer/batches";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Path, (HttpContext c, WeChatPayTransferApi api) => api.TransferAsync(c));
        app.MapGet(Path + "/out-batch-no/{outBatchNo}/details/out-detail-no/{outDetailNo}",
            (HttpContext c, string outBatchNo, string outDetailNo, WeChatPayTransferApi api) => api.QueryDetailAsync(c, outBatchNo, outDetailNo));
        app.MapGet(Path + "/out-batch-no/{outBatchNo}", (HttpContext c, string outBatchNo, WeChatPayTransferApi api) => api.QueryBatchAsync(c, outBatchNo));
    }

    public async Task TransferAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, RecordKind.TransferRequest, null) is not ({ } call, { } merchant))
        {
            return;
        }
        var (request, outBatchNo, total, error) = WeChatPayTransferReader.Read(call.Body);
        if (request is null)
        {
            await call.ReplyAsync(400, new ErrorBody("PARAM_ERROR", error!), "PARAM_ERROR", outBatchNo, total, "CNY");
            return;
        }
        call.Behaviour = behaviours.Resolve(request.OutBatchNo, SimulatorOperation.Transfer);
        if (!await call.ApplyDelayAndFailAsync(request.OutBatchNo, request.TotalAmount, "CNY"))
        {
            return;
        }
        var serial = context.Request.Headers[WeChatPayResponder.SerialHeader].ToString();
        var names = request.Details.Select(d => d.UserNameCiphertext is { } sealedName ? platform.Decrypt(serial, sealedName) : null).ToList();
        if (request.Details.Where((d, i) => d.UserNameCiphertext is not null && names[i] is null).Any())
        {
            await call.ReplyAsync(400, new ErrorBody("PARAM_ERROR", "user_name 解密失败: Wechatpay-Serial must name the platform certificate it was encrypted with."),
                "PARAM_ERROR", request.OutBatchNo, request.TotalAmount, "CNY");
            return;
        }

        var failReason = call.Behaviour.TransferFailReason is { Length: > 0 } reason ? reason : null;
        var (outcome, batch) = transfers.Create(merchant.MchId, request, names, failReason, time.GetUtcNow());
        if (outcome == TransferOutcome.Conflict)
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", "商家批次单号重复，请使用新的单号"), "INVALID_REQUEST",
                request.OutBatchNo, request.TotalAmount, "CNY", batch.BatchId);
            return;
        }
        if (outcome == TransferOutcome.Created)
        {
            deferred.After(options.WeChatPay.TransferProcessingTime, () => End(batch));
        }
        var answer = new JsonObject
        {
            ["out_batch_no"] = batch.OutBatchNo,
            ["batch_id"] = batch.BatchId,
            ["create_time"] = WeChatPayCrypto.Rfc3339(batch.CreatedAt),
            ["batch_status"] = batch.BatchStatus,
        };
        await call.ReplyAsync(200, answer, batch.BatchStatus, batch.OutBatchNo, batch.TotalAmount, "CNY", batch.BatchId);
    }

    public async Task QueryDetailAsync(HttpContext context, string outBatchNo, string outDetailNo)
    {
        if (await calls.BeginAsync(context, RecordKind.TransferQuery, outBatchNo) is not ({ } call, { } merchant))
        {
            return;
        }
        call.Behaviour = behaviours.Resolve(outBatchNo, SimulatorOperation.TransferQuery);
        if (!await call.ApplyDelayAndFailAsync(outBatchNo, null, null))
        {
            return;
        }
        // Read after any delay_ms: the batch may have ended meanwhile.
        var batch = transfers.Find(merchant.MchId, outBatchNo);
        if (batch?.Details.FirstOrDefault(d => d.OutDetailNo == outDetailNo) is not { } detail || call.Behaviour.HoldTransferDetail)
        {
            // hold_transfer_detail: WeChat has the batch but answers for its details only once it has processed it.
            await call.ReplyAsync(404, new ErrorBody("NOT_FOUND", "记录不存在"), "NOT_FOUND", outBatchNo);
            return;
        }
        var json = new JsonObject
        {
            ["mchid"] = batch.MchId,
            ["out_batch_no"] = batch.OutBatchNo,
            ["batch_id"] = batch.BatchId,
            ["appid"] = batch.AppId,
            ["out_detail_no"] = detail.OutDetailNo,
            ["detail_id"] = detail.DetailId,
            ["detail_status"] = detail.Status,
            ["transfer_amount"] = detail.Amount,
            ["transfer_remark"] = detail.Remark,
        };
        if (detail.FailReason is not null)
        {
            json["fail_reason"] = detail.FailReason;
        }
        json["openid"] = detail.OpenId;
        if (detail.UserName is not null)
        {
            // WeChat answers the name encrypted for the merchant, with the merchant's own public key.
            json["user_name"] = WeChatPayCrypto.EncryptSensitive(merchant.PublicKey, detail.UserName);
        }
        json["initiate_time"] = WeChatPayCrypto.Rfc3339(batch.CreatedAt);
        json["update_time"] = WeChatPayCrypto.Rfc3339(detail.UpdatedAt);
        await call.ReplyAsync(200, json, detail.Status, batch.OutBatchNo, detail.Amount, "CNY", batch.BatchId);
    }

    /// <summary>
    /// The batch by out_batch_no: <c>{"transfer_batch":{…}}</c>, with <c>transfer_detail_list</c> (detail_id,
    /// out_detail_no, detail_status) when <c>need_query_detail=true</c>; 404 <c>NOT_FOUND</c> when there is no such batch.
    /// </summary>
    public async Task QueryBatchAsync(HttpContext context, string outBatchNo)
    {
        if (await calls.BeginAsync(context, RecordKind.TransferQuery, outBatchNo) is not ({ } call, { } merchant))
        {
            return;
        }
        var needDetail = context.Request.Query["need_query_detail"].ToString();
        if (needDetail is not ("true" or "false"))
        {
            await call.ReplyAsync(400, new ErrorBody("PARAM_ERROR", "need_query_detail 必须为 true 或 false"), "PARAM_ERROR", outBatchNo);
            return;
        }
        call.Behaviour = behaviours.Resolve(outBatchNo, SimulatorOperation.TransferQuery);
        if (!await call.ApplyDelayAndFailAsync(outBatchNo, null, null))
        {
            return;
        }
        if (transfers.Find(merchant.MchId, outBatchNo) is not { } batch)
        {
            await call.ReplyAsync(404, new ErrorBody("NOT_FOUND", "记录不存在"), "NOT_FOUND", outBatchNo);
            return;
        }
        var succeeded = batch.Details.Where(d => d.Status == WeChatPayTransferStatus.Success).ToList();
        var failed = batch.Details.Where(d => d.Status == WeChatPayTransferStatus.Fail).ToList();
        var json = new JsonObject
        {
            ["transfer_batch"] = new JsonObject
            {
                ["mchid"] = batch.MchId,
                ["out_batch_no"] = batch.OutBatchNo,
                ["batch_id"] = batch.BatchId,
                ["appid"] = batch.AppId,
                ["batch_status"] = batch.BatchStatus,
                ["batch_type"] = "API",
                ["batch_name"] = batch.BatchName,
                ["batch_remark"] = batch.BatchRemark,
                ["total_amount"] = batch.TotalAmount,
                ["total_num"] = batch.Details.Count,
                ["create_time"] = WeChatPayCrypto.Rfc3339(batch.CreatedAt),
                ["success_amount"] = succeeded.Sum(d => d.Amount),
                ["success_num"] = succeeded.Count,
                ["fail_amount"] = failed.Sum(d => d.Amount),
                ["fail_num"] = failed.Count,
            },
        };
        if (needDetail == "true" && !call.Behaviour.HoldTransferDetail)
        {
            json["transfer_detail_list"] = new JsonArray([.. batch.Details.Select(d => (JsonNode)new JsonObject
            {
                ["detail_id"] = d.DetailId,
                ["out_detail_no"] = d.OutDetailNo,
                ["detail_status"] = d.Status,
            })]);
        }
        await call.ReplyAsync(200, json, batch.BatchStatus, batch.OutBatchNo, batch.TotalAmount, "CNY", batch.BatchId);
    }

    // The money reaches each payee (or not): one `transferred` record per successful detail.
    private void End(WeChatPayTransferView created)
    {
        if (transfers.End(created, payees, time.GetUtcNow()) is not { } ended)
        {
            return;
        }
        foreach (var detail in ended.Details.Where(d => d.Status == WeChatPayTransferStatus.Success))
        {
            records.Add(RecordKind.Transferred, ended.MchId, detail.OutDetailNo, ended.BatchId, detail.Amount, "CNY", 0, detail.Status);
        }
    }
}
