using System.Collections.Frozen;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// What UnionPay's response codes (respCode, and origRespCode in a queryTrans answer) mean for the gateway. Only a code
/// in <see cref="NothingMoved"/> is a final failure; <see cref="InProgress"/> is pending; <b>every other code</b>,
/// known or not, is "not final" (unknown), and the gateway asks again later.
/// </summary>
/// <remarks>
/// <para>Why an allow-list. UnionPay's demo code (channel-protocols.md C5, [S/D]) treats 00 as success, 03/04/05 as
/// "ask again" and says of everything else "其他应答码为失败请排查原因": a failure to investigate, not a verdict to apply
/// by machine. The official code table (《平台接入接口规范-第5部分-附录》, not public) is known here only as reproduced in
/// public ports of the ACP SDK, e.g. 1227260341/eryi-unionpay
/// <c>src/main/java/com/eryi/data/domain/PayResultStatus.java</c> @f89a1a47 [S], which agree with each other on these
/// codes. That table holds codes that must not be read as "nothing charged": 42 扣款成功但交易超过规定支付时间 (debited, but
/// after the allowed pay time: the payer who submits at the payTimeout this adapter sends), 74/75 扣款成功，销账未知/失败
/// (debited, write-off unknown/failed), A6 有缺陷的成功 (success with defects), 70 交易已跳转，等待持卡人输入
/// (redirected, the cardholder is still entering details), 83 发卡行（渠道）处理中 (the issuer is still processing), 02
/// 系统未开放或暂时关闭 (closed for now, try later), 06 系统繁忙 (busy, try later), 37 已超过最大查询次数或操作过于频繁
/// (rate-limited), 45/46 (the original was already refunded/revoked or reversed), 99 通用错误 (general error), and the
/// generic 01 and 60, which UnionPay's own payout/collection demos treat as undecided.</para>
/// <para>So a code becomes a final failure only when its documented meaning says the request was refused or the card
/// declined before anything moved; a code that cannot be placed with evidence stays not final. The price is that an
/// order or refund answered with such a code stays open until an operator or a later answer settles it.</para>
/// </remarks>
public static class UnionPayRespCodes
{
    public const string Success = "00";

    /// <summary>queryTrans: no such transaction (yet).</summary>
    public const string NotFound = "34";

    /// <summary>
    /// Codes whose meaning in the ACP table is "refused or declined, nothing done": the message was malformed or not
    /// signed (10, 11, 13); the merchant, amount, time or original transaction did not allow it (30–33, 35, 36, 38–40,
    /// 43, 44); the card or cardholder failed (61–69, 71–73, 77–81); the account lacked funds or authentication failed
    /// (90, 91). Nothing outside this list is a failure.
    /// </summary>
    private static readonly FrozenSet<string> NothingMoved = new[]
    {
        "10", // 报文格式错误
        "11", // 验证签名失败
        "13", // 报文交易要素缺失
        "30", // 交易未通过，请尝试使用其他银联卡支付
        "31", // 商户状态不正确
        "32", // 无此交易权限
        "33", // 交易金额超限
        "35", // 原交易不存在或状态不正确
        "36", // 与原交易信息不符
        "38", // 银联风险受限
        "39", // 交易不在受理时间范围内
        "40", // 绑定关系检查失败
        "43", // 无此业务权限
        "44", // 输入号码错误或暂未开通此项业务
        "61", // 输入的卡号无效
        "62", // 发卡银行不支持该商户
        "63", // 卡状态不正确
        "64", // 卡上的余额不足
        "65", // 输入的密码、有效期或CVN2有误，交易失败
        "66", // 持卡人身份信息或手机号输入不正确，验证失败
        "67", // 密码输入次数超限
        "68", // 您的银行卡暂不支持该业务
        "69", // 您的输入超时，交易失败
        "71", // 动态口令或短信验证码校验失败
        "72", // 尚未签约加办银联无卡支付业务
        "73", // 支付卡已超过有效期
        "77", // 银行卡未开通认证支付
        "78", // 发卡行交易权限受限
        "79", // 此卡可用，但发卡行暂不支持短信验证
        "80", // 交易失败，Token 已过期
        "81", // 月累计交易笔数(金额)超限
        "90", // 账户余额不足
        "91", // 认证失败
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Codes that say the transaction is still under way: 03/04/05 (timed out, status unknown, accepted: query again),
    /// 70 (redirected, waiting for the cardholder's input), 83 (the issuer is processing).
    /// </summary>
    private static readonly FrozenSet<string> InProgress = new[] { "03", "04", "05", "70", "83" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Codes that say the card was debited although the transaction is not a plain success: 42, 74, 75.</summary>
    private static readonly FrozenSet<string> Debited = new[] { "42", "74", "75" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>A transaction request's answer (appTransReq, backTransReq): accepted, definitively failed, or unknown.</summary>
    /// <remarks>
    /// "In progress" is unknown here: a request has no pending outcome, only a query or notification can tell. 12
    /// (duplicate transaction) is unknown as well: an earlier copy of the request may have gone through.
    /// </remarks>
    public static ChannelOutcome OutcomeOfRequest(string? respCode) =>
        respCode switch
        {
            Success => ChannelOutcome.Accepted,
            not null when NothingMoved.Contains(respCode) => ChannelOutcome.Failed,
            _ => ChannelOutcome.Unknown,
        };

    /// <summary>queryTrans with respCode 00: the original transaction's state from origRespCode.</summary>
    public static ChannelTradeState StateOfOriginal(string? origRespCode) => StateOf(origRespCode);

    /// <summary>A consume or refund notification's respCode: the transaction's state.</summary>
    public static ChannelTradeState StateOfTransaction(string? respCode) => StateOf(respCode);

    /// <summary>
    /// True for a code saying the payer's card was debited without the transaction being a plain success (42, 74, 75):
    /// the gateway keeps such an order open (unknown) and an operator has to decide; callers log it.
    /// </summary>
    public static bool SaysDebited(string? respCode) => respCode is not null && Debited.Contains(respCode);

    private static ChannelTradeState StateOf(string? code) =>
        code switch
        {
            null or "" => ChannelTradeState.Unknown,
            Success => ChannelTradeState.Succeeded,
            _ when InProgress.Contains(code) => ChannelTradeState.Pending,
            _ when NothingMoved.Contains(code) => ChannelTradeState.Failed,
            _ => ChannelTradeState.Unknown,
        };
}
