using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>Wires the Alipay side into the simulator application (see docs/channels/alipay-simulator.md).</summary>
internal static class AlipaySimulator
{
    /// <summary>
    /// Reads <c>Simulator:Alipay:Apps:&lt;app_id&gt;</c>, <c>Simulator:Alipay:PlatformPrivateKey</c> and
    /// <c>Simulator:Alipay:SellerId</c> into <paramref name="options"/> and registers the services.
    /// </summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration, AlipaySimulatorOptions options)
    {
        var section = configuration.GetSection("Simulator:Alipay");
        foreach (var app in section.GetSection("Apps").GetChildren())
        {
            if (!string.IsNullOrEmpty(app.Value))
            {
                options.Apps[app.Key] = app.Value;
            }
        }
        options.PlatformPrivateKey = section["PlatformPrivateKey"] is { Length: > 0 } key ? key : options.PlatformPrivateKey;
        options.SellerId = section["SellerId"] is { Length: > 0 } seller ? seller : options.SellerId;
        options.DeductionWindowDays = section.GetValue("DeductionWindowDays", options.DeductionWindowDays);

        services.AddSingleton(options);
        services.AddSingleton<AlipayPlatformKey>();
        services.AddSingleton<AlipayAppRegistry>();
        services.AddSingleton<AlipayRequestReader>();
        services.AddSingleton<ICallbackFormat, AlipayNotifyFormat>();
        services.AddSingleton<AlipayRefundLedger>();
        services.AddSingleton<AlipayTransferLedger>();
        services.AddSingleton<IResettableState>(s => s.GetRequiredService<AlipayRefundLedger>());
        services.AddSingleton<IResettableState>(s => s.GetRequiredService<AlipayTransferLedger>());
        services.AddSingleton<AlipayAgreementStore>();
        services.AddSingleton<IResettableState>(s => s.GetRequiredService<AlipayAgreementStore>());
        services.AddSingleton<AlipayAgreementNotifier>();
        services.AddSingleton<AlipayAgreementPayer>();
        services.AddSingleton<AlipayBillDownloads>();
        services.AddSingleton<IResettableState>(s => s.GetRequiredService<AlipayBillDownloads>());
        services.AddSingleton<AlipayGateway>();
        services.AddSingleton<AlipayControl>();
    }

    public static void Map(WebApplication app)
    {
        AlipayGateway.Map(app);
        AlipayBillDownloads.Map(app);
        CashierEndpoints.Map(app, AlipayCashier.Site);
        AlipayAgreementPage.Map(app);
        AlipayControlEndpoints.Map(app);
    }
}
