using PayGateway.ChannelSimulator.Alipay;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Bills;
using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.ChannelSimulator.UnionPay;
using PayGateway.ChannelSimulator.WeChatPay;

namespace PayGateway.ChannelSimulator;

/// <summary>Wires the simulator into a web application; shared by the standalone program and <see cref="SimulatorHost"/>.</summary>
public static class SimulatorApp
{
    /// <summary>
    /// Builds the application. Merchants come from <paramref name="options"/> and from configuration
    /// <c>Simulator:Merchants:&lt;merchant_id&gt;</c>; Alipay apps from <see cref="SimulatorOptions.Alipay"/> and
    /// <c>Simulator:Alipay:Apps:&lt;app_id&gt;</c>.
    /// </summary>
    public static WebApplication Build(WebApplicationBuilder builder, SimulatorOptions options)
    {
        foreach (var merchant in builder.Configuration.GetSection("Simulator:Merchants").GetChildren())
        {
            if (!string.IsNullOrEmpty(merchant.Value))
            {
                options.Merchants[merchant.Key] = merchant.Value;
            }
        }

        var services = builder.Services;
        services.ConfigureHttpJsonOptions(o => SimulatorJson.Configure(o.SerializerOptions));
        services.AddSingleton(options);
        services.AddSingleton(options.TimeProvider);
        services.AddSingleton(_ =>
        {
            var registry = new MerchantRegistry();
            foreach (var (id, key) in options.Merchants)
            {
                registry.Set(id, key);
            }
            return registry;
        });
        services.AddSingleton<TradeStore>();
        services.AddSingleton<BehaviourRegistry>();
        services.AddSingleton<RecordLog>();
        services.AddSingleton<MockCallbackFormat>();
        services.AddSingleton<ICallbackFormat>(sp => sp.GetRequiredService<MockCallbackFormat>());
        services.AddSingleton<CallbackSender>();
        services.AddSingleton<TradeOperations>();
        services.AddSingleton<RefundStore>();
        services.AddSingleton<TransferStore>();
        services.AddSingleton<FundsOperations>();
        services.AddSingleton<ContractStore>();
        services.AddSingleton<IResettableState>(sp => sp.GetRequiredService<ContractStore>());
        services.AddSingleton<ContractOperations>();
        services.AddSingleton(sp => new ContractControl(sp.GetRequiredService<ContractStore>(), sp.GetRequiredService<ContractOperations>()));
        services.AddSingleton<ContractApi>();
        services.AddSingleton<BillDrift>();
        services.AddSingleton<IResettableState>(sp => sp.GetRequiredService<BillDrift>());
        services.AddSingleton<SimulatorControl>();
        services.AddSingleton<MockApiGate>();
        services.AddSingleton<PaymentApi>();
        services.AddSingleton<RefundApi>();
        services.AddSingleton<TransferApi>();
        services.AddSingleton<StatementApi>();
        AlipaySimulator.AddServices(services, builder.Configuration, options.Alipay);
        WeChatPayModule.AddServices(services, builder.Configuration, options);
        UnionPaySimulator.AddServices(services, builder.Configuration, options.UnionPay);

        var app = builder.Build();
        PaymentApi.Map(app);
        RefundApi.Map(app);
        TransferApi.Map(app);
        StatementApi.Map(app);
        ContractApi.Map(app);
        ContractSignPage.Map(app);
        ContractControlEndpoints.Map(app);
        CashierEndpoints.Map(app, CashierSite.Mock);
        ControlEndpoints.Map(app);
        AlipaySimulator.Map(app);
        WeChatPayModule.Map(app);
        UnionPaySimulator.Map(app);
        return app;
    }
}
