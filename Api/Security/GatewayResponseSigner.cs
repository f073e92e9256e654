using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PayGateway.Api.Hosting;

namespace PayGateway.Api.Security;

/// <summary>The gateway's own RSA key: signs responses to RSA apps; its public half is published for merchants.</summary>
public sealed class GatewayResponseSigner : IDisposable
{
    private readonly RSA _key = RSA.Create();

    public GatewayResponseSigner(IOptions<ApiOptions> options)
    {
        try
        {
            _key.ImportFromPem(options.Value.ResponseSigningKeyPem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new InvalidOperationException("Api:ResponseSigningKeyPem must be a PEM RSA private key.");
        }
        if (_key.KeySize < 2048)
        {
            throw new InvalidOperationException("Api:ResponseSigningKeyPem must be at least 2048 bits.");
        }
        PublicKeyPem = _key.ExportSubjectPublicKeyInfoPem();
    }

    public string PublicKeyPem { get; }

    public string Sign(byte[] message) => Convert.ToBase64String(_key.SignData(message, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public void Dispose() => _key.Dispose();
}
