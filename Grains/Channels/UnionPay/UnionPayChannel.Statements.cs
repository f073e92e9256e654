using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// Statements: file transfer (txnType 76, fileType 00) for a settle date, posted to UnionPay's file-download host
/// (<see cref="UnionPayAccount.FileTransferUrl"/>) and verified like every other answer; its <c>fileContent</c> is
/// decoded (<see cref="UnionPayFileContent"/>) and the ZM file parsed (<see cref="UnionPayStatementParser"/>).
/// </summary>
public sealed partial class UnionPayChannel : IStatementChannel
{
    /// <summary>file transfer: the file for that settle date does not exist (yet).</summary>
    public const string FileNotFound = "98";

    private const string FileTransferLabel = "fileTransfer";

    /// <summary>
    /// +09:00, i.e. a statement day that ends at 23:00 Beijing time. UnionPay files transactions by clearing date
    /// (settleDate), not by calendar day, and the clearing day is commonly cited as running from 23:00 the evening
    /// before to 23:00 (channel-protocols-2.md §1.3, an open point there: not confirmed by a public sample, whose test
    /// environment files transactions of the next morning). Midnight would put every payment made between 23:00 and
    /// midnight on the wrong day on one side of the comparison; with the 23:00 cut both sides agree whenever UnionPay
    /// does what it is documented to do, and a transaction near the cut that UnionPay clears otherwise shows as one
    /// PAYMENT_MISSING_ON_CHANNEL on one day and its line on the neighbouring one, which an operator can see.
    /// </summary>
    public TimeSpan StatementDayOffset => ChinaStandardTime.Offset + TimeSpan.FromHours(1);

    public async Task<ChannelStatement> DownloadStatementAsync(ChannelAccount account, DateOnly billDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var merId = UnionPayAccount.MerId(account);
        var settleDate = billDate.ToString("MMdd", CultureInfo.InvariantCulture);
        var fields = RequestFields(merId, UnionPayFields.TxnTypeFileTransfer, UnionPayFields.SubTypeFileDownload, UnionPayFields.BizTypeQuery);
        fields.AddRange(
        [
            // MMDD only: UnionPay keeps the files of recent days, so the year is never in doubt on its side.
            new(UnionPayFields.SettleDate, settleDate),
            // A request time, not a transaction's identity: nothing is ever asked about this call again.
            new(UnionPayFields.TxnTime, UnionPayFormats.ToBeijingTime(_timeProvider.GetUtcNow())),
            new(UnionPayFields.FileType, UnionPayFields.FileTypeDaily),
        ]);

        var call = await CallAsync(account, UnionPayAccount.FileTransferUrl(account), FileTransferLabel, null, fields, cancellationToken).ConfigureAwait(false);
        if (call.Fields is not { } answer)
        {
            return ChannelStatement.Unknown("CHANNEL_UNKNOWN", call.Problem!);
        }

        var respCode = answer.GetValueOrDefault(UnionPayFields.RespCode);
        var respMsg = answer.GetValueOrDefault(UnionPayFields.RespMsg);
        switch (respCode)
        {
            case UnionPayRespCodes.Success:
                break;
            case FileNotFound:
                // Not generated yet (files appear the morning after the clearing day), or no file at all for the day.
                return ChannelStatement.NotReady(respCode, respMsg ?? "UnionPay has no file for that settle date yet.");
            default:
                // Busy (03/04/05), refused request (10/11/…): nothing about the day's business.
                return ChannelStatement.Unknown(respCode ?? "CHANNEL_UNKNOWN", respMsg ?? "UnionPay did not give the file.");
        }

        if (answer.GetValueOrDefault(UnionPayFields.SettleDate) is { Length: > 0 } answered && answered != settleDate)
        {
            LogStatementRejected(account.AccountId, billDate, "OTHER_SETTLE_DATE");
            return ChannelStatement.Unknown("CHANNEL_UNKNOWN", $"Asked for settle date {settleDate}, UnionPay answered about {answered}.");
        }

        if (!UnionPayFileContent.TryDecode(answer.GetValueOrDefault(UnionPayFields.FileContent), out var zip, out var problem))
        {
            LogStatementRejected(account.AccountId, billDate, "FILE_CONTENT");
            return ChannelStatement.Unknown(UnionPayStatementParser.Unparseable, problem);
        }

        var statement = UnionPayStatementParser.Parse(zip, merId, billDate);
        if (statement.Availability != StatementAvailability.Ready)
        {
            LogStatementRejected(account.AccountId, billDate, statement.ErrorCode);
        }

        return statement;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "UnionPay statement of account {AccountId} for {BillDate} was rejected ({Reason}); statement unknown")]
    private partial void LogStatementRejected(string accountId, DateOnly billDate, string? reason);
}
