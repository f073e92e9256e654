using System.Globalization;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// <c>alipay.data.dataservice.bill.downloadurl.query</c>: the day's <c>trade</c> bill, built from the simulator's own
/// Alipay trades (by paid time) and refunds (by refund time), every amount through <see cref="BillDrift"/>.
/// </summary>
internal sealed partial class AlipayGateway
{
    public const string BillNotExist = "isp.bill_not_exist";
    public const string EmptyBillFileCode = "EMPTY_DATA_WITH_BILL_FILE";

    private async Task BillDownloadUrlAsync(AlipayApiCall call)
    {
        var request = call.Request;
        var billDate = request.BizString("bill_date");
        if (request.BizString("bill_type") != "trade")
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.InvalidArgument, "isv.invalid-parameter", "bill_type无效（模拟器只提供trade账单）"), outTradeNo: null);
            return;
        }
        if (!DateOnly.TryParseExact(billDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.InvalidArgument, "isv.invalid-parameter", "bill_date格式错误（模拟器只提供日账单yyyy-MM-dd）"), outTradeNo: null);
            return;
        }

        // A behaviour set for the bill date (e.g. "2026-11-26") wins over the global one.
        call.Behaviour = behaviours.ResolveFirst(SimulatorOperation.Statement, billDate);
        if (!await call.ApplyDelayAndFailAsync(null, null, null))
        {
            return;
        }

        var now = time.GetUtcNow();
        if (!BillDay.IsAvailable(day, now))
        {
            await call.AnswerAsync(AlipayAnswer.Error(AlipayCode.BusinessFailed, BillNotExist, "账单不存在"), outTradeNo: null);
            return;
        }

        var rows = BillRows(request.AppId, day);
        var account = AlipayBillFile.AccountOf(request.AppId);
        var bill = AlipayBillFile.Build(account, day, rows, now);
        var fields = new JsonObject
        {
            ["bill_download_url"] = billDownloads.Issue(call.HttpRequest, account, day.ToString("yyyyMMdd", CultureInfo.InvariantCulture), bill),
        };
        if (rows.Count == 0)
        {
            fields["bill_file_code"] = EmptyBillFileCode;
        }
        await call.AnswerAsync(AlipayAnswer.Success(rows.Count == 0 ? EmptyBillFileCode : AlipayCode.Success, fields), outTradeNo: null);
    }

    /// <summary>
    /// The day's payments and refunds in completion order, with the amounts a test may have drifted (a drift to 0
    /// leaves the row out: the channel's bill lacks it).
    /// </summary>
    private List<AlipayBillRow> BillRows(string appId, DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), BillDay.Offset);
        var to = from.AddDays(1);
        var rows = store.PaidBetween(SimulatorProtocol.Alipay, appId, from, to)
            .Where(t => drift.Lists(t.OutTradeNo))
            .Select(t => new AlipayBillRow(
                t.TradeNo, t.OutTradeNo, IsRefund: false, t.Subject, t.CreatedAt, t.PaidAt!.Value, options.BuyerLogonId,
                drift.AmountFor(t.OutTradeNo, t.Amount), OutRequestNo: null))
            .ToList();
        foreach (var refund in refunds.RefundedBetween(appId, from, to).Where(r => drift.Lists(r.OutRequestNo)))
        {
            // The refund row repeats the payment's trade numbers, subject and creation time.
            var trade = store.FindByTradeNo(refund.TradeNo);
            rows.Add(new AlipayBillRow(
                refund.TradeNo, refund.OutTradeNo, IsRefund: true, trade?.Subject ?? "", trade?.CreatedAt ?? refund.RefundedAt, refund.RefundedAt,
                options.BuyerLogonId, drift.AmountFor(refund.OutRequestNo, refund.Amount), refund.OutRequestNo));
        }
        return [.. rows.OrderBy(r => r.CompletedAt)];
    }
}
