using System.Text;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// The fixed-width record of a UnionPay ZM (transaction detail) file: 42 fields of fixed <b>byte</b> widths, separated by
/// one space, 607 bytes, GBK, each record ended by CRLF (channel-protocols-2.md §1.3; widths from UnionPay's demo
/// <c>parseZMFile</c>). Fields are sliced as bytes and only then decoded: a GBK character takes two bytes, so slicing the
/// decoded text would shift every later field.
/// </summary>
public static class UnionPayZmLayout
{
    /// <summary>The widths of the 42 fields, in order (the same int[42] in UnionPay's Java, PHP and .NET demos).</summary>
    public static readonly IReadOnlyList<int> Widths =
    [
        3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2,
        6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13, 8, 32, 13, 13, 12, 2, 1, 32, 98,
    ];

    /// <summary>Bytes of one record without its CRLF: 566 data bytes and 41 separating spaces.</summary>
    public static readonly int RecordLength = Widths.Sum() + Widths.Count - 1;

    // Zero-based field indexes of what the gateway reads (field n of the layout table is index n − 1).

    /// <summary>交易传输时间, MMDDhhmmss Beijing time (no year).</summary>
    public const int TransmissionTime = 4;

    /// <summary>交易金额: 12 digits of fen, unsigned.</summary>
    public const int TxnAmount = 6;

    /// <summary>查询流水号: the transaction's queryId.</summary>
    public const int QueryId = 9;

    /// <summary>商户订单号: the transaction's own orderId, right-padded with spaces to 32.</summary>
    public const int OrderId = 11;

    /// <summary>商户手续费: sign (C/D/space) + 12 digits of fen.</summary>
    public const int MerchantFee = 15;

    /// <summary>结算金额: sign (C/D/space) + 12 digits of fen.</summary>
    public const int SettleAmount = 16;

    /// <summary>交易类型: the ACP txnType (01 consume, 04 refund, 31 consume revoke, …).</summary>
    public const int TxnType = 19;

    /// <summary>原交易查询流水号: on a refund or revoke, the queryId of the consume it undoes.</summary>
    public const int OrigQueryId = 26;

    /// <summary>商户代码: the merId.</summary>
    public const int MerId = 27;

    /// <summary>原始交易订单号: on a refund or revoke, the orderId of the consume it undoes.</summary>
    public const int OrigOrderId = 40;

    /// <summary>
    /// Splits one record (without CRLF) into its 42 fields, decoded from GBK and not trimmed. False when the record
    /// is not exactly <see cref="RecordLength"/> bytes or a separator is not a space: the file is not this layout.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> record, Encoding gbk, out string[] fields)
    {
        ArgumentNullException.ThrowIfNull(gbk);
        fields = new string[Widths.Count];
        if (record.Length != RecordLength)
        {
            return false;
        }

        var position = 0;
        for (var i = 0; i < Widths.Count; i++)
        {
            if (i > 0)
            {
                if (record[position] != (byte)' ')
                {
                    return false;
                }

                position++;
            }

            fields[i] = gbk.GetString(record.Slice(position, Widths[i]));
            position += Widths[i];
        }

        return true;
    }
}
