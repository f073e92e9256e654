using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>The transaction JSON shared by query answers and the decrypted TRANSACTION.SUCCESS resource.</summary>
internal static class WeChatPayViews
{
    /// <summary>trade_state of a trade; <paramref name="unpaidOverride"/> (the <c>trade_state</c> behaviour) replaces NOTPAY.</summary>
    public static string TradeState(SimulatorTrade trade, string? unpaidOverride = null) => trade.Status switch
    {
        TradeStatus.Succeeded => WeChatPayTradeState.Success,
        TradeStatus.Closed => WeChatPayTradeState.Closed,
        TradeStatus.Failed => WeChatPayTradeState.PayError,
        _ => string.IsNullOrEmpty(unpaidOverride) ? WeChatPayTradeState.NotPay : unpaidOverride,
    };

    public static JsonObject Transaction(SimulatorTrade trade, WeChatPayOrder order, string tradeState, long? statedAmount = null)
    {
        var paid = tradeState == WeChatPayTradeState.Success;
        var total = statedAmount ?? trade.Amount;
        var json = new JsonObject
        {
            ["appid"] = order.AppId,
            ["mchid"] = trade.MerchantId,
            ["out_trade_no"] = trade.OutTradeNo,
        };
        if (paid)
        {
            json["transaction_id"] = trade.TradeNo;
        }
        json["trade_type"] = order.TradeType;
        json["trade_state"] = tradeState;
        json["trade_state_desc"] = Description(tradeState);
        if (order.Attach is not null)
        {
            json["attach"] = order.Attach;
        }
        if (paid)
        {
            json["bank_type"] = "OTHERS";
            json["success_time"] = WeChatPayCrypto.Rfc3339(trade.PaidAt ?? trade.CreatedAt);
            json["payer"] = new JsonObject { ["openid"] = order.PayerOpenId };
            json["amount"] = new JsonObject { ["total"] = total, ["payer_total"] = total, ["currency"] = trade.Currency, ["payer_currency"] = trade.Currency };
        }
        else
        {
            json["amount"] = new JsonObject { ["total"] = total, ["currency"] = trade.Currency };
        }
        return json;
    }

    private static string Description(string tradeState) => tradeState switch
    {
        WeChatPayTradeState.Success => "支付成功",
        WeChatPayTradeState.NotPay => "订单未支付",
        WeChatPayTradeState.Closed => "订单已关闭",
        WeChatPayTradeState.UserPaying => "用户支付中（需要输入密码）",
        WeChatPayTradeState.PayError => "支付失败，请重新下单支付",
        _ => tradeState,
    };
}
