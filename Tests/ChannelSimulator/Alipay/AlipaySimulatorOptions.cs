namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>Settings of the simulator's Alipay side (<see cref="SimulatorOptions.Alipay"/>).</summary>
public sealed class AlipaySimulatorOptions
{
    /// <summary>
    /// Merchant apps known from the start: app_id → the app's RSA public key (bare base64 SPKI or PKCS#1, or PEM), the
    /// key the simulator verifies request signatures with. More can be added at run time.
    /// </summary>
    public Dictionary<string, string> Apps { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The "Alipay platform" private key that signs responses, notifies and sync returns (PEM, or bare base64 PKCS#8 /
    /// PKCS#1). Null: a fresh 2048-bit key is generated at start. Its public key is
    /// <see cref="SimulatorHost.AlipayPublicKey"/>.
    /// </summary>
    public string? PlatformPrivateKey { get; set; }

    /// <summary>The merchant's Alipay partner id, sent as <c>seller_id</c>.</summary>
    public string SellerId { get; set; } = "2088101117955611";

    /// <summary>The simulated payer, sent as <c>buyer_id</c> / <c>buyer_user_id</c>.</summary>
    public string BuyerId { get; set; } = "2088102177846875";

    /// <summary>The simulated payer's masked login, sent as <c>buyer_logon_id</c>.</summary>
    public string BuyerLogonId { get; set; } = "159****5620";

    /// <summary>Requests whose <c>timestamp</c> is further than this from the simulator's clock are refused (isv.invalid-timestamp).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a trade may wait for the payer when the request gives neither time_expire nor timeout_express.</summary>
    public TimeSpan DefaultTradeExpiry { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// A 周期扣款 deduction is allowed from this many days before the planned date up to that date (Beijing dates).
    /// Alipay's answers have said 3 and 5 days; 5 is the later one.
    /// </summary>
    public int DeductionWindowDays { get; set; } = 5;
}
