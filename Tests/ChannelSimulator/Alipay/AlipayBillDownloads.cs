using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// The download links <c>alipay.data.dataservice.bill.downloadurl.query</c> hands out and the plain, unsigned GET
/// that serves them. Like Alipay's, a link is its own credential and stops working <see cref="Lifetime"/> after it was
/// issued (simulator clock); an unknown or expired token gets a 404 page instead of a zip.
/// </summary>
internal sealed class AlipayBillDownloads(TimeProvider time) : IResettableState
{
    /// <summary>Path of the download, shaped like Alipay's <c>dwbillcenter.alipay.com/downloadBillFile.resource</c>.</summary>
    public const string Path = "/alipay/bills/downloadBillFile.resource";

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Issued> _links = new(StringComparer.Ordinal);

    private sealed record Issued(AlipayBill Bill, DateTimeOffset ExpiresAt);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(Path, (HttpContext context, AlipayBillDownloads downloads) => downloads.ServeAsync(context));

    /// <summary>A fresh link to <paramref name="bill"/>, absolute on the simulator the request reached.</summary>
    public string Issue(HttpRequest request, string account, string bizDate, AlipayBill bill)
    {
        var now = time.GetUtcNow();
        foreach (var (token, link) in _links)
        {
            if (link.ExpiresAt <= now)
            {
                _links.TryRemove(token, out _);
            }
        }

        var fresh = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _links[fresh] = new Issued(bill, now + Lifetime);
        var query = AlipayWire.EncodeForm(
        [
            new("bizType", "trade"),
            new("userId", account),
            new("fileType", "csv.zip"),
            new("bizDates", bizDate),
            new("downloadFileName", bill.FileName),
            new("token", fresh),
        ]);
        return $"{request.Scheme}://{request.Host}{Path}?{query}";
    }

    public void Clear() => _links.Clear();

    private async Task ServeAsync(HttpContext context)
    {
        var token = context.Request.Query["token"].ToString();
        var response = context.Response;
        if (!_links.TryGetValue(token, out var link) || link.ExpiresAt <= time.GetUtcNow())
        {
            var page = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>下载链接已失效</title></head><body><p>下载链接已失效，请重新获取。</p></body></html>");
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/html; charset=utf-8";
            response.ContentLength = page.Length;
            await response.Body.WriteAsync(page, CancellationToken.None);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.Headers.ContentDisposition = $"attachment; filename={link.Bill.FileName}";
        response.ContentLength = link.Bill.Zip.Length;
        await response.Body.WriteAsync(link.Bill.Zip, CancellationToken.None);
    }
}
