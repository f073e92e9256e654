using PayGateway.ChannelSimulator.Callbacks;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// The UnionPay ACP 5.1.0 side of the simulator, for tests: the generated CA chain the gateway account must trust,
/// and merchant registration. Pay a consume through its cashier page or <see cref="SimulatorHost.Pay"/>.
/// </summary>
public sealed class UnionPaySimulator
{
    /// <summary>Where frontTransReq sends the payer's browser; shows UnionPay trades only.</summary>
    internal static readonly CashierSite Cashier = new(SimulatorProtocol.UnionPay, "/unionpay/cashier", "UnionPay cashier (simulator)", static (_, _) => null);

    private readonly UnionPayKeys _keys;

    internal UnionPaySimulator(UnionPayKeys keys) => _keys = keys;

    /// <summary>The root the gateway account trusts (<c>root_cert</c>).</summary>
    public string RootCertificatePem => _keys.Authority.RootPem;

    /// <summary>The middle certificate (<c>middle_cert</c>).</summary>
    public string MiddleCertificatePem => _keys.Authority.MiddlePem;

    /// <summary>UnionPay's signing certificate as sent in signPubKeyCert (CRLF PEM).</summary>
    public string SignPubKeyCert => _keys.SignPubKeyCert;

    /// <summary>The CA, to issue other certificates from the same root and middle (a forger's, a test one).</summary>
    public UnionPayCertificateAuthority Authority => _keys.Authority;

    /// <summary>Registers (or replaces) a merchant and the signing certificate its requests are checked with.</summary>
    public void AddMerchant(string merId, string certificate) => _keys.AddMerchant(merId, certificate);

    internal static void AddServices(IServiceCollection services, IConfiguration configuration, UnionPaySimulatorOptions options)
    {
        foreach (var merchant in configuration.GetSection("Simulator:UnionPay:Merchants").GetChildren())
        {
            if (!string.IsNullOrEmpty(merchant.Value))
            {
                options.Merchants[merchant.Key] = merchant.Value;
            }
        }
        services.AddSingleton(options);
        services.AddSingleton(sp => new UnionPayKeys(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<UnionPayOrders>();
        services.AddSingleton<IResettableState>(sp => sp.GetRequiredService<UnionPayOrders>());
        services.AddSingleton<UnionPayRequestReader>();
        services.AddSingleton<UnionPayNotifier>();
        services.AddSingleton<ICallbackFormat>(sp => sp.GetRequiredService<UnionPayNotifier>());
        services.AddSingleton<UnionPayGateway>();
        services.AddSingleton<UnionPayFileTransfer>();
        services.AddSingleton<UnionPayRefunds>();
        services.AddSingleton<IResettableState>(sp => sp.GetRequiredService<UnionPayRefunds>());
        services.AddSingleton<UnionPayRefundApi>();
        services.AddSingleton(sp => new UnionPaySimulator(sp.GetRequiredService<UnionPayKeys>()));
    }

    internal static void Map(WebApplication app)
    {
        // Generate the CA at start, not on the first request, and fail at start on a bad merchant certificate.
        app.Services.GetRequiredService<UnionPayKeys>();
        UnionPayGateway.Map(app);
        UnionPayFileTransfer.Map(app);
        UnionPayRefundApi.Map(app);
        CashierEndpoints.Map(app, Cashier);

        var control = ControlEndpoints.MapLoopbackGroup(app, "/unionpay/control");
        control.MapGet("/certificates", (UnionPaySimulator unionPay) => new
        {
            root = unionPay.RootCertificatePem,
            middle = unionPay.MiddleCertificatePem,
            sign_pub_key_cert = unionPay.SignPubKeyCert,
        });
        control.MapPut("/merchants/{merId}", async (string merId, HttpRequest request, UnionPaySimulator unionPay) =>
        {
            using var reader = new StreamReader(request.Body);
            try
            {
                unionPay.AddMerchant(merId, await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
                return Results.NoContent();
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { error = e.Message });
            }
        });
    }
}
