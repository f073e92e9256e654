using PayGateway.ChannelSimulator.Alipay;
using PayGateway.ChannelSimulator.UnionPay;
using PayGateway.ChannelSimulator.WeChatPay;

namespace PayGateway.ChannelSimulator;

/// <summary>Settings of one simulator instance.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Merchants known from the start: merchant_id → hmac_key (raw string). More can be added at run time.</summary>
    public Dictionary<string, string> Merchants { get; } = new(StringComparer.Ordinal);

    /// <summary>Clock for timestamps, signatures and expiry. Delays and callback retries always use real time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Pauses before re-sending an unacknowledged callback; its length is the number of retries.</summary>
    public IReadOnlyList<TimeSpan> CallbackRetryDelays { get; set; } =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];

    /// <summary>How long one callback delivery attempt may take.</summary>
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The Alipay side: merchant apps and their public keys, the platform key, seller and buyer ids.</summary>
    public AlipaySimulatorOptions Alipay { get; } = new();

    /// <summary>The WeChat Pay v3 side: merchants and platform-key settings (docs/channels/wechatpay-simulator.md).</summary>
    public WeChatPaySimulatorOptions WeChatPay { get; } = new();

    /// <summary>The UnionPay ACP 5.1.0 side: merchants and their signing certificates (docs/channels/unionpay.md).</summary>
    public UnionPaySimulatorOptions UnionPay { get; } = new();

    /// <summary>Address <see cref="SimulatorHost.StartAsync(SimulatorOptions?, CancellationToken)"/> binds to; port 0 picks a free one.</summary>
    public string Url { get; set; } = "http://127.0.0.1:0";
}
