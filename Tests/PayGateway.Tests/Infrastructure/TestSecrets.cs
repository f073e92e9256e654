using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Tests.Infrastructure;

/// <summary>Keys and tokens generated per test run. Nothing here is a real credential.</summary>
public sealed class TestSecrets
{
    public string MasterKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public string OperatorToken { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    public string OperatorTokenSha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(OperatorToken)));
    public RSA GatewayKey { get; } = RSA.Create(2048);
    public string GatewayKeyPem => GatewayKey.ExportPkcs8PrivateKeyPem();
}
