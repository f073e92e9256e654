using System.Net;
using PayGateway.Channels;
using PayGateway.Channels.WeChatPay.Papay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>
/// How the papay adapter verifies WeChat's API v2 answers (against <see cref="FakeWeChatPayServer"/>): WeChat signs an
/// answer with the algorithm of its request and does not name it, so an answer without <c>sign_type</c> to an
/// HMAC-SHA256 request is HMAC-SHA256.
/// </summary>
public sealed class WeChatPayV2AnswerTests : IDisposable
{
    private const string ApiV2Key = "0123456789abcdefghijABCDEFGHIJ01";
    private const string OrderId = "PAP000000000000000000001";

    private readonly WeChatPayAdapterRig _rig = new([0x5A, 0x03]);
    private readonly ChannelAccount _account;

    public WeChatPayV2AnswerTests()
    {
        _account = _rig.Account with
        {
            Settings = new Dictionary<string, string>(_rig.Account.Settings) { ["papay_plan_id"] = "12535" },
            Secrets = new Dictionary<string, string>(_rig.Account.Secrets) { ["api_v2_key"] = ApiV2Key },
        };
    }

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task DeductionQueryAnswer_HmacSignedWithoutSignType_IsBelieved()
    {
        _rig.Server.Respond = (_, _) => (HttpStatusCode.OK, Answer(QuerySuccess(), ApiV2Key, WeChatPayV2Signer.HmacSha256));

        var result = await _rig.Channel.QueryDeductionAsync(_account, Deduction(), default);

        Assert.Equal((ChannelTradeState.Succeeded, 990L, "4200000000202611260000000001"), (result.State, result.Amount, result.ChannelTradeNo));
        var sent = Assert.Single(_rig.Server.Requests, r => r.PathAndQuery == "/pay/paporderquery");
        Assert.Contains("<sign_type>HMAC-SHA256</sign_type>", sent.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fedcba9876543210FEDCBA9876543210", WeChatPayV2Signer.HmacSha256)] // another key
    [InlineData(ApiV2Key, WeChatPayV2Signer.Md5)] // not the request's algorithm
    public async Task DeductionQueryAnswer_NotSignedLikeTheRequest_IsUnknown(string key, string signType)
    {
        _rig.Server.Respond = (_, _) => (HttpStatusCode.OK, Answer(QuerySuccess(), key, signType));

        var result = await _rig.Channel.QueryDeductionAsync(_account, Deduction(), default);

        Assert.Equal(ChannelTradeState.Unknown, result.State);
    }

    [Fact]
    public async Task DeductionAnswer_HmacSignedWithoutSignType_IsAccepted()
    {
        _rig.Server.Respond = (_, _) => (HttpStatusCode.OK, Answer(Common(), ApiV2Key, WeChatPayV2Signer.HmacSha256));

        var result = await _rig.Channel.DeductAsync(_account, Deduction(), default);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
    }

    [Fact]
    public async Task H5SigningAnswer_HmacSignedWithoutSignType_IsAccepted()
    {
        var answer = Common();
        answer["redirect_url"] = "https://payapp.weixin.qq.com/papay/h5entrustweb?session=abc";
        _rig.Server.Respond = (_, _) => (HttpStatusCode.OK, Answer(answer, ApiV2Key, WeChatPayV2Signer.HmacSha256));
        var request = new ChannelSignRequest(
            "C202611260000000000000001", PayMethod.WAP, "CNY", 990, null, new ChannelContractPeriod("MONTH", 1, new DateOnly(2026, 12, 1)),
            "会员 138****0000", "https://shop.example/return", "203.0.113.9", WeChatPayAdapterRig.Start, WeChatPayAdapterRig.Start.AddMinutes(30));

        var result = await _rig.Channel.StartSigningAsync(_account, request, default);

        Assert.Equal((ChannelOutcome.Accepted, "https://payapp.weixin.qq.com/papay/h5entrustweb?session=abc"), (result.Outcome, result.SignData?.Content));
    }

    private static ChannelDeductionRequest Deduction() =>
        new(OrderId, "C202611260000000000000001", "200020261126000000001", 990, "CNY", "月度会员", null, WeChatPayAdapterRig.Start);

    private static Dictionary<string, string> Common() => new(StringComparer.Ordinal)
    {
        ["return_code"] = "SUCCESS",
        ["return_msg"] = "OK",
        ["result_code"] = "SUCCESS",
        ["appid"] = WeChatPayAdapterRig.AppId,
        ["mch_id"] = WeChatPayAdapterRig.MchId,
        ["nonce_str"] = "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
    };

    private static Dictionary<string, string> QuerySuccess()
    {
        var fields = Common();
        fields["out_trade_no"] = OrderId;
        fields["trade_type"] = "PAP";
        fields["trade_state"] = "SUCCESS";
        fields["total_fee"] = "990";
        fields["fee_type"] = "CNY";
        fields["transaction_id"] = "4200000000202611260000000001";
        fields["time_end"] = "20261126190001";
        fields["contract_id"] = "200020261126000000001";
        return fields;
    }

    // As WeChat answers: signed, and without sign_type whatever the algorithm.
    private static string Answer(Dictionary<string, string> fields, string key, string signType)
    {
        fields["sign"] = WeChatPayV2Signer.Sign(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)), key, signType);
        return WeChatPayV2Xml.Write(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)));
    }
}
