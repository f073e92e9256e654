using System.Globalization;
using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// The v2 XML notifies of papay, POSTed to the notify_url of the sign request or the deduction: the contract notify
/// (<c>change_type</c> ADD when the payer signs, DELETE when the contract ends; signed MD5 without sign_type, like the
/// documented samples) and the PAP pay notify (trade_state SUCCESS or PAY_FAIL; signed HMAC-SHA256). Delivered by the
/// shared <see cref="CallbackSender"/>: behaviours of operation <c>callback</c> for the contract_code or out_trade_no
/// apply; acknowledged only by HTTP 200 with <c>return_code</c> SUCCESS in XML.
/// </summary>
internal sealed class WeChatPayPapayNotifier(WeChatPayMerchants merchants, WeChatPayPapayStore store, CallbackSender callbacks)
{
    public void ContractChanged(WeChatPayContractView contract, string changeType) =>
        callbacks.Dispatch(
            new CallbackSubject(contract.MchId, contract.ContractCode, contract.ContractId, null),
            behaviour => PrepareContract(contract, changeType, behaviour),
            contract.ContractCode);

    public void DeductionEnded(SimulatorTrade trade) =>
        callbacks.Dispatch(
            new CallbackSubject(trade.MerchantId, trade.OutTradeNo, trade.TradeNo, trade.Currency),
            behaviour => PrepareDeduction(trade, behaviour),
            trade.OutTradeNo);

    /// <summary>HTTP 200 with an XML <c>return_code</c> of SUCCESS.</summary>
    public static bool IsAcknowledged(int status, string body) =>
        status == 200 && WeChatPayV2Wire.Read(Encoding.UTF8.GetBytes(body)) is { } fields
        && fields.TryGetValue("return_code", out var code) && code == "SUCCESS";

    private PreparedCallback? PrepareContract(WeChatPayContractView contract, string changeType, SimulatorBehaviour behaviour)
    {
        if (!merchants.TryGet(contract.MchId, out var merchant) || merchant.ApiV2Key is null)
        {
            return null;
        }
        var at = changeType == "ADD" ? contract.SignedAt : contract.TerminatedAt;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["return_code"] = "SUCCESS",
            ["return_msg"] = "OK",
            ["result_code"] = "SUCCESS",
            ["mch_id"] = contract.MchId,
            ["contract_code"] = contract.ContractCode,
            ["plan_id"] = contract.PlanId,
            ["openid"] = contract.OpenId,
            ["change_type"] = changeType,
            ["operate_time"] = Beijing(at ?? contract.CreatedAt, "yyyy-MM-dd HH:mm:ss"),
            ["contract_id"] = contract.ContractId ?? "",
            ["contract_expired_time"] = Beijing((contract.SignedAt ?? contract.CreatedAt).AddYears(5), "yyyy-MM-dd HH:mm:ss"),
            ["request_serial"] = contract.RequestSerial,
        };
        if (changeType == "DELETE" && contract.TerminationMode is { } mode)
        {
            fields["contract_termination_mode"] = mode.ToString(CultureInfo.InvariantCulture);
        }
        return Seal(contract.NotifyUrl, merchant, fields, WeChatPayV2Wire.Md5, 0, behaviour);
    }

    private PreparedCallback? PrepareDeduction(SimulatorTrade trade, SimulatorBehaviour behaviour)
    {
        if (trade.NotifyUrl is not { } notifyUrl || store.Deduction(trade.TradeNo) is not { } pap
            || !merchants.TryGet(trade.MerchantId, out var merchant) || merchant.ApiV2Key is null)
        {
            return null;
        }
        var succeeded = trade.Status == TradeStatus.Succeeded;
        var amount = behaviour.TamperCallbackAmount ? trade.Amount + 1 : trade.Amount;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["return_code"] = "SUCCESS",
            ["result_code"] = succeeded ? "SUCCESS" : "FAIL",
            ["appid"] = pap.AppId,
            ["mch_id"] = trade.MerchantId,
            ["nonce_str"] = WeChatPayCrypto.Nonce(16),
            ["openid"] = pap.OpenId,
            ["trade_type"] = "PAP",
            ["trade_state"] = succeeded ? "SUCCESS" : "PAY_FAIL",
            ["bank_type"] = "OTHERS",
            ["total_fee"] = amount.ToString(CultureInfo.InvariantCulture),
            ["fee_type"] = trade.Currency,
            ["cash_fee"] = amount.ToString(CultureInfo.InvariantCulture),
            ["transaction_id"] = trade.TradeNo,
            ["out_trade_no"] = trade.OutTradeNo,
            ["contract_id"] = pap.ContractId,
        };
        if (succeeded)
        {
            fields["time_end"] = Beijing(trade.PaidAt ?? trade.CreatedAt, "yyyyMMddHHmmss");
        }
        else
        {
            fields["err_code"] = "PAY_FAIL";
            fields["err_code_des"] = "扣款失败";
        }
        return Seal(notifyUrl, merchant, fields, WeChatPayV2Wire.HmacSha256, amount, behaviour);
    }

    private static PreparedCallback Seal(Uri notifyUrl, WeChatPayMerchant merchant, Dictionary<string, string> fields, string signType, long amount, SimulatorBehaviour behaviour)
    {
        // A notify names its algorithm when it is not MD5 (the gateway verifies notifies by their own sign_type).
        if (signType == WeChatPayV2Wire.HmacSha256)
        {
            fields["sign_type"] = WeChatPayV2Wire.HmacSha256;
        }
        WeChatPayV2Wire.Signed(fields, behaviour.BadSignature ? WeChatPayV2Call.WrongKey(merchant.ApiV2Key!) : merchant.ApiV2Key!, signType);
        var body = Encoding.UTF8.GetBytes(WeChatPayV2Wire.Write(fields));

        HttpRequestMessage NewAttempt()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
            return request;
        }

        return new PreparedCallback(amount, NewAttempt, IsAcknowledged);
    }

    private static string Beijing(DateTimeOffset at, string format) =>
        at.ToOffset(TimeSpan.FromHours(8)).ToString(format, CultureInfo.InvariantCulture);
}
