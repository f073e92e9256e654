using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Payee = PayGateway.PayeeTypes;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Transfers to Alipay accounts ("单笔无密转账"): <c>alipay.fund.trans.uni.transfer</c> and
/// <c>alipay.fund.trans.common.query</c>. The gateway transfer id is the <c>out_biz_no</c>, on which Alipay
/// deduplicates, so sending a transfer again can never pay twice.
/// </summary>
public sealed partial class AlipayChannel : ITransferChannel
{
    private const string TransferMethod = "alipay.fund.trans.uni.transfer";
    private const string TransferQueryMethod = "alipay.fund.trans.common.query";
    private const string TransferProductCode = "TRANS_ACCOUNT_NO_PWD";
    private const string TransferBizScene = "DIRECT_TRANSFER";

    /// <summary>order_title is required by Alipay and shown to the payee; used when the transfer has no remark.</summary>
    public const string DefaultTransferTitle = "转账";

    /// <summary>
    /// Refusals that say the transfer was not made: the payee is wrong, the balance or a limit is short, the request
    /// is invalid. SYSTEM_ERROR, PAYMENT_INFO_INCONSISTENCY (same out_biz_no, other content) and anything not listed
    /// may hide a transfer that went through, so they stay unknown.
    /// </summary>
    private static readonly FrozenSet<string> DefinitiveTransferRefusals = FrozenSet.ToFrozenSet(
    [
        "PAYEE_NOT_EXIST",
        "PAYEE_USER_INFO_ERROR",
        "PAYEE_ACCOUNT_STATUS_ERROR",
        "PAYER_BALANCE_NOT_ENOUGH",
        "INVALID_PARAMETER",
    ], StringComparer.Ordinal);

    public IReadOnlyCollection<string> PayeeTypes { get; } = [Payee.AlipayUserId, Payee.AlipayLogonId];

    public IReadOnlyCollection<string> TransferCurrencies { get; } = [Currency];

    public async Task<ChannelTransferResult> TransferAsync(ChannelAccount account, ChannelTransferRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);

        // Nothing has been sent yet, so each refusal here is a definitive "no money moved".
        if (!string.Equals(request.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: "CURRENCY_NOT_SUPPORTED", ErrorMessage: $"Alipay transfers here are in {Currency} only.");
        }

