using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>Amounts of a transaction, in fen (integer minor units).</summary>
public sealed record WeChatPayAmount(long Total, string Currency, long? PayerTotal, string? PayerCurrency);

/// <summary>
/// A payment as WeChat reports it, both in the decrypted <c>TRANSACTION.SUCCESS</c> resource and in the
/// query response (same field names).
/// </summary>
public sealed record WeChatPayTransaction(
    string MchId,
    string? AppId,
    string OutTradeNo,
    string? TransactionId,
    string? TradeType,
    string TradeState,
    string? TradeStateDesc,
    string? BankType,
    string? Attach,
    DateTimeOffset? SuccessTime,
    string? PayerOpenId,
    WeChatPayAmount? Amount)
{
    /// <summary>
    /// Parses a transaction JSON. Requires mchid, out_trade_no and trade_state, which every order message needs to
    /// be routed and interpreted; an amount, when present, must have an integer total.
    /// </summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out WeChatPayTransaction? transaction)
    {
        transaction = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!WeChatPayJson.TryGetString(root, "mchid", out var mchId)
                || !WeChatPayJson.TryGetString(root, "out_trade_no", out var outTradeNo)
                || !WeChatPayJson.TryGetString(root, "trade_state", out var tradeState))
            {
                return false;
            }

            WeChatPayAmount? amount = null;
            if (root.TryGetProperty("amount", out var amountElement) && amountElement.ValueKind == JsonValueKind.Object)
            {
                if (WeChatPayJson.GetInt64OrNull(amountElement, "total") is not { } total)
                {
                    return false;
                }

                amount = new WeChatPayAmount(
                    total,
                    // WeChat omits the currency on some query answers; CNY is its documented default.
                    WeChatPayJson.GetStringOrNull(amountElement, "currency") ?? "CNY",
                    WeChatPayJson.GetInt64OrNull(amountElement, "payer_total"),
                    WeChatPayJson.GetStringOrNull(amountElement, "payer_currency"));
            }

            string? openId = null;
            if (root.TryGetProperty("payer", out var payer))
            {
                openId = WeChatPayJson.GetStringOrNull(payer, "openid");
            }

            transaction = new WeChatPayTransaction(
                mchId,
                WeChatPayJson.GetStringOrNull(root, "appid"),
                outTradeNo,
                WeChatPayJson.GetStringOrNull(root, "transaction_id"),
                WeChatPayJson.GetStringOrNull(root, "trade_type"),
                tradeState,
                WeChatPayJson.GetStringOrNull(root, "trade_state_desc"),
                WeChatPayJson.GetStringOrNull(root, "bank_type"),
                WeChatPayJson.GetStringOrNull(root, "attach"),
                WeChatPayJson.GetTimeOrNull(root, "success_time"),
                openId,
                amount);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
