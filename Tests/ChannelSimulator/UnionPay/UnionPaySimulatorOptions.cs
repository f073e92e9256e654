namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>Settings of the simulator's UnionPay ACP 5.1.0 side (<see cref="SimulatorOptions.UnionPay"/>).</summary>
public sealed class UnionPaySimulatorOptions
{
    /// <summary>
    /// Merchants known from the start: merId → the merchant's signing certificate (PEM or base64 DER), the one its
    /// <c>certId</c> names and its request signatures are checked with. More can be added at run time.
    /// </summary>
    public Dictionary<string, string> Merchants { get; } = new(StringComparer.Ordinal);

    /// <summary>The CN of UnionPay's (simulated) signing certificate; the default names China UnionPay like the real one.</summary>
    public string SigningCertificateCn { get; set; } = UnionPayCertificateAuthority.UnionPaySigningCn;

    /// <summary>How long a consume waits for the payer when the request has no payTimeout.</summary>
    public TimeSpan DefaultPayTimeout { get; set; } = TimeSpan.FromHours(2);
}
