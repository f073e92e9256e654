using System.Globalization;
using System.Text.Json;
using static PayGateway.ChannelSimulator.WeChatPay.WeChatPayFields;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>A validated order body of POST /v3/pay/transactions/{native|jsapi|h5|app}.</summary>
internal sealed record WeChatPayOrderRequest(
    string AppId,
    string MchId,
    string Description,
    string OutTradeNo,
    Uri NotifyUrl,
    long Total,
    DateTimeOffset? TimeExpire,
    string? Attach,
    string? PayerOpenId);

/// <summary>Reads and checks an order body the way WeChat documents its fields; errors become 400 PARAM_ERROR.</summary>
internal static class WeChatPayOrderReader
{
    /// <summary>The order, or the reason it is refused; out_trade_no and total are returned when readable, for the records.</summary>
    public static (WeChatPayOrderRequest? Order, string? OutTradeNo, long? Total, string? Error) Read(byte[] body, string tradeType, DateTimeOffset now)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return (null, null, null, "The body is not JSON.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null, "The body is not a JSON object.");
            }
            var outTradeNo = Text(root, "out_trade_no");
            var amount = root.TryGetProperty("amount", out var a) && a.ValueKind == JsonValueKind.Object ? a : default;
            long? total = amount.ValueKind == JsonValueKind.Object && amount.TryGetProperty("total", out var t)
                && t.ValueKind == JsonValueKind.Number && t.TryGetInt64(out var v) ? v : null;
            var error = Check(root, tradeType, outTradeNo, amount, total, now, out var expire, out var notifyUrl);
            if (error is not null)
            {
                return (null, outTradeNo, total, error);
            }
            var order = new WeChatPayOrderRequest(
                Text(root, "appid")!, Text(root, "mchid")!, Text(root, "description")!, outTradeNo!, notifyUrl!, total!.Value, expire,
                Text(root, "attach"), Text(Object(root, "payer"), "openid"));
            return (order, outTradeNo, total, null);
        }
    }

    private static string? Check(JsonElement root, string tradeType, string? outTradeNo, JsonElement amount, long? total, DateTimeOffset now,
        out DateTimeOffset? expire, out Uri? notifyUrl)
    {
        expire = null;
        notifyUrl = null;
        if (Text(root, "appid") is not { Length: > 0 and <= 32 })
        {
            return "appid is required (at most 32 characters).";
        }
        if (Text(root, "mchid") is not { Length: > 0 and <= 32 })
        {
            return "mchid is required (at most 32 characters).";
        }
        if (Text(root, "description") is not { Length: > 0 and <= 127 })
        {
            return "description is required (at most 127 characters).";
        }
        if (!WeChatPayFields.IsNumber(outTradeNo, 6, 32, "_-|*"))
        {
            return "out_trade_no must be 6-32 characters of letters, digits, _ - | *.";
        }
        if (!WeChatPayFields.IsNotifyUrl(Text(root, "notify_url"), out notifyUrl))
        {
            return "notify_url must be an absolute http(s) URL without query parameters (at most 256 characters).";
        }
        if (total is not > 0)
        {
            return "amount.total must be a positive integer (fen).";
        }
        if (Text(amount, "currency") is { } currency && currency != "CNY")
        {
            return "amount.currency must be CNY.";
        }
        if (Text(root, "attach") is { Length: > 128 })
        {
            return "attach is at most 128 characters.";
        }
        if (Text(root, "time_expire") is { } timeExpire)
        {
            if (!TryParseTime(timeExpire, out var parsed))
            {
                return "time_expire must be RFC 3339 with an offset, e.g. 2026-01-31T20:00:00+08:00.";
            }
            if (parsed <= now)
            {
                return "time_expire is in the past.";
            }
            expire = parsed;
        }
        if (tradeType == "JSAPI" && Text(Object(root, "payer"), "openid") is not { Length: > 0 })
        {
            return "payer.openid is required for JSAPI.";
        }
        if (tradeType == "H5")
        {
            var scene = Object(root, "scene_info");
            if (Text(scene, "payer_client_ip") is not { Length: > 0 } || Text(Object(scene, "h5_info"), "type") is not { Length: > 0 })
            {
                return "scene_info.payer_client_ip and scene_info.h5_info.type are required for H5.";
            }
        }
        return null;
    }

    private static bool TryParseTime(string text, out DateTimeOffset time)
    {
        time = default;
        // An offset is required: a bare local time would be read in the simulator's zone.
        var hasOffset = text.EndsWith('Z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }
}
