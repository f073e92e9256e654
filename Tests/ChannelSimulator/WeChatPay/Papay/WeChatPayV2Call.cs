using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.Records;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// Starts every API v2 (papay) call: reads the flat XML body (or, for the H5 sign link, the query string), finds the
/// merchant by <c>mch_id</c> and checks the sign with its APIv2 key. A refusal is answered like WeChat's
/// transport-level errors, unsigned <c>return_code FAIL</c>, and recorded.
/// </summary>
internal sealed class WeChatPayV2Calls(WeChatPayMerchants merchants, RecordLog records, IHostApplicationLifetime lifetime)
{
    public async Task<WeChatPayV2Call?> BeginAsync(HttpContext context, string kind, bool fromQuery = false)
    {
        Dictionary<string, string>? fields;
        if (fromQuery)
        {
            fields = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        }
        else
        {
            var body = await ApiRequestReader.ReadBodyAsync(context.Request, context.RequestAborted);
            fields = body is null ? null : WeChatPayV2Wire.Read(body);
        }
        if (fields is null)
        {
            return await RefuseAsync(context, kind, "", "XML_FORMAT_ERROR: the body is not flat v2 XML.");
        }
        fields.TryGetValue("mch_id", out var mchId);
        if (!merchants.TryGet(mchId, out var merchant) || merchant.ApiV2Key is null)
        {
            return await RefuseAsync(context, kind, mchId ?? "", "mch_id is not a papay merchant of the simulator.");
        }
        if (!WeChatPayV2Wire.Verify(fields, merchant.ApiV2Key))
        {
            return await RefuseAsync(context, kind, merchant.MchId, "签名错误");
        }
        return new WeChatPayV2Call(context, merchant, fields, kind, records, lifetime.ApplicationStopping);
    }

    private async Task<WeChatPayV2Call?> RefuseAsync(HttpContext context, string kind, string mchId, string message)
    {
        records.Add(kind, mchId, null, null, null, null, 200, "FAIL");
        var xml = WeChatPayV2Wire.Write([new("return_code", "FAIL"), new("return_msg", message)]);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(xml, Encoding.UTF8);
        return null;
    }
}

/// <summary>
/// One authenticated v2 call. Answers are field dictionaries, sent as XML with <c>return_code SUCCESS</c>, the
/// merchant's mch_id and appid, and a sign of the request's own sign_type. A configured <c>fail</c> is a signed
/// <c>result_code FAIL</c> with its code as err_code (HTTP 200, or the configured status when it is 5xx);
/// <c>bad_signature</c> signs with a wrong key.
/// </summary>
internal sealed class WeChatPayV2Call(HttpContext context, WeChatPayMerchant merchant, Dictionary<string, string> fields, string kind, RecordLog records, CancellationToken stopping)
    : ApiCall(context, merchant.MchId, kind, records, stopping)
{
    public WeChatPayMerchant Merchant { get; } = merchant;

    public IReadOnlyDictionary<string, string> Fields { get; } = fields;

    public string? Get(string key) => Fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>A business success with these fields.</summary>
    public static Dictionary<string, string> Success(params (string Key, string? Value)[] fields) => Result("SUCCESS", null, null, fields);

    /// <summary>A business refusal: <c>result_code FAIL</c> with err_code and err_code_des.</summary>
    public static Dictionary<string, string> Refusal(string code, string message, params (string Key, string? Value)[] fields) => Result("FAIL", code, message, fields);

    protected override (int Status, object Body, string Result) FailureAnswer(SimulatorFailure failure) =>
        (failure.HttpStatus >= 500 ? failure.HttpStatus : 200, Refusal(failure.Code, failure.Message ?? "Configured failure."), failure.Code);

    protected override Task WriteAnswerAsync(int status, object body)
    {
        var answer = new Dictionary<string, string>((Dictionary<string, string>)body, StringComparer.Ordinal)
        {
            ["return_code"] = "SUCCESS",
            ["return_msg"] = "OK",
            ["mch_id"] = Merchant.MchId,
        };
        if (Get("appid") is { } appId)
        {
            answer["appid"] = appId;
        }
        answer["nonce_str"] = WeChatPayCrypto.Nonce(16);
        // Signed with the request's algorithm, which the answer does not name (as WeChat answers).
        var signType = Get("sign_type") == WeChatPayV2Wire.HmacSha256 ? WeChatPayV2Wire.HmacSha256 : WeChatPayV2Wire.Md5;
        WeChatPayV2Wire.Signed(answer, Behaviour.BadSignature ? WrongKey(Merchant.ApiV2Key!) : Merchant.ApiV2Key!, signType);
        Context.Response.StatusCode = status;
        Context.Response.ContentType = "text/xml; charset=utf-8";
        return Context.Response.WriteAsync(WeChatPayV2Wire.Write(answer), Encoding.UTF8);
    }

    /// <summary>A key of the right shape that is not the merchant's.</summary>
    public static string WrongKey(string key) => new([.. key.Reverse()]);

    private static Dictionary<string, string> Result(string resultCode, string? code, string? message, (string Key, string? Value)[] fields)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal) { ["result_code"] = resultCode };
        if (code is not null)
        {
            result["err_code"] = code;
            result["err_code_des"] = message ?? code;
        }
        foreach (var (key, value) in fields)
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }
        return result;
    }
}
