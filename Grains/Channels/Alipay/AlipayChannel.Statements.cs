using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Statements: <c>alipay.data.dataservice.bill.downloadurl.query</c> (bill_type <c>trade</c>) for a signed download
/// link, then a plain GET of the zip it names, parsed by <see cref="AlipayStatementParser"/>.
/// </summary>
public sealed partial class AlipayChannel : IStatementChannel
{
    private const string BillUrlMethod = "alipay.data.dataservice.bill.downloadurl.query";
    private const string BillNotExist = "isp.bill_not_exist";
    private const string EmptyBillFileCode = "EMPTY_DATA_WITH_BILL_FILE";

    /// <summary>Alipay cuts its days at midnight Beijing time, and China has no daylight saving.</summary>
    public TimeSpan StatementDayOffset => ChinaStandardTime.Offset;

    public async Task<ChannelStatement> DownloadStatementAsync(ChannelAccount account, DateOnly billDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);

        var biz = new Dictionary<string, object?>
        {
            ["bill_type"] = "trade",
            ["bill_date"] = billDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        var call = await CallAsync(account, BillUrlMethod, biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelStatement.Unknown("CHANNEL_UNKNOWN", call.Problem!);
        }

        switch (call.Code, call.SubCode)
        {
            case ("40004", BillNotExist):
                return ChannelStatement.NotReady(BillNotExist, call.SubMessage ?? "Alipay has no bill for that day yet.");
            case ("10000", _) when Str(payload, "bill_file_code") == EmptyBillFileCode:
                // A verified answer that the day had no business: the (empty) file adds nothing to download.
                return ChannelStatement.Ready([]);
            case ("10000", _):
                break;
            default:
                return ChannelStatement.Unknown(call.SubCode ?? call.Code ?? "CHANNEL_UNKNOWN", call.SubMessage ?? call.Message ?? "Alipay did not give a bill download link.");
        }

        if (!Uri.TryCreate(Str(payload, "bill_download_url"), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return ChannelStatement.Unknown("CHANNEL_UNKNOWN", "Alipay's answer has no usable bill_download_url.");
        }

        var (zip, problem) = await DownloadBillAsync(account, url, cancellationToken).ConfigureAwait(false);
        if (zip is null)
        {
            return ChannelStatement.Unknown("CHANNEL_UNKNOWN", problem!);
        }

        var statement = AlipayStatementParser.Parse(zip);
        if (statement.Availability != StatementAvailability.Ready)
        {
            LogBillRejected(account.AccountId, billDate, statement.ErrorCode);
            return statement;
        }

        // Alipay files a row by its 完成时间; a row outside the day asked for means this is not that day's file.
        var from = new DateTimeOffset(billDate.ToDateTime(TimeOnly.MinValue), ChinaStandardTime.Offset);
        var until = from.AddDays(1);
        if (statement.Lines.FirstOrDefault(l => l.OccurredAt is not { } at || at < from || at >= until) is { } stray)
        {
            LogBillRejected(account.AccountId, billDate, "ROW_OUTSIDE_DAY");
            return ChannelStatement.Unknown(AlipayStatementParser.Unparseable, $"The bill for {biz["bill_date"]} has a row completed at {stray.OccurredAt:O}.");
        }

        return statement;
    }

    /// <summary>The zip behind the link: an unsigned GET (the link itself is the credential, valid for 30 s).</summary>
    private async Task<(byte[]? Zip, string? Problem)> DownloadBillAsync(ChannelAccount account, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            var client = _httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                // An expired or already-used link: ask for a new one next time.
                LogUnexpectedStatus("bill download", account.AccountId, status);
                return (null, $"The bill download answered HTTP {status}.");
            }

            return (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The link is never logged: until it expires it gives anyone the merchant's bill.
            LogTransportFailure("bill download", account.AccountId, ex.GetType().Name);
            return (null, "Transport failure downloading the bill.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay bill of account {AccountId} for {BillDate} was rejected ({Reason}); statement unknown")]
    private partial void LogBillRejected(string accountId, DateOnly billDate, string? reason);
}
