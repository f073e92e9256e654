using System.Globalization;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// <c>POST /unionpay/filedownload/</c>: file transfer (txnType 76, fileType 00), UnionPay's daily file for a settle date
/// (MMDD), built from the simulator's own paid UnionPay consumes and refunds of that clearing day, every amount through
/// <see cref="BillDrift"/>. A day that has not begun answers respCode 98 (file does not exist).
/// </summary>
internal sealed class UnionPayFileTransfer(
    UnionPayRequestReader reader,
    UnionPayKeys keys,
    TradeStore store,
    UnionPayRefunds refunds,
    BehaviourRegistry behaviours,
    BillDrift drift,
    RecordLog records,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
{
    public const string Path = "/unionpay/filedownload/";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, (HttpContext c, UnionPayFileTransfer f) => f.DownloadAsync(c));

    private async Task DownloadAsync(HttpContext context)
    {
        var (request, refusal) = await reader.ReadAsync(context, isBrowser: false);
        if (refusal is not null)
        {
            records.Add(RecordKind.StatementRequest, refusal.MerId, null, null, null, null, 200, refusal.RespCode);
            var refused = UnionPayAnswers.Error(new UnionPayRequest(refusal.MerId, refusal.Fields, false), refusal.RespCode, refusal.RespMsg);
            await UnionPayAnswers.WriteRawAsync(context, keys.Signed(refused, wrongKey: false));
            return;
        }

        var call = new UnionPayApiCall(context, request!, RecordKind.StatementRequest, records, keys, lifetime.ApplicationStopping);
        var settleDate = request!.Field("settleDate");
        if (request.Field("txnType") != "76" || request.Field("txnSubType") != "01" || request.Field("bizType") != "000000"
            || request.Field("fileType") != "00" || settleDate is not { Length: 4 } || !settleDate.All(char.IsAsciiDigit))
        {
            await call.ReplyAsync(200, Answer(request, "10", "文件传输报文格式错误"), "10", outTradeNo: null);
            return;
        }

        var now = time.GetUtcNow();
        var day = UnionPayWire.SettleDayOf(settleDate, now);
        // A behaviour set for the day (e.g. "2026-11-26") wins over the global one.
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.Statement, day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (!await call.ApplyDelayAndFailAsync(null, null, null))
        {
            return;
        }

        // Real files appear the morning after the clearing day; the simulator also serves the current day so far.
        if (day is not { } settle || settle > UnionPayWire.SettleDay(now))
        {
            await call.ReplyAsync(200, Answer(request, "98", "文件不存在"), "98", outTradeNo: null);
            return;
        }

        var from = new DateTimeOffset(settle.ToDateTime(TimeOnly.MinValue), UnionPayWire.SettleDayOffset);
        var rows = store.PaidBetween(SimulatorProtocol.UnionPay, request.MerId, from, from.AddDays(1))
            .Where(t => drift.Lists(t.OutTradeNo))
            .Select(t => new UnionPayZmRow(UnionPayZmRow.Consume, t.OutTradeNo, t.TradeNo, drift.AmountFor(t.OutTradeNo, t.Amount), t.PaidAt!.Value, t.Method == "WEB" ? "07" : "08"))
            .Concat(refunds.RefundedBetween(request.MerId, from, from.AddDays(1))
                .Where(r => drift.Lists(r.OrderId))
                .Select(r => new UnionPayZmRow(UnionPayZmRow.Refund, r.OrderId, r.QueryId, drift.AmountFor(r.OrderId, r.Amount), r.RefundedAt, "07", r.OrigQueryId, r.OrigOrderId)))
            .OrderBy(r => r.At)
            .ToList();
        var answer = Answer(request, "00", "成功[0000000]");
        answer.Add(new("fileName", UnionPayZmFile.ZipName(request.MerId, settle)));
        answer.Add(new("fileContent", UnionPayZmFile.FileContent(request.MerId, settle, rows)));
        await call.ReplyAsync(200, answer, "READY", outTradeNo: null);
    }

    private static List<KeyValuePair<string, string>> Answer(UnionPayRequest request, string respCode, string respMsg)
    {
        var fields = UnionPayAnswers.Base(request, respCode, respMsg);
        fields.Add(new("settleDate", request.Field("settleDate") ?? ""));
        fields.Add(new("fileType", request.Field("fileType") ?? ""));
        return fields;
    }
}
