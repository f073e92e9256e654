using System.Text.Json;
using System.Text.Json.Nodes;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// The WeChat Pay v3 merchant API as the gateway's adapter calls it: orders (native, jsapi, h5, app), query, close
/// and the platform-certificate download. Every call is authenticated, recorded, shaped by the behaviours and
/// answered signed with the platform key. Trades live in the shared trade store.
/// </summary>
internal sealed class WeChatPayApi(
    WeChatPayCalls calls,
    TradeStore store,
    BehaviourRegistry behaviours,
    TradeOperations operations,
    WeChatPayOrders orders,
    WeChatPayPlatformKeys platform,
    SimulatorOptions options,
    TimeProvider time)
{
    /// <summary>openid of the payer of non-JSAPI orders (they name no payer).</summary>
    public const string SimulatedOpenId = "oSimulatorPayer0000000000000";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v3/pay/transactions/native", (HttpContext c, WeChatPayApi api) => api.CreateAsync(c, "NATIVE"));
        app.MapPost("/v3/pay/transactions/jsapi", (HttpContext c, WeChatPayApi api) => api.CreateAsync(c, "JSAPI"));
        app.MapPost("/v3/pay/transactions/h5", (HttpContext c, WeChatPayApi api) => api.CreateAsync(c, "H5"));
        app.MapPost("/v3/pay/transactions/app", (HttpContext c, WeChatPayApi api) => api.CreateAsync(c, "APP"));
        app.MapGet("/v3/pay/transactions/out-trade-no/{outTradeNo}", (HttpContext c, string outTradeNo, WeChatPayApi api) => api.QueryAsync(c, outTradeNo, null));
        app.MapGet("/v3/pay/transactions/id/{transactionId}", (HttpContext c, string transactionId, WeChatPayApi api) => api.QueryAsync(c, null, transactionId));
        app.MapPost("/v3/pay/transactions/out-trade-no/{outTradeNo}/close", (HttpContext c, string outTradeNo, WeChatPayApi api) => api.CloseAsync(c, outTradeNo));
        app.MapGet("/v3/certificates", (HttpContext c, WeChatPayApi api) => api.CertificatesAsync(c));
    }

    public async Task CreateAsync(HttpContext context, string tradeType)
    {
        if (await calls.BeginAsync(context, RecordKind.Create, null) is not ({ } call, { } merchant))
        {
            return;
        }
        var now = time.GetUtcNow();
        var (order, outTradeNo, total, error) = WeChatPayOrderReader.Read(call.Body, tradeType, now);
        if (order is not null && order.MchId != merchant.MchId)
        {
            error = "mchid is not the merchant that signed the request.";
        }
        if (order is null || error is not null)
        {
            await call.ReplyAsync(400, new ErrorBody("PARAM_ERROR", error!), "PARAM_ERROR", outTradeNo, total, "CNY");
            return;
        }
        call.Behaviour = behaviours.Resolve(order.OutTradeNo, SimulatorOperation.Create);
        if (!await call.ApplyDelayAndFailAsync(order.OutTradeNo, order.Total, "CNY"))
        {
            return;
        }

        var expireAt = order.TimeExpire ?? now + options.WeChatPay.DefaultOrderLifetime;
        var (outcome, trade) = store.CreateOrGet(
            new NewTrade(SimulatorProtocol.WeChatPay, merchant.MchId, order.OutTradeNo, order.Total, "CNY", order.Description, tradeType, order.NotifyUrl, null, expireAt),
            TradeStatus.Pending);
        if (outcome == CreateOutcome.Created)
        {
            orders.Add(trade.TradeNo, new WeChatPayOrder(order.AppId, tradeType, "wx" + trade.TradeNo, order.PayerOpenId ?? SimulatedOpenId, order.Attach));
        }
        // Same out_trade_no with other content, or a trade of another protocol under the same merchant id.
        if (outcome == CreateOutcome.Conflict || trade.Protocol != SimulatorProtocol.WeChatPay || !orders.TryGet(trade.TradeNo, out var known))
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", "201 商户订单号重复: out_trade_no was used with different content."),
                "INVALID_REQUEST", order.OutTradeNo, order.Total, "CNY", trade.TradeNo);
            return;
        }
        if (call.Behaviour.TimeoutAfterCharge && trade.Status == TradeStatus.Pending)
        {
            (_, trade) = operations.Pay(trade.TradeNo);
        }

        if (trade.Status == TradeStatus.Pending || call.Behaviour.TimeoutAfterCharge)
        {
            await call.ReplyAsync(200, Created(trade, known, context.Request), WeChatPayViews.TradeState(trade), trade);
        }
        else if (trade.Status == TradeStatus.Succeeded)
        {
            await call.ReplyAsync(400, new ErrorBody("ORDERPAID", "该订单已支付"), "ORDERPAID", trade);
        }
        else
        {
            await call.ReplyAsync(400, new ErrorBody("ORDER_CLOSED", "订单已关闭"), "ORDER_CLOSED", trade);
        }
    }

    public async Task QueryAsync(HttpContext context, string? outTradeNo, string? transactionId)
    {
        if (await calls.BeginAsync(context, RecordKind.Query, outTradeNo) is not ({ } call, { } merchant))
        {
            return;
        }
        if (context.Request.Query["mchid"].ToString() != merchant.MchId)
        {
            await call.ReplyAsync(400, new ErrorBody("PARAM_ERROR", "The mchid query parameter must be the signing merchant."), "PARAM_ERROR", outTradeNo);
            return;
        }
        // By transaction_id the behaviour and the records still go by the order's out_trade_no.
        outTradeNo ??= store.FindByTradeNo(transactionId!) is { Protocol: SimulatorProtocol.WeChatPay } byId && byId.MerchantId == merchant.MchId ? byId.OutTradeNo : null;
        call.Behaviour = behaviours.Resolve(outTradeNo, SimulatorOperation.Query);
        if (!await call.ApplyDelayAndFailAsync(outTradeNo, null, null))
        {
            return;
        }
        var trade = outTradeNo is null ? null : store.Find(merchant.MchId, outTradeNo);
        if (trade is not { Protocol: SimulatorProtocol.WeChatPay } || !orders.TryGet(trade.TradeNo, out var order))
        {
            await call.ReplyAsync(404, new ErrorBody("ORDER_NOT_EXIST", "订单不存在"), "ORDER_NOT_EXIST", outTradeNo);
            return;
        }
        var state = WeChatPayViews.TradeState(trade, call.Behaviour.TradeState);
        await call.ReplyAsync(200, WeChatPayViews.Transaction(trade, order, state), state, trade);
    }

    public async Task CloseAsync(HttpContext context, string outTradeNo)
    {
        if (await calls.BeginAsync(context, RecordKind.Close, outTradeNo) is not ({ } call, { } merchant))
        {
            return;
        }
        if (MchIdOf(call.Body) != merchant.MchId)
        {
            await call.ReplyAsync(400, new ErrorBody("PARAM_ERROR", "The body must be {\"mchid\":…} of the signing merchant."), "PARAM_ERROR", outTradeNo);
            return;
        }
        call.Behaviour = behaviours.Resolve(outTradeNo, SimulatorOperation.Close);
        if (!await call.ApplyDelayAndFailAsync(outTradeNo, null, null))
        {
            return;
        }
        var trade = store.Find(merchant.MchId, outTradeNo);
        if (trade is not { Protocol: SimulatorProtocol.WeChatPay })
        {
            await call.ReplyAsync(404, new ErrorBody("ORDER_NOT_EXIST", "订单不存在"), "ORDER_NOT_EXIST", outTradeNo);
            return;
        }
        var (outcome, closed) = store.Close(trade.TradeNo);
        if (outcome == CloseOutcome.AlreadyPaid)
        {
            await call.ReplyAsync(400, new ErrorBody("ORDERPAID", "该订单已支付"), "ORDERPAID", closed);
            return;
        }
        await call.ReplyAsync(204, WeChatPayResponder.NoContent, WeChatPayTradeState.Closed, closed);
    }

    public async Task CertificatesAsync(HttpContext context)
    {
        if (await calls.BeginAsync(context, WeChatPayRecordKind.Certificates, null) is not ({ } call, { } merchant))
        {
            return;
        }
        call.Behaviour = behaviours.Resolve(null, WeChatPayOperation.Certificates);
        if (!await call.ApplyDelayAndFailAsync(null, null, null))
        {
            return;
        }
        var served = platform.Served;
        var data = new JsonArray();
        foreach (var certificate in served)
        {
            var nonce = WeChatPayCrypto.Nonce(12);
            data.Add(new JsonObject
            {
                ["serial_no"] = certificate.SerialNo,
                ["effective_time"] = WeChatPayCrypto.Rfc3339(certificate.NotBefore),
                ["expire_time"] = WeChatPayCrypto.Rfc3339(certificate.NotAfter),
                ["encrypt_certificate"] = new JsonObject
                {
                    ["algorithm"] = WeChatPayCrypto.AeadAlgorithm,
                    ["associated_data"] = "certificate",
                    ["ciphertext"] = WeChatPayCrypto.Encrypt(merchant.ApiV3Key, nonce, "certificate", System.Text.Encoding.UTF8.GetBytes(certificate.CertificatePem)),
                    ["nonce"] = nonce,
                },
            });
        }
        await call.ReplyAsync(200, new JsonObject { ["data"] = data }, string.Join(",", served.Select(c => c.SerialNo)), outTradeNo: null);
    }

    private static JsonObject Created(SimulatorTrade trade, WeChatPayOrder order, HttpRequest request)
    {
        var cashier = WeChatPayModule.Cashier.PageUrl(request, trade.TradeNo);
        return order.TradeType switch
        {
            // Real code_url is weixin://wxpay/bizpayurl?pr=…, which only the WeChat app opens; the cashier page can be paid from a browser.
            "NATIVE" => new JsonObject { ["code_url"] = cashier },
            // The adapter appends &redirect_url=…, so the URL carries a query like WeChat's does.
            "H5" => new JsonObject { ["h5_url"] = $"{cashier}?prepay_id={Uri.EscapeDataString(order.PrepayId)}" },
            _ => new JsonObject { ["prepay_id"] = order.PrepayId },
        };
    }

    private static string? MchIdOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("mchid", out var mchId)
                && mchId.ValueKind == JsonValueKind.String ? mchId.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
