using System.Text.Json.Serialization;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>Adds the WeChat Pay v3 endpoints to the simulator: services, API routes and control routes.</summary>
internal static class WeChatPayModule
{
    /// <summary>Where code_url and h5_url point: the shared cashier page, showing WeChat Pay trades only.</summary>
    public static readonly CashierSite Cashier = new(SimulatorProtocol.WeChatPay, "/wechatpay/cashier", "WeChat Pay cashier (simulator)", static (_, _) => null);

    /// <summary>Body of <c>PUT /wechatpay/control/merchants/{mchid}</c>.</summary>
    public sealed record MerchantRegistration(
        string SerialNo,
        string PublicKey,
        [property: JsonPropertyName("apiv3_key")] string ApiV3Key,
        [property: JsonPropertyName("api_v2_key")] string? ApiV2Key = null);

    /// <summary>Body of <c>PUT /wechatpay/control/payees/{openid}</c>: the payee's real name.</summary>
    public sealed record PayeeRegistration(string Name);

    /// <summary>
    /// Registers the services. Merchants also come from configuration
    /// <c>Simulator:WeChatPay:Merchants:&lt;mchid&gt;:{SerialNo, PublicKey | PublicKeyFile, ApiV3Key, ApiV2Key}</c>.
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration, SimulatorOptions options)
    {
        foreach (var merchant in configuration.GetSection("Simulator:WeChatPay:Merchants").GetChildren())
        {
            options.WeChatPay.Merchants[merchant.Key] = new WeChatPayMerchantOptions
            {
                SerialNo = merchant["SerialNo"] ?? "",
                PublicKey = merchant["PublicKey"],
                PublicKeyFile = merchant["PublicKeyFile"],
                ApiV3Key = merchant["ApiV3Key"] ?? "",
                ApiV2Key = merchant["ApiV2Key"],
            };
        }
        services.AddSingleton<WeChatPayMerchants>();
        services.AddSingleton<WeChatPayPlatformKeys>();
        services.AddSingleton<WeChatPayOrders>();
        services.AddSingleton<WeChatPayResponder>();
        services.AddSingleton<WeChatPayCalls>();
        services.AddSingleton<WeChatPayApi>();
        services.AddSingleton<WeChatPayNotifier>();
        services.AddSingleton<ICallbackFormat>(sp => sp.GetRequiredService<WeChatPayNotifier>());
        services.AddSingleton<WeChatPayDeferred>();
        services.AddSingleton<WeChatPayRefundStore>();
        services.AddSingleton<IResettableState>(sp => sp.GetRequiredService<WeChatPayRefundStore>());
        services.AddSingleton<WeChatPayRefundNotifier>();
        services.AddSingleton<WeChatPayRefundApi>();
        services.AddSingleton<WeChatPayPayees>();
        services.AddSingleton<WeChatPayTransferStore>();
        services.AddSingleton<IResettableState>(sp => sp.GetRequiredService<WeChatPayTransferStore>());
        services.AddSingleton<WeChatPayTransferApi>();
        services.AddSingleton<WeChatPayBillBuilder>();
        services.AddSingleton<WeChatPayBillLinks>();
        services.AddSingleton<IResettableState>(sp => sp.GetRequiredService<WeChatPayBillLinks>());
        services.AddSingleton<WeChatPayBillApi>();
        services.AddSingleton<WeChatPayV2Calls>();
        services.AddSingleton<WeChatPayPapayStore>();
        services.AddSingleton<IResettableState>(sp => sp.GetRequiredService<WeChatPayPapayStore>());
        services.AddSingleton<WeChatPayPapayNotifier>();
        services.AddSingleton<WeChatPayPapayApi>();
        services.AddSingleton(sp => new WeChatPaySimulator(
            sp.GetRequiredService<WeChatPayMerchants>(),
            sp.GetRequiredService<WeChatPayPlatformKeys>(),
            sp.GetRequiredService<WeChatPayOrders>(),
            sp.GetRequiredService<TradeStore>(),
            sp.GetRequiredService<WeChatPayRefundStore>(),
            sp.GetRequiredService<WeChatPayTransferStore>(),
            sp.GetRequiredService<WeChatPayPayees>(),
            sp.GetRequiredService<WeChatPayPapayStore>(),
            sp.GetRequiredService<WeChatPayPapayApi>()));
    }

    public static void Map(WebApplication app)
    {
        // Generate the platform key now rather than on the first request, and fail at start on bad merchant config.
        app.Services.GetRequiredService<WeChatPayPlatformKeys>();
        app.Services.GetRequiredService<WeChatPayMerchants>();
        WeChatPayApi.Map(app);
        WeChatPayRefundApi.Map(app);
        WeChatPayTransferApi.Map(app);
        WeChatPayBillApi.Map(app);
        WeChatPayPapayApi.Map(app);
        CashierEndpoints.Map(app, Cashier);

        var control = ControlEndpoints.MapLoopbackGroup(app, "/wechatpay/control");

        control.MapPut("/merchants/{mchId}", (string mchId, MerchantRegistration body, WeChatPaySimulator wechat) =>
        {
            try
            {
                wechat.AddMerchant(mchId, body.SerialNo, body.PublicKey, body.ApiV3Key, body.ApiV2Key);
                return Results.NoContent();
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { code = "INVALID_MERCHANT", message = e.Message });
            }
        });
        control.MapGet("/platform-certificates", (WeChatPaySimulator wechat) => wechat.PlatformCertificates);
        control.MapPost("/platform-certificates/rotate", (WeChatPaySimulator wechat) => wechat.RotatePlatformCertificate());
        control.MapDelete("/platform-certificates/{serialNo}", (string serialNo, WeChatPaySimulator wechat) =>
            wechat.RetirePlatformCertificate(serialNo) ? Results.NoContent() : Results.Conflict());
        control.MapGet("/orders/{outTradeNo}", (string outTradeNo, string? mchid, WeChatPaySimulator wechat) =>
            wechat.FindOrder(outTradeNo, mchid) is { } order ? Results.Ok(order) : Results.NotFound());
        control.MapGet("/refunds/{outRefundNo}", (string outRefundNo, string mchid, WeChatPaySimulator wechat) =>
            wechat.FindRefund(mchid, outRefundNo) is { } refund ? Results.Ok(refund) : Results.NotFound());
        control.MapGet("/transfers/{outBatchNo}", (string outBatchNo, string mchid, WeChatPaySimulator wechat) =>
            wechat.FindTransfer(mchid, outBatchNo) is { } transfer ? Results.Ok(transfer) : Results.NotFound());
        // Papay: the payer signs or ends a contract (what the payer does in WeChat), and the contract as the simulator holds it.
        control.MapPost("/papay/contracts/{contractCode}/sign", (string contractCode, string mch_id, string plan_id, WeChatPaySimulator wechat) =>
            wechat.SignContract(mch_id, plan_id, contractCode) is { } signed ? Results.Ok(signed) : Results.Conflict());
        control.MapPost("/papay/contracts/{contractCode}/terminate", (string contractCode, string mch_id, string plan_id, WeChatPaySimulator wechat) =>
            wechat.TerminateContract(mch_id, plan_id, contractCode) is { } ended ? Results.Ok(ended) : Results.Conflict());
        control.MapGet("/papay/contracts/{contractCode}", (string contractCode, string mch_id, string plan_id, WeChatPaySimulator wechat) =>
            wechat.FindContract(mch_id, plan_id, contractCode) is { } contract ? Results.Ok(contract) : Results.NotFound());
        control.MapPut("/payees/{openid}", (string openid, PayeeRegistration body, WeChatPaySimulator wechat) =>
        {
            wechat.SetPayeeName(openid, body.Name);
            return Results.NoContent();
        });
    }
}
