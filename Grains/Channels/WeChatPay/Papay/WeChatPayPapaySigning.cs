using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// Starts a papay contract: the Official-Account sign link (<c>/papay/entrustweb</c>, built and signed locally), the
/// H5 sign link (<c>/papay/h5entrustweb</c>, a signed GET answered with <c>redirect_url</c>) or the App pre-sign
/// (<c>/papay/preentrustweb</c>, answered with <c>pre_entrustweb_id</c>).
/// </summary>
internal sealed class WeChatPayPapaySigning(WeChatPayV2Client client)
{
    public const string EntrustWebPath = "/papay/entrustweb";
    public const string H5EntrustWebPath = "/papay/h5entrustweb";
    public const string PreEntrustWebPath = "/papay/preentrustweb";

    public static IReadOnlyCollection<PayMethod> Methods { get; } = [PayMethod.WEB, PayMethod.WAP, PayMethod.APP];

    public static IReadOnlyCollection<string> Currencies { get; } = ["CNY"];

    /// <summary>WeChat's limit for <c>contract_display_account</c> (32 characters).</summary>
    private const int MaxDisplayAccountLength = 32;

    // Business refusals after which WeChat has certainly created no sign link; the rest stays Unknown. From WeChat's
    // v2 error documentation, not from a vector.
    private static readonly HashSet<string> DefinitiveRefusals = new(StringComparer.Ordinal)
    {
        "PARAM_ERROR", "SIGNERROR", "NOAUTH", "APPID_MCHID_NOT_MATCH", "MCHID_NOT_EXIST", "APPID_NOT_EXIST", "PLAN_NOT_EXIST",
    };

    public async Task<ChannelSignResult> StartAsync(WeChatPayPapayMerchant merchant, ChannelSignRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Reject(request) is { } problem)
        {
            return new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: "INVALID_REQUEST", ErrorMessage: problem);
        }

        var fields = CommonFields(merchant, request);
        switch (request.Method)
        {
            case PayMethod.WEB:
                // Opened by the payer's browser inside WeChat: nothing to call, the signed link is the answer.
                fields.Add(new("return_web", "1"));
                return new ChannelSignResult(ChannelOutcome.Accepted, new PayData("redirect_url", merchant.Address(EntrustWebPath + "?" + SignedQuery(merchant, fields, WeChatPayV2Signer.Md5)).AbsoluteUri));
            case PayMethod.WAP:
                {
                    fields.Add(new("clientip", request.UserIp));
                    fields.Add(new(WeChatPayV2Signer.SignTypeField, WeChatPayV2Signer.HmacSha256));
                    var answer = await client.GetAsync(merchant, H5EntrustWebPath, SignedQuery(merchant, fields, WeChatPayV2Signer.HmacSha256), WeChatPayV2Signer.HmacSha256, cancellationToken).ConfigureAwait(false);
                    return Interpret(merchant, answer, "redirect_url", url => new PayData("redirect_url", url));
                }
            default:
                {
                    var answer = await client.PostAsync(merchant, PreEntrustWebPath, Signed(merchant, fields, WeChatPayV2Signer.Md5), WeChatPayV2Signer.Md5, cancellationToken).ConfigureAwait(false);
                    return Interpret(merchant, answer, "pre_entrustweb_id",
                        id => new PayData("app_params", new JsonObject { ["pre_entrustweb_id"] = id }.ToJsonString()));
                }
        }
    }

    /// <summary>The request serial WeChat wants increasing per merchant: the contract's creation time in milliseconds.</summary>
    public static long RequestSerial(ChannelSignRequest request) => request.RequestedAt.ToUnixTimeMilliseconds();

    /// <summary>Fields plus their sign, in a fixed order.</summary>
    public static List<KeyValuePair<string, string?>> Signed(WeChatPayPapayMerchant merchant, List<KeyValuePair<string, string?>> fields, string signType)
    {
        var signed = new List<KeyValuePair<string, string?>>(fields) { new(WeChatPayV2Signer.SignField, WeChatPayV2Signer.Sign(fields, merchant.ApiV2Key, signType)) };
        return signed;
    }

    private static string? Reject(ChannelSignRequest request) => request switch
    {
        // Checked before anything is sent, so "Failed" is certain.
        _ when !string.Equals(request.Currency, "CNY", StringComparison.OrdinalIgnoreCase) => "WeChat Pay papay only takes CNY.",
        { Method: not (PayMethod.WEB or PayMethod.WAP or PayMethod.APP) } => $"Sign method {request.Method} is not offered by WeChat Pay papay.",
        { Method: PayMethod.WAP, UserIp: null or "" } => "H5 signing needs the payer's IP (UserIp).",
        { DisplayAccount: null or "" } => "The contract needs a display account.",
        _ => null,
    };

    private static List<KeyValuePair<string, string?>> CommonFields(WeChatPayPapayMerchant merchant, ChannelSignRequest request) =>
    [
        new("appid", merchant.AppId),
        new("mch_id", merchant.MchId),
        new("plan_id", merchant.PlanId),
        new("contract_code", request.ContractId),
        new("request_serial", RequestSerial(request).ToString(CultureInfo.InvariantCulture)),
        new("contract_display_account", WeChatPayText.Truncate(request.DisplayAccount, MaxDisplayAccountLength)),
        new("notify_url", merchant.Account.NotifyUrl.AbsoluteUri),
        new("version", "1.0"),
        new("timestamp", request.RequestedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
    ];

    // The sign covers raw values; the query carries them URL-encoded.
    private static string SignedQuery(WeChatPayPapayMerchant merchant, List<KeyValuePair<string, string?>> fields, string signType)
    {
        var query = new StringBuilder();
        foreach (var (key, value) in Signed(merchant, fields, signType))
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            query.Append(query.Length == 0 ? "" : "&").Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }

        return query.ToString();
    }

    private static ChannelSignResult Interpret(WeChatPayPapayMerchant merchant, WeChatPayV2Response answer, string field, Func<string, PayData> payData)
    {
        if (!answer.IsVerified)
        {
            return ChannelSignResult.Unknown(answer.Failure!);
        }

        if (answer.IsSuccess)
        {
            return answer.Get("mch_id") is { } mchId && mchId != merchant.MchId
                ? ChannelSignResult.Unknown("WeChat Pay answered for another merchant id.")
                : answer.Get(field) is { } value
                    ? new ChannelSignResult(ChannelOutcome.Accepted, payData(value))
                    : ChannelSignResult.Unknown($"WeChat Pay accepted the contract but returned no {field}.");
        }

        return answer.ErrorCode is { } code && DefinitiveRefusals.Contains(code)
            ? new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: code, ErrorMessage: answer.ErrorMessage)
            : new ChannelSignResult(ChannelOutcome.Unknown, ErrorCode: answer.ErrorCode ?? "CHANNEL_UNKNOWN", ErrorMessage: answer.ErrorMessage);
    }
}
