using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// Recurring payments (周期扣款 <c>CYCLE_PAY_AUTH</c> / 商家扣款 <c>GENERAL_WITHHOLDING</c>, channel-protocols-2.md §2.1):
/// the payer signs an agreement on Alipay's page (<c>alipay.user.agreement.page.sign</c>), the gateway asks about it
/// (<c>alipay.user.agreement.query</c>), ends it (<c>alipay.user.agreement.unsign</c>) and charges under it
/// (<c>alipay.trade.pay</c> with <c>agreement_params</c>). The gateway contract id is the <c>external_agreement_no</c>;
/// Alipay's <c>agreement_no</c> is the channel contract number.
/// </summary>
public sealed partial class AlipayChannel : IContractChannel
{
    private const string AgreementSignMethod = "alipay.user.agreement.page.sign";
    private const string AgreementQueryMethod = "alipay.user.agreement.query";
    private const string AgreementUnsignMethod = "alipay.user.agreement.unsign";
    private const string DeductMethod = "alipay.trade.pay";

    /// <summary>The answer of query and unsign when Alipay has no such agreement (Alipay's error-code tables, docs only).</summary>
    private const string AgreementNotExist = "USER_AGREEMENT_NOT_EXIST";

    /// <summary>The unsign refusal for an agreement that already ended (Alipay's error-code tables, docs only).</summary>
    private const string AgreementHasUnsigned = "AGREEMENT_HAS_UNSIGNED";

    /// <summary>
    /// Opens the sign page inside the Alipay app (the agreement sign page's app id, 60000157); the signed query goes
    /// in <c>sign_params</c>.
    /// </summary>
    private const string AlipayAppSignLink = "alipays://platformapi/startapp?appId=60000157&appClearTop=false&startMultApp=YES&sign_params=";

    /// <summary>
    /// Deduction refusals (code 40004) that say no money was taken: the date, the caps, the agreement or the payer's
    /// balance do not allow it, or the request is malformed. Everything else, ACQ.SYSTEM_ERROR included, may hide a
    /// deduction that went through and stays unknown: narrower than the payments' rule on purpose, because nobody is
    /// present to pay again.
    /// </summary>
    private static readonly FrozenSet<string> DefinitiveDeductionRefusals = FrozenSet.ToFrozenSet(
    [
        "ACQ.CYCLE_PAY_DATE_NOT_MATCH",
        "ACQ.CYCLE_PAY_SINGLE_FEE_EXCEED",
        "ACQ.CYCLE_PAY_TOTAL_FEE_EXCEED",
        "ACQ.CYCLE_PAY_TOTAL_TIMES_EXCEED",
        "ACQ.AGREEMENT_NOT_EXIST",
        "ACQ.AGREEMENT_INVALID",
        "ACQ.AGREEMENT_STATUS_NOT_NORMAL",
        "ACQ.AGREEMENT_ERROR",
        "ACQ.BUYER_BALANCE_NOT_ENOUGH",
        "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH",
        "ACQ.TRADE_HAS_CLOSE",
        "ACQ.INVALID_PARAMETER",
    ], StringComparer.Ordinal);

    public IReadOnlyCollection<string> ContractCurrencies { get; } = [Currency];

    public IReadOnlyCollection<PayMethod> SignMethods { get; } = [PayMethod.WEB, PayMethod.WAP, PayMethod.APP, PayMethod.QR_CODE];

    public Task<ChannelSignResult> StartSigningAsync(ChannelAccount account, ChannelSignRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);
        var settings = AlipayAgreementSettings.Of(account);

