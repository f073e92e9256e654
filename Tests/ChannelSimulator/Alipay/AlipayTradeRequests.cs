using System.Globalization;
using System.Text.RegularExpressions;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>Reads the biz_content of the create methods into a <see cref="NewTrade"/>.</summary>
internal static partial class AlipayTradeRequests
{
    private const long MaxFen = 100_000_000_00;

    /// <summary>The simulator's method name for deductions under an agreement.</summary>
    public const string DeductionMethod = "AGREEMENT";

    /// <summary>The simulator's method name (PayMethod) for each create method.</summary>
    public static string PayMethodOf(string method) => method switch
    {
        AlipayMethod.Precreate => "QR_CODE",
        AlipayMethod.PagePay => "WEB",
        AlipayMethod.WapPay => "WAP",
        AlipayMethod.AppPay => "APP",
        AlipayMethod.Pay => "SERVER",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    public static bool TryParse(AlipayRequest request, AlipaySimulatorOptions options, DateTimeOffset now, out NewTrade trade, out AlipayAnswer? invalid)
    {
        trade = null!;
        invalid = null;
        var outTradeNo = request.BizString("out_trade_no");
        var subject = request.BizString("subject");
        long fen = 0;
        var expireAt = now + options.DefaultTradeExpiry;
        var problem =
            outTradeNo is null || !OutTradeNoPattern().IsMatch(outTradeNo) ? "out_trade_no必填，1-64位字母、数字或下划线"
            : !AlipayWire.TryParseYuan(request.BizString("total_amount"), out fen) || fen < 1 || fen > MaxFen
                ? "total_amount必填，单位为元，精确到小数点后两位，取值范围[0.01,100000000]"
            : string.IsNullOrEmpty(subject) || subject.Length > 256 ? "subject必填，最长256个字符"
            : ExpiryProblem(request, now, ref expireAt)
            ?? (request.Method != AlipayMethod.Pay || AlipayGateway.IsDeduction(request) ? null
                : string.IsNullOrEmpty(request.BizString("auth_code")) ? "auth_code必填"
                : request.BizString("scene") is not ("bar_code" or "security_code") ? "scene必须为bar_code或security_code"
                : null);

        if (problem is not null)
        {
            invalid = AlipayAnswer.Error(AlipayCode.BusinessFailed, AlipayCode.InvalidParameter, "参数无效：" + problem);
            return false;
        }

        var notifyUrl = Uri.TryCreate(request.NotifyUrl, UriKind.Absolute, out var notify) && notify.Scheme is "http" or "https" ? notify : null;
        // A deduction (trade.pay with agreement_params) has no payer present: its method reads AGREEMENT, like the gateway's.
        var method = AlipayGateway.IsDeduction(request) ? DeductionMethod : PayMethodOf(request.Method);
        trade = new NewTrade(SimulatorProtocol.Alipay, request.AppId, outTradeNo!, fen, AlipayApiCall.Currency, subject!,
            method, notifyUrl, request.ReturnUrl, expireAt);
        return true;
    }

    // Null when time_expire / timeout_express (if any) are acceptable; expireAt is then the trade's expiry.
    private static string? ExpiryProblem(AlipayRequest request, DateTimeOffset now, ref DateTimeOffset expireAt)
    {
        if (request.BizString("time_expire") is { } timeExpire)
        {
            if (!AlipayWire.TryParseBeijingTime(timeExpire, out var at) || at <= now)
            {
                return "time_expire格式为yyyy-MM-dd HH:mm:ss，且须晚于当前时间";
            }
            expireAt = at;
            return null;
        }
        if (request.BizString("timeout_express") is { } express)
        {
            var match = TimeoutExpressPattern().Match(express);
            if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return "timeout_express取值为1m～15d，或1c";
            }
            expireAt = match.Groups[2].Value switch
            {
                "m" => now.AddMinutes(n),
                "h" => now.AddHours(n),
                "d" => now.AddDays(n),
                _ => AlipayWire.EndOfBeijingDay(now),
            };
            if (expireAt > now.AddDays(15))
            {
                return "timeout_express取值为1m～15d，或1c";
            }
        }
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex OutTradeNoPattern();

    [GeneratedRegex("^([0-9]{1,5})([mhdc])$")]
    private static partial Regex TimeoutExpressPattern();
}