        if (request.Amount <= 0)
        {
            return new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: "INVALID_AMOUNT", ErrorMessage: "The amount must be positive.");
        }

        var identityType = request.PayeeType switch
        {
            Payee.AlipayUserId => "ALIPAY_USER_ID",
            Payee.AlipayLogonId => "ALIPAY_LOGON_ID",
            _ => null,
        };
        if (identityType is null)
        {
            return new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: "PAYEE_TYPE_NOT_SUPPORTED", ErrorMessage: $"Alipay cannot pay to a '{request.PayeeType}' payee.");
        }

        // Alipay checks a login id against the holder's real name; without one it refuses the transfer.
        if (request.PayeeType == Payee.AlipayLogonId && string.IsNullOrWhiteSpace(request.PayeeName))
        {
            return new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: "PAYEE_NAME_REQUIRED", ErrorMessage: "A transfer to an Alipay login needs the payee's name.");
        }

        // Nested objects are serialised as they are, so absent members are left out here rather than sent as null.
        var payee = new Dictionary<string, object?> { ["identity"] = request.PayeeAccount, ["identity_type"] = identityType };
        if (!string.IsNullOrEmpty(request.PayeeName))
        {
            payee["name"] = request.PayeeName;
        }

        var biz = new Dictionary<string, object?>
        {
            ["out_biz_no"] = request.TransferId,
            ["trans_amount"] = AlipayFormats.ToYuan(request.Amount),
            ["product_code"] = TransferProductCode,
            ["biz_scene"] = TransferBizScene,
            ["order_title"] = string.IsNullOrEmpty(request.Remark) ? DefaultTransferTitle : request.Remark,
            ["payee_info"] = payee,
            ["remark"] = request.Remark,
        };
        var call = await CallAsync(account, TransferMethod, biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelTransferResult.Unknown(call.Problem!);
        }

        switch (call.Code)
        {
            case "10000" when !NamesTransfer(payload, request.TransferId):
                LogOtherTransfer(TransferMethod, account.AccountId, request.TransferId, Str(payload, "out_biz_no"));
                return ChannelTransferResult.Unknown("Alipay's transfer answer names another out_biz_no.");
            case "10000":
                return TransferAnswer(account, request, payload, "trans_date");
            case "40004" when IsDefinitiveTransferRefusal(call.SubCode):
                // Alipay returns the original result for a repeated out_biz_no, but the order of its checks is not
                // documented: only when the query agrees that nothing was paid is the refusal final.
                var check = await QueryTransferAsync(account, request, cancellationToken).ConfigureAwait(false);
                return check.State is ChannelFundsState.NotFound or ChannelFundsState.Failed
                    ? new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: call.SubCode, ErrorMessage: call.SubMessage)
                    : check;
            default:
                return new ChannelTransferResult(ChannelFundsState.Unknown, ErrorCode: call.SubCode ?? call.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: call.SubMessage ?? call.Message);
        }
    }

    public async Task<ChannelTransferResult> QueryTransferAsync(ChannelAccount account, ChannelTransferRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);

        // With out_biz_no, Alipay needs the product and scene too: the same number may exist in other products.
        var biz = new Dictionary<string, object?>
        {
            ["product_code"] = TransferProductCode,
            ["biz_scene"] = TransferBizScene,
            ["out_biz_no"] = request.TransferId,
        };
        var call = await CallAsync(account, TransferQueryMethod, biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelTransferResult.Unknown(call.Problem!);
        }

        switch (call.Code)
        {
            case "10000" when !NamesTransfer(payload, request.TransferId):
                LogOtherTransfer(TransferQueryMethod, account.AccountId, request.TransferId, Str(payload, "out_biz_no"));
                return ChannelTransferResult.Unknown("Alipay's transfer query answer names another out_biz_no.");
            case "10000":
                return TransferAnswer(account, request, payload, "pay_date");
            case "40004" when call.SubCode == "ORDER_NOT_EXIST":
                return new ChannelTransferResult(ChannelFundsState.NotFound, ErrorCode: call.SubCode, ErrorMessage: call.SubMessage);
            default:
                return new ChannelTransferResult(ChannelFundsState.Unknown, ErrorCode: call.SubCode ?? call.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: call.SubMessage ?? call.Message);
        }
    }

    /// <summary>A transfer or query answer (code 10000) about this transfer, by its <c>status</c>.</summary>
    private ChannelTransferResult TransferAnswer(ChannelAccount account, ChannelTransferRequest request, JsonElement payload, string paidAtField)
    {
        var orderId = Str(payload, "order_id");
        switch (Str(payload, "status"))
        {
            case "SUCCESS":
                // trans_amount is optional in these answers; when present it must be what was asked for.
                if (Str(payload, "trans_amount") is { } reported && (!AlipayFormats.TryParseYuan(reported, out var amount) || amount != request.Amount))
                {
                    LogTransferAmountMismatch(account.AccountId, request.TransferId, reported);
                    return ChannelTransferResult.Unknown("Alipay reports this transfer with another amount.");
                }

                AlipayFormats.TryParseBeijingTime(Str(payload, paidAtField), out var paidAt);
                return new ChannelTransferResult(ChannelFundsState.Succeeded, orderId, paidAt ?? _timeProvider.GetUtcNow());
            case "DEALING" or "WAIT_PAY" or "INIT":
                return new ChannelTransferResult(ChannelFundsState.Pending, orderId);
            case "FAIL" or "CLOSED":
                return new ChannelTransferResult(ChannelFundsState.Failed, orderId, ErrorCode: Str(payload, "error_code") ?? Str(payload, "status"), ErrorMessage: Str(payload, "fail_reason"));
            default:
                // REFUND (paid, then returned) and anything new need a person, not a guess.
                return ChannelTransferResult.Unknown("Alipay reported an unrecognised transfer status.");
        }
    }

    private static bool IsDefinitiveTransferRefusal(string? subCode) =>
        subCode is not null && (DefinitiveTransferRefusals.Contains(subCode) || subCode.StartsWith("EXCEED_LIMIT_", StringComparison.Ordinal));

    /// <summary>Whether a success payload is about this transfer: Alipay echoes out_biz_no in every transfer answer.</summary>
    private static bool NamesTransfer(JsonElement payload, string transferId) =>
        string.Equals(Str(payload, "out_biz_no"), transferId, StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay {Method} for account {AccountId} asked about transfer {TransferId} but answered about {AnsweredTransferId}; outcome unknown")]
    private partial void LogOtherTransfer(string method, string accountId, string transferId, string? answeredTransferId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay reported transfer {TransferId} of account {AccountId} with amount {Reported}, which does not match; outcome unknown")]
    private partial void LogTransferAmountMismatch(string accountId, string transferId, string? reported);
}
