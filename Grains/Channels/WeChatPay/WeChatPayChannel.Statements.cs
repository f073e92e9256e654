using System.Globalization;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// Daily trade bills (<c>GET /v3/bill/tradebill</c>, bill_type ALL, GZIP): the signed answer gives a SHA-1 and a
/// short-lived download link; the file is fetched, unzipped, checked against the hash and parsed.
/// </summary>
public sealed partial class WeChatPayChannel : IStatementChannel
{
    private const string TradeBillPath = "/v3/bill/tradebill";

    /// <summary>WeChat cuts bill days at midnight Beijing time.</summary>
    public TimeSpan StatementDayOffset => ChinaStandardTime.Offset;

    /// <summary>A refund row is written when WeChat accepts the refund, and dated by that (交易时间 of the REFUND row).</summary>
    public bool DatesRefundsByAcceptance => true;

    public async Task<ChannelStatement> DownloadStatementAsync(ChannelAccount account, DateOnly billDate, CancellationToken cancellationToken)
    {
        var merchant = WeChatPayMerchant.From(account);
        var path = $"{TradeBillPath}?bill_date={billDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&bill_type=ALL&tar_type=GZIP";
        var response = await _api.SendAsync(merchant, HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsVerified)
        {
            return ChannelStatement.Unknown("CHANNEL_UNKNOWN", response.Describe());
        }

        if (response.StatusCode != 200)
        {
            return NoBill(response, billDate);
        }

        if (!WeChatPayBillLink.TryRead(response, merchant, out var link, out var problem))
        {
            return ChannelStatement.Unknown("CHANNEL_UNKNOWN", problem!);
        }

        var download = await _api.DownloadAsync(merchant, link!.DownloadUrl, cancellationToken).ConfigureAwait(false);
        if (download.StatusCode != 200)
        {
            // An expired link is answered like any other error: there is nothing to conclude, ask again later.
            var (code, message) = download.Error();
            return ChannelStatement.Unknown(code ?? "CHANNEL_UNKNOWN", $"The bill download failed: {message ?? download.Describe()}");
        }

        return WeChatPayBillDownload.TryOpen(download.Body, link.HashValue, out var csv, out problem)
            ? WeChatPayBillParser.Parse(csv)
            : ChannelStatement.Unknown("BILL_HASH_MISMATCH", problem!);
    }

    private ChannelStatement NoBill(WeChatPayApiResponse response, DateOnly billDate)
    {
        var (code, message) = response.Error();
        if (response.StatusCode == 400 && code == "STATEMENT_CREATING")
        {
            return ChannelStatement.NotReady(code, message ?? "WeChat Pay is still generating the bill.");
        }

        if (response.StatusCode == 400 && code == "NO_STATEMENT_EXIST")
        {
            // "No trade that day" is only final once the day is over: asked during the day (or for a later one), it
            // says nothing about trades still to come.
            var today = DateOnly.FromDateTime(_timeProvider.GetUtcNow().ToOffset(ChinaStandardTime.Offset).DateTime);
            return billDate < today
                ? ChannelStatement.Ready([])
                : ChannelStatement.NotReady(code, message ?? "The day is not over.");
        }

        return ChannelStatement.Unknown(code ?? "CHANNEL_UNKNOWN", message ?? response.Describe());
    }
}
