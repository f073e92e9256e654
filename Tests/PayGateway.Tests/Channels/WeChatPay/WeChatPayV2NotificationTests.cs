using System.Text;
using PayGateway.Channels;
using PayGateway.Channels.WeChatPay.Papay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// Papay's v2 XML notifies through the WeChat Pay adapter's ParseCallbackAsync: contract ADD/DELETE and PAP pay
/// notifies, what is refused (tampered sign, other merchant or plan, FAIL, DTD) and how each format is acknowledged.
/// </summary>
public sealed class WeChatPayV2NotificationTests : IDisposable
{
    private const string ApiV2Key = "0123456789abcdefghijABCDEFGHIJ01";
    private const string PlanId = "12535";
    private const string ContractCode = "C202611260000000000000001";

    private readonly WeChatPayAdapterRig _rig = new([0x5A, 0x02]);
    private readonly ChannelAccount _account;

    public WeChatPayV2NotificationTests()
    {
        _account = _rig.Account with
        {
            Settings = new Dictionary<string, string>(_rig.Account.Settings) { ["papay_plan_id"] = PlanId },
            Secrets = new Dictionary<string, string>(_rig.Account.Secrets) { ["api_v2_key"] = ApiV2Key },
        };
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task ContractNotify_Add_IsAcceptedSignedWithContractId()
    {
        var result = await ParseAsync(Signed(ContractNotify("ADD")));

        var contract = Assert.IsType<ChannelContractCallback>(result.Contract);
        Assert.Null(result.Callback);
        Assert.Equal(ContractCode, contract.ContractId);
        Assert.Equal(ChannelContractState.Signed, contract.State);
        Assert.Equal("200020261126000000001", contract.ChannelContractNo);
        Assert.Equal(WeChatPayAdapterRig.MchId, contract.ChannelMerchantId);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 18, 30, 5, TimeSpan.FromHours(8)), contract.At);
        Assert.Equal("200020261126000000001:ADD:1764152400000", contract.ChannelEventId);
    }

    [Fact]
    public async Task ContractNotify_Delete_IsTerminated()
    {
        var result = await ParseAsync(Signed(ContractNotify("DELETE"), WeChatPayV2Signer.HmacSha256));

        Assert.Equal(ChannelContractState.Terminated, result.Contract!.State);
        Assert.EndsWith(":DELETE:1764152400000", result.Contract.ChannelEventId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContractNotify_ChangedAfterSigning_IsRejectedInvalidSignature()
    {
        var fields = Signed(ContractNotify("ADD"));
        fields["contract_code"] = "C202611260000000000000002";

        var result = await ParseAsync(fields);

        Assert.Null(result.Contract);
        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task ContractNotify_SignedWithAnotherKey_IsRejectedInvalidSignature()
    {
        var fields = ContractNotify("ADD");
        fields["sign"] = WeChatPayV2Signer.Sign(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)), "another-key-another-key-another1", WeChatPayV2Signer.Md5);

        Assert.Equal("INVALID_SIGNATURE", (await ParseAsync(fields)).RejectionCode);
    }

    [Fact]
    public async Task ContractNotify_OtherMchId_IsRejected()
    {
        var fields = ContractNotify("ADD");
        fields["mch_id"] = "1900000999";

        Assert.Equal("MERCHANT_MISMATCH", (await ParseAsync(Signed(fields))).RejectionCode);
    }

    [Fact]
    public async Task ContractNotify_OtherPlanId_IsRejected()
    {
        var fields = ContractNotify("ADD");
        fields["plan_id"] = "99999";

        Assert.Equal("PLAN_MISMATCH", (await ParseAsync(Signed(fields))).RejectionCode);
    }

    [Fact]
    public async Task V2Notify_ReturnCodeFail_IsRejected()
    {
        var fields = ContractNotify("ADD");
        fields["return_code"] = "FAIL";

        var result = await ParseAsync(Signed(fields));

        Assert.Null(result.Contract);
        Assert.Equal("INVALID_NOTIFICATION", result.RejectionCode);
    }

    [Fact]
    public async Task V2Notify_WithDtd_IsRejected()
    {
        var body = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><xml><return_code>&x;</return_code></xml>";

        var result = await _rig.Channel.ParseCallbackAsync(_account, new ChannelCallbackRequest(new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body), "text/xml"), default);

        Assert.Equal("INVALID_NOTIFICATION", result.RejectionCode);
    }

    [Fact]
    public async Task PapNotify_Success_IsAcceptedPaymentCallback()
    {
        var result = await ParseAsync(Signed(PapNotify("SUCCESS"), WeChatPayV2Signer.HmacSha256));

        var callback = Assert.IsType<ChannelCallback>(result.Callback);
        Assert.Null(result.Contract);
        Assert.Equal("P202611260000000000000001", callback.OrderId);
        Assert.Equal(ChannelTradeState.Succeeded, callback.State);
        Assert.Equal("4200000000202611260000000001", callback.ChannelTradeNo);
        Assert.Equal((990L, "CNY"), (callback.Amount, callback.Currency));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 19, 0, 1, TimeSpan.FromHours(8)), callback.PaidAt);
    }

    [Fact]
    public async Task PapNotify_PayFail_IsFailed()
    {
        var fields = PapNotify("PAY_FAIL");
        fields["result_code"] = "FAIL";
        fields.Remove("time_end");

        var callback = (await ParseAsync(Signed(fields))).Callback!;

        Assert.Equal(ChannelTradeState.Failed, callback.State);
        Assert.Null(callback.PaidAt);
    }

    [Fact]
    public async Task PapNotify_TamperedAmount_IsRejected()
    {
        var fields = Signed(PapNotify("SUCCESS"), WeChatPayV2Signer.HmacSha256);
        fields["total_fee"] = "991";

        Assert.Equal("INVALID_SIGNATURE", (await ParseAsync(fields)).RejectionCode);
    }

    [Fact]
    public void ReplyToCallback_V2Notify_IsXml()
    {
        var request = Request(Signed(ContractNotify("ADD")));

        var accepted = _rig.Channel.ReplyToCallback(true, request);
        var refused = _rig.Channel.ReplyToCallback(false, request);

        Assert.Equal((200, "text/xml"), (accepted.StatusCode, accepted.ContentType));
        Assert.Equal("<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>", accepted.Body);
        Assert.Equal("SUCCESS", WeChatPayV2Xml.TryRead(Encoding.UTF8.GetBytes(accepted.Body))!["return_code"]);
        Assert.Equal("FAIL", WeChatPayV2Xml.TryRead(Encoding.UTF8.GetBytes(refused.Body))!["return_code"]);
    }

    [Fact]
    public void ReplyToCallback_V3Notification_IsUnchangedJson()
    {
        var request = new ChannelCallbackRequest(new Dictionary<string, string>(), Encoding.UTF8.GetBytes("{\"id\":\"x\"}"), "application/json");

        Assert.Equal(_rig.Channel.ReplyToCallback(true), _rig.Channel.ReplyToCallback(true, request));
        Assert.Equal(_rig.Channel.ReplyToCallback(false), _rig.Channel.ReplyToCallback(false, request));
        Assert.Equal("application/json", _rig.Channel.ReplyToCallback(true, request).ContentType);
    }

    [Theory]
    [InlineData("short-key", null)]
    [InlineData(null, "plan-a")]
    public void ValidateAccount_BadPapaySettings_AreRefused(string? apiV2Key, string? planId)
    {
        var account = _account with
        {
            Settings = new Dictionary<string, string>(_account.Settings) { ["papay_plan_id"] = planId ?? PlanId },
            Secrets = new Dictionary<string, string>(_account.Secrets) { ["api_v2_key"] = apiV2Key ?? ApiV2Key },
        };

        var error = Assert.Throws<ChannelConfigurationException>(() => _rig.Channel.ValidateAccount(account));
        Assert.DoesNotContain("short-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAccount_WithOrWithoutPapay_IsAccepted()
    {
        _rig.Channel.ValidateAccount(_account);
        _rig.Channel.ValidateAccount(_rig.Account);
    }

    private Task<ChannelCallbackParseResult> ParseAsync(Dictionary<string, string> fields) =>
        _rig.Channel.ParseCallbackAsync(_account, Request(fields), default);

    private static ChannelCallbackRequest Request(Dictionary<string, string> fields) =>
        new(new Dictionary<string, string>(), Encoding.UTF8.GetBytes(WeChatPayV2Xml.Write(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)))), "text/xml");

    private static Dictionary<string, string> Signed(Dictionary<string, string> fields, string signType = WeChatPayV2Signer.Md5)
    {
        if (signType == WeChatPayV2Signer.HmacSha256)
        {
            fields["sign_type"] = signType;
        }
        fields["sign"] = WeChatPayV2Signer.Sign(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)), ApiV2Key, signType);
        return fields;
    }

    private static Dictionary<string, string> ContractNotify(string changeType) => new()
    {
        ["return_code"] = "SUCCESS",
        ["return_msg"] = "OK",
        ["result_code"] = "SUCCESS",
        ["mch_id"] = WeChatPayAdapterRig.MchId,
        ["contract_code"] = ContractCode,
        ["plan_id"] = PlanId,
        ["openid"] = "onqOjjmM1tad-3ROpncN-yUfa6uI",
        ["change_type"] = changeType,
        ["operate_time"] = "2026-11-26 18:30:05",
        ["contract_id"] = "200020261126000000001",
        ["contract_expired_time"] = "2031-11-26 18:30:05",
        ["request_serial"] = "1764152400000",
    };

    private static Dictionary<string, string> PapNotify(string tradeState) => new()
    {
        ["return_code"] = "SUCCESS",
        ["result_code"] = "SUCCESS",
        ["appid"] = WeChatPayAdapterRig.AppId,
        ["mch_id"] = WeChatPayAdapterRig.MchId,
        ["nonce_str"] = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        ["openid"] = "onqOjjmM1tad-3ROpncN-yUfa6uI",
        ["trade_type"] = "PAP",
        ["trade_state"] = tradeState,
        ["bank_type"] = "CMC",
        ["total_fee"] = "990",
        ["fee_type"] = "CNY",
        ["cash_fee"] = "990",
        ["transaction_id"] = "4200000000202611260000000001",
        ["out_trade_no"] = "P202611260000000000000001",
        ["time_end"] = "20261126190001",
        ["contract_id"] = "200020261126000000001",
    };
}
