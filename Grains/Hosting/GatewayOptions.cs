using System.ComponentModel.DataAnnotations;

namespace PayGateway.Hosting;

/// <summary>Settings every silo needs. Bound from the <c>Gateway</c> configuration section.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Two characters [0-9A-Z]; carried in every order id so callbacks can find the order's home.</summary>
    [Required, RegularExpression("^[0-9A-Z]{2}$", ErrorMessage = "Gateway:DatacenterCode must be two characters of [0-9A-Z].")]
    public string DatacenterCode { get; set; } = "";

    /// <summary>Base64 of 32 random bytes. Encrypts merchant and channel secrets at rest.</summary>
    [Required(ErrorMessage = "Gateway:MasterKey is required (base64 of 32 random bytes).")]
    public string MasterKey { get; set; } = "";

    /// <summary>The public address channels call back to, e.g. https://pay.example.com.</summary>
    [Required(ErrorMessage = "Gateway:PublicBaseUrl is required (the address channels call back to).")]
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>How long a channel call may take before its outcome is recorded as unknown.</summary>
    public TimeSpan ChannelTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
