using System.Net;
using System.Text;
using PayGateway.Channels;
using PayGateway.Channels.Alipay;
using Xunit;

namespace PayGateway.Tests.Channels.Alipay;

/// <summary>The agreement (周期扣款 / 商家扣款) side of <see cref="AlipayChannel"/> against a stand-in gateway.</summary>
public partial class AlipayChannelTests
{
    private const string ContractId = "C0123456789ABCDEFGHIJKLMN";
    private const string AgreementNo = "20245101234567890123";

    private static ChannelSignRequest SignRequest(
        PayMethod method = PayMethod.WEB, string unit = "MONTH", int every = 1, DateOnly? first = null, string currency = "CNY", int? maxDeductions = 12) =>
        new(ContractId, method, currency, 1500, maxDeductions, new ChannelContractPeriod(unit, every, first ?? new DateOnly(2024, 1, 15)),
            "user@shop.test", "https://shop.test/signed", null, Now, Now.AddMinutes(30));

    private static ChannelDeductionRequest Deduction(string currency = "CNY") =>
        new(OrderId, ContractId, AgreementNo, 1500, currency, "会员月费", null, Now);

    private static Dictionary<string, string> AgreementSettings(string? productCode = null, string? signScene = null)
    {
        var settings = new Dictionary<string, string>();
        if (productCode is not null)
        {
            settings[AlipayAgreementSettings.ProductCodeSetting] = productCode;
        }
        if (signScene is not null)
        {
            settings[AlipayAgreementSettings.SignSceneSetting] = signScene;
        }
        return settings;
    }

    // ---- sign page

