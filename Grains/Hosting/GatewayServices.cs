using PayGateway.Reconciliation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using PayGateway.Caching;
using PayGateway.Callbacks;
using PayGateway.Channels;
using PayGateway.Notifications;
using PayGateway.Supervision;
using PayGateway.Channels.Alipay;
using PayGateway.Channels.Mock;
using PayGateway.Channels.UnionPay;
using PayGateway.Channels.WeChatPay;
using PayGateway.Ids;
using PayGateway.Merchants;
using PayGateway.Security;

namespace PayGateway.Hosting;

/// <summary>Registers what grains need on a silo. One place, used by the silo host and by the test cluster.</summary>
public static class GatewayServices
{
    public static IServiceCollection AddGatewayGrainServices(this IServiceCollection services, IConfiguration configuration, string connectionString)
    {
        services.AddOptions<GatewayOptions>()
            .Bind(configuration.GetSection(GatewayOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => TryParseKey(o.MasterKey), "Gateway:MasterKey must be base64 of exactly 32 bytes.")
            .Validate(o => Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "Gateway:PublicBaseUrl must be an absolute URL.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<ChannelRegistry>();
        services.AddSingleton<ChannelAccountOpener>();
        services.AddSingleton<ChannelCaller>();
        services.AddSingleton<MerchantAppCache>();
        services.AddSingleton<ChannelRouter>();
        services.AddSingleton<SiloCacheInvalidator>();
        services.AddSingleton<IIdNodeStore>(_ => new MySqlIdNodeStore(connectionString));
        services.AddSingleton<OrderIdGenerator>();
        services.AddHostedService<OrderIdLeaseKeeper>();
        services.AddOptions<ReconciliationOptions>().Bind(configuration.GetSection(ReconciliationOptions.SectionName));
        services.AddOptions<RecurringOptions>().Bind(configuration.GetSection(RecurringOptions.SectionName))
            .Validate(o => o.AttemptsPerPeriod > 0 && o.DeductionExpireSeconds > 0 && o.DeductionTimeOfDay >= TimeSpan.Zero && o.DeductionTimeOfDay < TimeSpan.FromDays(1),
                "Gateway:Recurring needs AttemptsPerPeriod and DeductionExpireSeconds above 0 and a DeductionTimeOfDay within a day.")
            .ValidateOnStart();
        services.AddOptions<SupervisionOptions>().Bind(configuration.GetSection(SupervisionOptions.SectionName))
            .PostConfigure(o => o.CheckDelays = o.CheckDelays.Count > 0 ? o.CheckDelays : [.. SupervisionOptions.DefaultCheckDelays])
            .Validate(o => o.Shards > 0 && o.BatchSize > 0 && o.Parallelism > 0, "Gateway:Supervision needs Shards, BatchSize and Parallelism above 0.")
            .ValidateOnStart();
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.SectionName))
            .PostConfigure(o => o.RetryDelays = o.RetryDelays.Count > 0 ? o.RetryDelays : [.. NotificationOptions.DefaultRetryDelays])
            .Validate(o => o.Jitter is >= 0 and < 1, "Gateway:Notifications:Jitter must be in [0, 1).")
            .ValidateOnStart();
        services.AddSingleton(new DueOrders(connectionString));
        services.AddSingleton(new ReconciliationStore(connectionString));
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ReviewLog>(sp, connectionString));
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<NotificationOutbox>();
        // No redirects: HttpClient would follow a 301/302 as a GET, the merchant would never see the POST, and the
        // GET's 200 would count as a delivery. A 3xx is a failed attempt, retried on the schedule like any other.
        services.AddHttpClient(WebhookSender.HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<NotificationOptions>>().Value.AttemptTimeout + TimeSpan.FromSeconds(1))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddPaymentChannel<MockChannel>("mock");
        services.AddPaymentChannel<AlipayChannel>("alipay");
        services.AddPaymentChannel<WeChatPayChannel>("wechatpay");
        services.AddPaymentChannel<UnionPayChannel>(UnionPayChannel.ChannelName);
        return services;
    }

    /// <summary>
    /// Registers a channel adapter and its HTTP client. The client gets a timeout and no retries: a retried
    /// payment call whose first attempt reached the channel must be a decision of the grain, not of a handler. Nor
    /// does it follow redirects: a followed 302 turns the signed POST into a GET whose answer means nothing.
    /// </summary>
    public static IServiceCollection AddPaymentChannel<TChannel>(this IServiceCollection services, string name)
        where TChannel : class, IPaymentChannel
    {
        services.AddTransient<ChannelTimeoutHandler>();
        services.AddHttpClient($"channel.{name}")
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddHttpMessageHandler<ChannelTimeoutHandler>()
            .AddResilienceHandler("timeout", (pipeline, context) =>
            {
                var timeout = context.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value.ChannelTimeout;
                pipeline.AddTimeout(timeout);
            });
        services.AddSingleton<IPaymentChannel, TChannel>();
        return services;
    }

    private static bool TryParseKey(string base64)
    {
        try
        {
            return SecretProtector.ParseKey(base64).Length == 32;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
