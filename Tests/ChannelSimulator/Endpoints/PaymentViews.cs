using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Signing;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>Builds the API's payment answers, including what the payer needs for each method.</summary>
internal static class PaymentViews
{
    public static PaymentView Queried(SimulatorTrade t) =>
        new(t.OutTradeNo, t.TradeNo, t.Status, t.Amount, t.Currency, t.MerchantId, t.PaidAt);

    /// <summary>Create's answer: while PENDING it carries pay_url (WEB/WAP), qr_code (QR_CODE) or app_params (APP/SDK).</summary>
    public static PaymentView Created(SimulatorTrade t, HttpRequest request, string key)
    {
        var view = Queried(t);
        if (t.Status != TradeStatus.Pending)
        {
            return view;
        }
        var cashier = CashierSite.Mock.PageUrl(request, t.TradeNo);
        return t.Method switch
        {
            "WEB" or "WAP" => view with { PayUrl = cashier },
            "QR_CODE" => view with { QrCode = cashier },
            "APP" or "SDK" => view with { AppParams = AppParams(t, key) },
            _ => view,
        };
    }

    // What a payer's app SDK would receive; deterministic so an idempotent create returns the same parameters.
    private static JsonObject AppParams(SimulatorTrade t, string key)
    {
        var prepayId = "prepay_" + t.TradeNo;
        var timestamp = MockSigner.Timestamp(t.CreatedAt);
        return new JsonObject
        {
            ["merchant_id"] = t.MerchantId,
            ["trade_no"] = t.TradeNo,
            ["prepay_id"] = prepayId,
            ["timestamp"] = timestamp,
            ["sign"] = MockSigner.SignBody(key, timestamp, System.Text.Encoding.UTF8.GetBytes(prepayId)),
        };
    }
}
