using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// <c>GET /v3/bill/tradebill?bill_date=yyyy-MM-dd[&amp;bill_type=ALL][&amp;tar_type=GZIP]</c> and the GET of the
/// <c>download_url</c> it answers with. The first is authenticated and answered signed like every v3 call
/// (behaviour operation <c>statement</c>, record <c>statement_request</c>); the download is authenticated too but, like WeChat's, answered with the
/// bare file and no signature (operation <c>bill_download</c>). <c>hash_value</c> is the SHA-1 of the plain CSV.
/// </summary>
internal sealed class WeChatPayBillApi(
    WeChatPayCalls calls,
    WeChatPayBillBuilder builder,
    WeChatPayBillLinks links,
    BehaviourRegistry behaviours,
    RecordLog records,
    TimeProvider time)
{
    public const string TradeBillPath = "/v3/bill/tradebill";
    public const string DownloadPath = "/v3/billdownload/file";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(TradeBillPath, (HttpContext c, WeChatPayBillApi api) => api.TradeBillAsync(c));
        app.MapGet(DownloadPath, (HttpContext c, WeChatPayBillApi api) => api.DownloadAsync(c));
    }

    public async Task TradeBillAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, RecordKind.StatementRequest, null) is not ({ } call, { } merchant))
        {
            return;
        }
        var query = context.Request.Query;
        var billType = query["bill_type"].ToString();
        var tarType = query["tar_type"].ToString();
        if (!DateOnly.TryParseExact(query["bill_date"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            || billType is not ("" or "ALL") || tarType is not ("" or "GZIP"))
        {
            await call.ReplyAsync(400, new ErrorBody("PARAM_ERROR", "bill_date must be yyyy-MM-dd; the simulator serves bill_type ALL, plain or tar_type GZIP."), "PARAM_ERROR", outTradeNo: null);
            return;
        }
        call.Behaviour = behaviours.Resolve(null, SimulatorOperation.Statement);
        if (!await call.ApplyDelayAndFailAsync(null, null, null))
        {
            return;
        }
        // A day that has not begun has no bill yet; WeChat's answer for a bill still to be generated.
        if (!BillDay.IsAvailable(day, time.GetUtcNow()))
        {
            await call.ReplyAsync(400, new ErrorBody("STATEMENT_CREATING", "账单生成中"), "STATEMENT_CREATING", outTradeNo: null);
            return;
        }
        if (builder.Build(merchant.MchId, day) is not { } csv)
        {
            await call.ReplyAsync(400, new ErrorBody("NO_STATEMENT_EXIST", "当日无交易，账单不存在"), "NO_STATEMENT_EXIST", outTradeNo: null);
            return;
        }
        var token = links.Issue(merchant.MchId, csv, gzip: tarType == "GZIP");
        var request = context.Request;
        var body = new JsonObject
        {
            ["hash_type"] = "SHA1",
            ["hash_value"] = Convert.ToHexStringLower(SHA1.HashData(csv)),
            ["download_url"] = $"{request.Scheme}://{request.Host}{DownloadPath}?token={token}",
        };
        await call.ReplyAsync(200, body, "READY", outTradeNo: null);
    }

    public async Task DownloadAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, WeChatPayRecordKind.BillDownload, null) is not ({ } call, { } merchant))
        {
            return;
        }
        call.Behaviour = behaviours.Resolve(null, WeChatPayOperation.BillDownload);
        if (!await call.ApplyDelayAndFailAsync(null, null, null))
        {
            return;
        }
        var (link, problem) = links.Open(context.Request.Query["token"].ToString(), merchant.MchId);
        if (link is null)
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", problem!), "INVALID_REQUEST", outTradeNo: null);
            return;
        }
        var csv = call.Behaviour.TamperBill ? [.. link.Csv, (byte)'\r', (byte)'\n'] : link.Csv;
        var file = link.Gzip ? Gzip(csv) : csv;
        records.Add(WeChatPayRecordKind.BillDownload, merchant.MchId, null, null, null, null, 200, "FILE");
        // WeChat sends the file bare: no Wechatpay-Signature, nothing to verify but the hash from the signed answer.
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = file.Length;
        await context.Response.Body.WriteAsync(file, CancellationToken.None);
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }
        return output.ToArray();
    }
}
