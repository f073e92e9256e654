namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>A merchant as WeChat Pay knows it: its API certificate serial, public key and APIv3 key.</summary>
public sealed class WeChatPayMerchantOptions
{
    /// <summary>Serial of the merchant API certificate, as the gateway sends it in <c>serial_no</c> (hex; case and leading zeros do not matter).</summary>
    public string SerialNo { get; set; } = "";

    /// <summary>PEM of the merchant's certificate or public key (<c>CERTIFICATE</c>, <c>PUBLIC KEY</c> or <c>RSA PUBLIC KEY</c>).</summary>
    public string? PublicKey { get; set; }

    /// <summary>Path of a file holding <see cref="PublicKey"/>, for configuration where multi-line PEM is awkward.</summary>
    public string? PublicKeyFile { get; set; }

    /// <summary>The 32-character APIv3 key: encrypts notification resources and the certificate download.</summary>
    public string ApiV3Key { get; set; } = "";

    /// <summary>The 32-character APIv2 key that signs papay (委托代扣) v2 messages; null when the merchant does no papay.</summary>
    public string? ApiV2Key { get; set; }
}

/// <summary>Settings of the WeChat Pay v3 part of the simulator.</summary>
public sealed class WeChatPaySimulatorOptions
{
    /// <summary>Merchants known from the start, by mchid. More can be added at run time.</summary>
    public Dictionary<string, WeChatPayMerchantOptions> Merchants { get; } = new(StringComparer.Ordinal);

    /// <summary>How far a request's Authorization timestamp may be from the simulator's clock (WeChat: 5 minutes).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Age of the timestamp signed under the <c>stale_timestamp</c> behaviour.</summary>
    public TimeSpan StaleTimestampAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Validity of each generated platform certificate, starting one day before it is made.</summary>
    public TimeSpan PlatformCertificateValidity { get; set; } = TimeSpan.FromDays(5 * 365);

    /// <summary>Expiry of an order sent without <c>time_expire</c> (WeChat's default is two hours).</summary>
    public TimeSpan DefaultOrderLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long an accepted refund stays <c>PROCESSING</c> before it ends (real time, like callback retries).</summary>
    public TimeSpan RefundProcessingTime { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an accepted transfer batch stays <c>PROCESSING</c> before its details end (real time).</summary>
    public TimeSpan TransferProcessingTime { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an accepted papay deduction (<c>/pay/pappayapply</c>) stays <c>ACCEPT</c> before it settles (real time).</summary>
    public TimeSpan PapayProcessingTime { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a bill's download_url works, in simulator time (WeChat: about 5 minutes; older docs say 30 s).</summary>
    public TimeSpan BillLinkLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
