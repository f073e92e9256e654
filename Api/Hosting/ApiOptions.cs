namespace PayGateway.Api.Hosting;

/// <summary>API host settings, bound from the <c>Api</c> section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>How far a merchant request's timestamp may be from the gateway's clock.</summary>
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Largest accepted merchant request body.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>PEM RSA private key the gateway signs responses to RSA apps with (a secret).</summary>
    public string ResponseSigningKeyPem { get; set; } = "";

    /// <summary>Other datacenters' API base URLs by datacenter code, for forwarding callbacks home.</summary>
    public Dictionary<string, string> Datacenters { get; set; } = [];

    /// <summary>How long a callback relayed to its home datacenter may take before it is answered 502 (not acknowledged).</summary>
    public TimeSpan DatacenterForwardTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Lower-case hex SHA-256 of each operator token. Tokens themselves are never configured.</summary>
    public List<string> OperatorTokenSha256 { get; set; } = [];

    public static bool IsSha256Hex(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);
}