    [Fact]
    public async Task StartSigning_CycleOnWeb_SignedGatewayUrlWithExactParametersAndNothingSent()
    {
        var result = await Channel().StartSigningAsync(Account(AgreementSettings(signScene: "INDUSTRY|EDUCATION")), SignRequest(), default);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal("redirect_url", result.SignData!.Kind);
        Assert.StartsWith("https://alipay-sim.test/gateway.do?", result.SignData.Content, StringComparison.Ordinal);
        Assert.True(AlipayForm.TryParseUrlQuery(result.SignData.Content, out var fields));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["app_id"] = AppId,
                ["method"] = "alipay.user.agreement.page.sign",
                ["format"] = "JSON",
                ["charset"] = "utf-8",
                ["sign_type"] = "RSA2",
                ["timestamp"] = "2024-01-01 12:00:00",
                ["version"] = "1.0",
                ["notify_url"] = "https://gw.test/callbacks/alipay/acc_1",
                ["return_url"] = "https://shop.test/signed",
                ["biz_content"] = "{\"personal_product_code\":\"CYCLE_PAY_AUTH_P\",\"product_code\":\"CYCLE_PAY_AUTH\",\"sign_scene\":\"INDUSTRY|EDUCATION\","
                    + "\"external_agreement_no\":\"C0123456789ABCDEFGHIJKLMN\",\"external_logon_id\":\"user@shop.test\",\"access_params\":{\"channel\":\"QRCODEORSMS\"},"
                    + "\"period_rule_params\":{\"period_type\":\"MONTH\",\"period\":1,\"execute_time\":\"2024-01-15\",\"single_amount\":\"15.00\",\"total_payments\":12}}",
            },
            fields.Where(f => f.Key != "sign").ToDictionary());
        Assert.True(FakeAlipay.RequestSignatureValid(fields));
        Assert.Empty(_alipay.Requests);
    }

    [Theory]
    [InlineData(PayMethod.APP)]
    [InlineData(PayMethod.WAP)]
    public async Task StartSigning_InThePhone_AlipaysLinkCarryingTheSignedQuery(PayMethod method)
    {
        const string prefix = "alipays://platformapi/startapp?appId=60000157&appClearTop=false&startMultApp=YES&sign_params=";

        var result = await Channel().StartSigningAsync(Account(), SignRequest(method), default);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal("redirect_url", result.SignData!.Kind);
        Assert.StartsWith(prefix, result.SignData.Content, StringComparison.Ordinal);
        Assert.True(AlipayForm.TryParse(Uri.UnescapeDataString(result.SignData.Content[prefix.Length..]), out var fields));
        Assert.Equal("alipay.user.agreement.page.sign", fields["method"]);
        Assert.Contains("\"access_params\":{\"channel\":\"ALIPAYAPP\"}", fields["biz_content"], StringComparison.Ordinal);
        Assert.Contains($"\"sign_scene\":\"{AlipayAgreementSettings.DefaultSignScene}\"", fields["biz_content"], StringComparison.Ordinal);
        Assert.True(FakeAlipay.RequestSignatureValid(fields));
    }

    [Fact]
    public async Task StartSigning_QrCode_QrcodeAccessChannel()
    {
        var result = await Channel().StartSigningAsync(Account(), SignRequest(PayMethod.QR_CODE), default);

        Assert.True(AlipayForm.TryParseUrlQuery(result.SignData!.Content, out var fields));
        Assert.Contains("\"access_params\":{\"channel\":\"QRCODE\"}", fields["biz_content"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartSigning_GeneralWithholding_NoScheduleAndPersonalProductCode()
    {
        var result = await Channel().StartSigningAsync(Account(AgreementSettings(productCode: "GENERAL_WITHHOLDING")), SignRequest(), default);

        Assert.True(AlipayForm.TryParseUrlQuery(result.SignData!.Content, out var fields));
        Assert.Contains("\"personal_product_code\":\"GENERAL_WITHHOLDING_P\",\"product_code\":\"GENERAL_WITHHOLDING\"", fields["biz_content"], StringComparison.Ordinal);
        Assert.DoesNotContain("period_rule_params", fields["biz_content"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DAY", 6, 15, "CNY", "PERIOD_TOO_SHORT")]
    [InlineData("MONTH", 1, 29, "CNY", "EXECUTE_DAY_NOT_ALLOWED")]
    [InlineData("WEEK", 1, 15, "CNY", "PERIOD_NOT_SUPPORTED")]
    [InlineData("MONTH", 1, 15, "USD", "CURRENCY_NOT_SUPPORTED")]
    public async Task StartSigning_WhatAlipayForbids_FailedWithoutAnyLink(string unit, int every, int day, string currency, string code)
    {
        var result = await Channel().StartSigningAsync(Account(), SignRequest(unit: unit, every: every, first: new DateOnly(2024, 1, day), currency: currency), default);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Equal(code, result.ErrorCode);
        Assert.Null(result.SignData);
    }

    [Fact]
    public async Task StartSigning_SevenDayPeriod_Accepted()
    {
        var result = await Channel().StartSigningAsync(Account(), SignRequest(unit: "DAY", every: 7), default);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
    }

    [Theory]
    [InlineData(AlipayAgreementSettings.ProductCodeSetting, "CYCLE_PAY")]
    [InlineData(AlipayAgreementSettings.SignSceneSetting, "DEFAULT|DEFAULT")]
    [InlineData(AlipayAgreementSettings.SignSceneSetting, "DIGITAL_MEDIA")]
    public void ValidateAccount_UnacceptableAgreementSetting_Throws(string setting, string value)
    {
        var account = Account(new Dictionary<string, string> { [setting] = value });

        var error = Assert.Throws<ChannelConfigurationException>(() => Channel().ValidateAccount(account));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAccount_AgreementSettingsAbsentOrGood_Passes()
    {
        Channel().ValidateAccount(Account());
        Channel().ValidateAccount(Account(AgreementSettings("GENERAL_WITHHOLDING", "INDUSTRY|DIGITAL_MEDIA")));
    }

    // ---- sign / unsign notifies

    private static ChannelCallbackRequest AgreementNotify(string notifyType, Action<Dictionary<string, string>>? change = null, Action<Dictionary<string, string>>? tamper = null)
    {
        var signed = notifyType == "dut_user_sign";
        var fields = new Dictionary<string, string>
        {
            ["notify_id"] = "2024010100222120000012345678",
            ["notify_time"] = "2024-01-01 12:00:05",
            ["notify_type"] = notifyType,
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["app_id"] = AppId,
            ["auth_app_id"] = AppId,
            ["agreement_no"] = AgreementNo,
            ["external_agreement_no"] = ContractId,
            ["alipay_user_id"] = "2088102177846875",
            ["alipay_logon_id"] = "159****5620",
            ["personal_product_code"] = "CYCLE_PAY_AUTH_P",
            ["sign_scene"] = "INDUSTRY|DIGITAL_MEDIA",
            ["status"] = signed ? "NORMAL" : "UNSIGN",
        };
        if (signed)
        {
            fields["sign_time"] = "2024-01-01 12:00:00";
            fields["valid_time"] = "2024-01-01 12:00:00";
            fields["invalid_time"] = "2115-02-01 00:00:00";
        }
        else
        {
            fields["unsign_time"] = "2024-02-03 08:09:10";
        }
        change?.Invoke(fields);
        using (var key = AlipayVectors.PrivateKey(AlipayPrivateKeyFile))
        {
            fields["sign"] = AlipaySigner.Sign(AlipaySigner.BuildSignContent(AlipayVectors.Nullable(fields), includeSignType: false), key);
        }
        fields["sign_type"] = "RSA2";
        tamper?.Invoke(fields);
        var body = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        return new ChannelCallbackRequest(new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded; charset=utf-8");
    }

    [Fact]
    public async Task ParseCallback_SignNotify_AcceptedAsSignedContract()
    {
        var result = await Channel().ParseCallbackAsync(Account(), AgreementNotify("dut_user_sign"), default);

        Assert.Null(result.Callback);
        Assert.Equal(
            new ChannelContractCallback(ContractId, ChannelContractState.Signed, AgreementNo, AppId,
                new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.FromHours(8)), "2024010100222120000012345678"),
            result.Contract);
    }

    [Fact]
    public async Task ParseCallback_UnsignNotify_AcceptedAsTerminatedContract()
    {
        var result = await Channel().ParseCallbackAsync(Account(), AgreementNotify("dut_user_unsign"), default);

        Assert.Equal(ChannelContractState.Terminated, result.Contract!.State);
        Assert.Equal(ContractId, result.Contract.ContractId);
        Assert.Equal(AgreementNo, result.Contract.ChannelContractNo);
        Assert.Equal(new DateTimeOffset(2024, 2, 3, 8, 9, 10, TimeSpan.FromHours(8)), result.Contract.At);
    }

    [Fact]
    public async Task ParseCallback_SignNotifyTampered_RejectedAsInvalidSignature()
    {
        var result = await Channel().ParseCallbackAsync(Account(), AgreementNotify("dut_user_sign", tamper: f => f["external_agreement_no"] = "C9999999999999999999999999"), default);

        Assert.Null(result.Contract);
        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task ParseCallback_SignNotifyForAnotherApp_Rejected()
    {
        var result = await Channel().ParseCallbackAsync(Account(), AgreementNotify("dut_user_sign", change: f => f["app_id"] = "2021000000000002"), default);

        Assert.Null(result.Contract);
        Assert.Equal("MERCHANT_MISMATCH", result.RejectionCode);
    }

    [Theory]
    [InlineData("dut_user_sign", "UNSIGN")]
    [InlineData("dut_user_sign", "TEMP")]
    [InlineData("dut_user_unsign", "NORMAL")]
    public async Task ParseCallback_StatusDisagreesWithNotifyType_Rejected(string notifyType, string status)
    {
        var result = await Channel().ParseCallbackAsync(Account(), AgreementNotify(notifyType, change: f => f["status"] = status), default);

        Assert.Null(result.Contract);
        Assert.Equal("INVALID_NOTIFY", result.RejectionCode);
    }

    [Fact]
    public async Task ParseCallback_OtherNotifyType_RejectedAsUnsupported()
    {
        var result = await Channel().ParseCallbackAsync(Account(), AgreementNotify("dut_user_sign", change: f => f["notify_type"] = "open_app_auth_notify"), default);

        Assert.Null(result.Contract);
        Assert.Equal("UNSUPPORTED_NOTIFY", result.RejectionCode);
    }

    // ---- query

    [Theory]
    [InlineData("TEMP", ChannelContractState.Pending)]
    [InlineData("NORMAL", ChannelContractState.Signed)]
    [InlineData("STOP", ChannelContractState.Terminated)]
    public async Task QueryContract_ByAgreementNo_MapsStatus(string status, ChannelContractState expected)
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.user.agreement.query",
            $"{{\"code\":\"10000\",\"msg\":\"Success\",\"agreement_no\":\"{AgreementNo}\",\"external_agreement_no\":\"{ContractId}\",\"status\":\"{status}\",\"sign_time\":\"2024-01-01 12:00:00\"}}");

        var result = await Channel().QueryContractAsync(Account(), new ChannelContractRef(ContractId, AgreementNo), default);

        Assert.Equal(expected, result.State);
        Assert.Equal(AgreementNo, result.ChannelContractNo);
        var sent = Assert.Single(_alipay.Requests);
        Assert.True(sent.SignatureValid);
        Assert.Equal($"{{\"agreement_no\":\"{AgreementNo}\"}}", sent.Fields["biz_content"]);
    }

    [Fact]
    public async Task QueryContract_BeforeSigned_ByExternalAgreementNoWithProductAndScene()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.user.agreement.query",
            "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"USER_AGREEMENT_NOT_EXIST\",\"sub_msg\":\"用户协议不存在\"}");

        var result = await Channel().QueryContractAsync(Account(), new ChannelContractRef(ContractId, null), default);

        Assert.Equal(ChannelContractState.NotFound, result.State);
        Assert.Equal(
            $"{{\"personal_product_code\":\"CYCLE_PAY_AUTH_P\",\"sign_scene\":\"INDUSTRY|DIGITAL_MEDIA\",\"external_agreement_no\":\"{ContractId}\"}}",
            Assert.Single(_alipay.Requests).Fields["biz_content"]);
    }

    [Theory]
    [InlineData("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"PRODUCT_CODE_NOT_SUPPORTED_ERROR\",\"sub_msg\":\"无效的个人产品码\"}")]
    [InlineData("{\"code\":\"20000\",\"msg\":\"Service Currently Unavailable\",\"sub_code\":\"isp.unknow-error\"}")]
    [InlineData("{\"code\":\"10000\",\"msg\":\"Success\",\"agreement_no\":\"20245101234567890123\",\"external_agreement_no\":\"C0000000000000000000000000\",\"status\":\"NORMAL\"}")]
    [InlineData("{\"code\":\"10000\",\"msg\":\"Success\",\"agreement_no\":\"20245101234567890123\",\"status\":\"PAUSED\"}")]
    public async Task QueryContract_OtherErrorOrAnotherAgreementOrOddStatus_Unknown(string payload)
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.user.agreement.query", payload);

        var result = await Channel().QueryContractAsync(Account(), new ChannelContractRef(ContractId, AgreementNo), default);

        Assert.Equal(ChannelContractState.Unknown, result.State);
    }

    [Fact]
    public async Task QueryContract_ResponseSignedByAnotherKey_Unknown()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.user.agreement.query",
            "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"USER_AGREEMENT_NOT_EXIST\"}", AppPrivateKeyFile);

        var result = await Channel().QueryContractAsync(Account(), new ChannelContractRef(ContractId, AgreementNo), default);

        Assert.Equal(ChannelContractState.Unknown, result.State);
    }

    // ---- terminate

    [Fact]
    public async Task TerminateContract_UnsignSucceeds_Terminated()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.user.agreement.unsign", "{\"code\":\"10000\",\"msg\":\"Success\"}");

        var result = await Channel().TerminateContractAsync(Account(), new ChannelContractRef(ContractId, AgreementNo), "merchant", default);

        Assert.Equal(ChannelContractState.Terminated, result.State);
        Assert.Equal("alipay.user.agreement.unsign", Assert.Single(_alipay.Requests).Fields["method"]);
    }

    [Theory]
    [InlineData("AGREEMENT_HAS_UNSIGNED", "{\"code\":\"10000\",\"msg\":\"Success\",\"agreement_no\":\"20245101234567890123\",\"status\":\"STOP\"}", ChannelContractState.Terminated)]
    [InlineData("USER_AGREEMENT_NOT_EXIST", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"USER_AGREEMENT_NOT_EXIST\"}", ChannelContractState.NotFound)]
    [InlineData("AGREEMENT_HAS_UNSIGNED", "{\"code\":\"10000\",\"msg\":\"Success\",\"agreement_no\":\"20245101234567890123\",\"status\":\"NORMAL\"}", ChannelContractState.Unknown)]
    [InlineData("MERCHANT_STATUS_IS_NOT_NORMAL", "{\"code\":\"10000\",\"msg\":\"Success\",\"agreement_no\":\"20245101234567890123\",\"status\":\"NORMAL\"}", ChannelContractState.Unknown)]
    [InlineData("MERCHANT_STATUS_IS_NOT_NORMAL", "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"USER_AGREEMENT_NOT_EXIST\"}", ChannelContractState.Unknown)]
    public async Task TerminateContract_Refused_QueryDecides(string unsignSubCode, string queryPayload, ChannelContractState expected)
    {
        _alipay.Respond = request => FakeAlipay.MethodOf(request) == "alipay.user.agreement.unsign"
            ? FakeAlipay.Signed("alipay.user.agreement.unsign", $"{{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"{unsignSubCode}\"}}")
            : FakeAlipay.Signed("alipay.user.agreement.query", queryPayload);

        var result = await Channel().TerminateContractAsync(Account(), new ChannelContractRef(ContractId, AgreementNo), null, default);

        Assert.Equal(expected, result.State);
        Assert.Equal(2, _alipay.Requests.Count);
    }

    [Fact]
    public async Task TerminateContract_ServiceUnavailable_UnknownWithoutQuery()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.user.agreement.unsign", "{\"code\":\"20000\",\"msg\":\"Service Currently Unavailable\",\"sub_code\":\"isp.unknow-error\"}");

        var result = await Channel().TerminateContractAsync(Account(), new ChannelContractRef(ContractId, AgreementNo), null, default);

        Assert.Equal(ChannelContractState.Unknown, result.State);
        Assert.Single(_alipay.Requests);
    }

    // ---- deduct

    [Fact]
    public async Task Deduct_Success_SucceededAndRequestHasAgreementButNoSceneOrAuthCode()
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.pay",
            $"{{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"2024010122001\",\"out_trade_no\":\"{OrderId}\",\"total_amount\":\"15.00\",\"gmt_payment\":\"2024-01-01 12:00:01\"}}");

        var result = await Channel().DeductAsync(Account(), Deduction(), default);

        Assert.Equal(ChannelOutcome.Succeeded, result.Outcome);
        Assert.Equal("2024010122001", result.ChannelTradeNo);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 12, 0, 1, TimeSpan.FromHours(8)), result.PaidAt);
        var sent = Assert.Single(_alipay.Requests);
        Assert.Equal("alipay.trade.pay", sent.Fields["method"]);
        Assert.Equal(
            $"{{\"out_trade_no\":\"{OrderId}\",\"total_amount\":\"15.00\",\"subject\":\"会员月费\",\"product_code\":\"CYCLE_PAY_AUTH\",\"agreement_params\":{{\"agreement_no\":\"{AgreementNo}\"}}}}",
            System.Text.RegularExpressions.Regex.Unescape(sent.Fields["biz_content"]));
        Assert.DoesNotContain("auth_code", sent.Fields["biz_content"], StringComparison.Ordinal);
        Assert.DoesNotContain("scene", sent.Fields["biz_content"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"code\":\"10003\",\"msg\":\"Order success pay inprocess\",\"trade_no\":\"t1\",\"out_trade_no\":\"ord_20240101_0001\"}", ChannelOutcome.Accepted, "DEDUCTION_IN_PROCESS")]
    [InlineData("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_HAS_SUCCESS\",\"sub_msg\":\"交易已被支付\"}", ChannelOutcome.Succeeded, "ACQ.TRADE_HAS_SUCCESS")]
    [InlineData("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.CYCLE_PAY_DATE_NOT_MATCH\"}", ChannelOutcome.Failed, "ACQ.CYCLE_PAY_DATE_NOT_MATCH")]
    [InlineData("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.AGREEMENT_STATUS_NOT_NORMAL\"}", ChannelOutcome.Failed, "ACQ.AGREEMENT_STATUS_NOT_NORMAL")]
    [InlineData("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.BUYER_BALANCE_NOT_ENOUGH\"}", ChannelOutcome.Failed, "ACQ.BUYER_BALANCE_NOT_ENOUGH")]
    [InlineData("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.PAYMENT_AUTH_CODE_INVALID\"}", ChannelOutcome.Unknown, "ACQ.PAYMENT_AUTH_CODE_INVALID")]
    [InlineData("{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.SYSTEM_ERROR\"}", ChannelOutcome.Unknown, "ACQ.SYSTEM_ERROR")]
    [InlineData("{\"code\":\"20000\",\"msg\":\"Service Currently Unavailable\",\"sub_code\":\"isp.unknow-error\"}", ChannelOutcome.Unknown, "isp.unknow-error")]
    [InlineData("{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"t1\",\"out_trade_no\":\"another\"}", ChannelOutcome.Unknown, "CHANNEL_UNKNOWN")]
    [InlineData("{\"code\":\"10000\",\"msg\":\"Success\",\"trade_no\":\"t1\",\"out_trade_no\":\"ord_20240101_0001\",\"total_amount\":\"0.01\"}", ChannelOutcome.Unknown, "CHANNEL_UNKNOWN")]
    public async Task Deduct_Answers_MapToOutcomes(string payload, ChannelOutcome expected, string? code)
    {
        _alipay.Respond = _ => FakeAlipay.Signed("alipay.trade.pay", payload);

        var result = await Channel().DeductAsync(Account(), Deduction(), default);

        Assert.Equal(expected, result.Outcome);
        Assert.Equal(code, result.ErrorCode);
    }

    [Fact]
    public async Task Deduct_Http500_Unknown()
    {
        _alipay.Respond = _ => new HttpResponseMessage(HttpStatusCode.InternalServerError);

        var result = await Channel().DeductAsync(Account(), Deduction(), default);

        Assert.Equal(ChannelOutcome.Unknown, result.Outcome);
    }

    [Fact]
    public async Task Deduct_NotCny_FailedWithoutSending()
    {
        var result = await Channel().DeductAsync(Account(), Deduction("USD"), default);

        Assert.Equal(ChannelOutcome.Failed, result.Outcome);
        Assert.Empty(_alipay.Requests);
    }
}