        // Nothing is sent before these pass, so each refusal is definitive.
        if (AlipayAgreementSignRequest.Problem(request, settings, Currency) is { } problem)
        {
            return Task.FromResult(new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: problem.Code, ErrorMessage: problem.Message));
        }

        // access_params.channel: a PC page shows a code to scan (or an SMS link); in the phone, the wallet's own H5 page.
        var accessChannel = request.Method switch
        {
            PayMethod.WEB => "QRCODEORSMS",
            PayMethod.QR_CODE => "QRCODE",
            PayMethod.WAP or PayMethod.APP => "ALIPAYAPP",
            _ => null,
        };
        if (accessChannel is null)
        {
            return Task.FromResult(new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: "METHOD_NOT_SUPPORTED", ErrorMessage: $"Alipay agreements are not signed by {request.Method}."));
        }

        // A page API: built and signed here, the payer's browser or app takes it to Alipay, nothing is called now.
        string query;
        using (var key = LoadAppPrivateKey(account))
        {
            var biz = AlipayAgreementSignRequest.BizContent(request, settings, accessChannel);
            query = AlipayRequest.ToQueryString(AlipayRequest.Build(Context(account), AgreementSignMethod, biz, _timeProvider.GetUtcNow(), key, request.ReturnUrl));
        }

        var link = accessChannel == "ALIPAYAPP"
            ? AlipayAppSignLink + Uri.EscapeDataString(query)
            : GatewayUri(account) + "?" + query;
        return Task.FromResult(new ChannelSignResult(ChannelOutcome.Accepted, new PayData("redirect_url", link)));
    }

    public async Task<ChannelContractResult> QueryContractAsync(ChannelAccount account, ChannelContractRef contract, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(contract);
        var call = await CallAsync(account, AgreementQueryMethod, AgreementKey(AlipayAgreementSettings.Of(account), contract), cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelContractResult.Unknown(call.Problem!);
        }

        switch (call.Code)
        {
            case "10000" when !NamesAgreement(payload, contract):
                LogOtherAgreement(AgreementQueryMethod, account.AccountId, contract.ContractId, Str(payload, "external_agreement_no"));
                return ChannelContractResult.Unknown("Alipay's agreement query answer names another agreement.");
            case "10000":
                var state = Str(payload, "status") switch
                {
                    "TEMP" => ChannelContractState.Pending,
                    "NORMAL" => ChannelContractState.Signed,
                    "STOP" => ChannelContractState.Terminated,
                    _ => ChannelContractState.Unknown,
                };
                if (state == ChannelContractState.Unknown)
                {
                    return ChannelContractResult.Unknown("Alipay reported an unrecognised agreement status.");
                }

                AlipayFormats.TryParseBeijingTime(Str(payload, "sign_time"), out var signedAt);
                return new ChannelContractResult(state, Str(payload, "agreement_no") ?? contract.ChannelContractNo, state == ChannelContractState.Pending ? null : signedAt);
            case "40004" when call.SubCode == AgreementNotExist:
                return new ChannelContractResult(ChannelContractState.NotFound, contract.ChannelContractNo, ErrorCode: call.SubCode, ErrorMessage: call.SubMessage);
            default:
                return new ChannelContractResult(ChannelContractState.Unknown, contract.ChannelContractNo, ErrorCode: call.SubCode ?? call.Code, ErrorMessage: call.SubMessage ?? call.Message);
        }
    }

    public async Task<ChannelContractResult> TerminateContractAsync(ChannelAccount account, ChannelContractRef contract, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(contract);

        // unsign has no reason field; the reason stays in the gateway's own records.
        var call = await CallAsync(account, AgreementUnsignMethod, AgreementKey(AlipayAgreementSettings.Of(account), contract), cancellationToken).ConfigureAwait(false);
        if (call.Payload is null)
        {
            return ChannelContractResult.Unknown(call.Problem!);
        }

        if (call.Code == "10000")
        {
            return new ChannelContractResult(ChannelContractState.Terminated, contract.ChannelContractNo);
        }

        // A refusal may mean it had already ended, or never existed; only the query says which. A refusal from a
        // system error (20000 and the like) proves nothing, and the query is not worth a second uncertain call then.
        if (call.Code != "40004")
        {
            return new ChannelContractResult(ChannelContractState.Unknown, contract.ChannelContractNo, ErrorCode: call.SubCode ?? call.Code, ErrorMessage: call.SubMessage ?? call.Message);
        }

        var query = await QueryContractAsync(account, contract, cancellationToken).ConfigureAwait(false);
        var alreadyEnded = call.SubCode is AgreementNotExist or AgreementHasUnsigned;
        return query.State switch
        {
            ChannelContractState.Terminated => query,
            ChannelContractState.NotFound when alreadyEnded => query,
            _ => new ChannelContractResult(ChannelContractState.Unknown, query.ChannelContractNo ?? contract.ChannelContractNo, ErrorCode: call.SubCode ?? call.Code, ErrorMessage: call.SubMessage ?? call.Message),
        };
    }

    public async Task<ChannelPaymentResult> DeductAsync(ChannelAccount account, ChannelDeductionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(request);
        var settings = AlipayAgreementSettings.Of(account);

        // Nothing has been sent yet, so refusing here is a definitive "nothing was charged".
        if (!string.Equals(request.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "CURRENCY_NOT_SUPPORTED", ErrorMessage: $"Alipay accounts here settle in {Currency} only.");
        }

        if (request.Amount <= 0)
        {
            return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "INVALID_AMOUNT", ErrorMessage: "The amount must be positive.");
        }

        if (string.IsNullOrEmpty(request.ChannelContractNo))
        {
            return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: "AGREEMENT_NO_REQUIRED", ErrorMessage: "A deduction needs the agreement_no of a signed agreement.");
        }

        // No scene and no auth_code: the agreement stands in for the payer.
        var biz = new Dictionary<string, object?>
        {
            ["out_trade_no"] = request.OrderId,
            ["total_amount"] = AlipayFormats.ToYuan(request.Amount),
            ["subject"] = request.Subject,
            ["product_code"] = settings.ProductCode,
            ["agreement_params"] = new Dictionary<string, string> { ["agreement_no"] = request.ChannelContractNo },
        };
        var call = await CallAsync(account, DeductMethod, biz, cancellationToken).ConfigureAwait(false);
        if (call.Payload is not { } payload)
        {
            return ChannelPaymentResult.Unknown(call.Problem!);
        }

        switch (call.Code)
        {
            case "10000" when !NamesOrder(payload, request.OrderId):
                LogOtherOrder(DeductMethod, account.AccountId, request.OrderId, Str(payload, "out_trade_no"));
                return ChannelPaymentResult.Unknown("Alipay's deduction answer names another out_trade_no.");
            case "10000" when Str(payload, "total_amount") is { } answered && answered != (string)biz["total_amount"]!:
                return ChannelPaymentResult.Unknown("Alipay's deduction answer carries another total_amount.");
            case "10000":
                return SucceededDeduction(payload);
            case "10003":
                // Alipay is still processing: the trade exists and will be settled by query or notify.
                return new ChannelPaymentResult(ChannelOutcome.Accepted, Str(payload, "trade_no"), ErrorCode: "DEDUCTION_IN_PROCESS", ErrorMessage: call.Message);
            case "40004" when call.SubCode == "ACQ.TRADE_HAS_SUCCESS":
                // A repeated deduction for an order Alipay already charged: the money was taken once, for this order.
                return new ChannelPaymentResult(ChannelOutcome.Succeeded, Str(payload, "trade_no"), ErrorCode: call.SubCode, ErrorMessage: call.SubMessage);
            case "40004" when call.SubCode is { } subCode && DefinitiveDeductionRefusals.Contains(subCode):
                return new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: subCode, ErrorMessage: call.SubMessage);
            default:
                return new ChannelPaymentResult(ChannelOutcome.Unknown, ErrorCode: call.SubCode ?? call.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: call.SubMessage ?? call.Message);
        }
    }

    /// <summary>Deductions are ordinary trades at Alipay: <c>alipay.trade.query</c> by out_trade_no.</summary>
    public Task<ChannelQueryResult> QueryDeductionAsync(ChannelAccount account, ChannelDeductionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return QueryPaymentAsync(account, request.OrderId, cancellationToken);
    }

    // 10000 is a success; when the answer also names a trade_status it must say the money was taken.
    private ChannelPaymentResult SucceededDeduction(JsonElement payload)
    {
        var tradeNo = Str(payload, "trade_no");
        switch (Str(payload, "trade_status"))
        {
            case null or "TRADE_SUCCESS" or "TRADE_FINISHED":
                AlipayFormats.TryParseBeijingTime(Str(payload, "gmt_payment"), out var paidAt);
                return new ChannelPaymentResult(ChannelOutcome.Succeeded, tradeNo, PaidAt: paidAt ?? _timeProvider.GetUtcNow());
            case "WAIT_BUYER_PAY":
                return new ChannelPaymentResult(ChannelOutcome.Accepted, tradeNo);
            default:
                return ChannelPaymentResult.Unknown("Alipay answered the deduction with an unexpected trade_status.");
        }
    }

    // agreement_no wins when known; before the payer signed, only the account's product and scene plus our number name it.
    private static Dictionary<string, object?> AgreementKey(AlipayAgreementSettings settings, ChannelContractRef contract) =>
        !string.IsNullOrEmpty(contract.ChannelContractNo)
            ? new Dictionary<string, object?> { ["agreement_no"] = contract.ChannelContractNo }
            : new Dictionary<string, object?>
            {
                ["personal_product_code"] = settings.PersonalProductCode,
                ["sign_scene"] = settings.SignScene,
                ["external_agreement_no"] = contract.ContractId,
            };

    /// <summary>Whether a query answer is about this contract: the numbers it names (when it names them) are ours.</summary>
    private static bool NamesAgreement(JsonElement payload, ChannelContractRef contract) =>
        (Str(payload, "external_agreement_no") is not { } external || external == contract.ContractId)
        && (string.IsNullOrEmpty(contract.ChannelContractNo) || Str(payload, "agreement_no") is not { } agreementNo || agreementNo == contract.ChannelContractNo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alipay {Method} for account {AccountId} asked about contract {ContractId} but answered about {AnsweredContractId}; outcome unknown")]
    private partial void LogOtherAgreement(string method, string accountId, string contractId, string? answeredContractId);
}
