using System.Security.Cryptography;
using System.Text;

namespace PayGateway.Channels.Alipay;

/// <summary>
/// The Alipay parameter-set signature: <c>k=v&amp;…</c> over the sorted, non-empty parameters, RSA PKCS#1 v1.5, base64.
/// </summary>
public static class AlipaySigner
{
    public const string SignParameter = "sign";
    public const string SignTypeParameter = "sign_type";

    /// <summary>
    /// Builds the text that is signed. <paramref name="includeSignType"/> is true for requests (and the rare
    /// open-platform messages signed that way) and false for trade notifies and sync returns, which Alipay signs
    /// without <c>sign_type</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A key occurs twice: the signed text would be ambiguous.</exception>
    public static string BuildSignContent(IEnumerable<KeyValuePair<string, string?>> parameters, bool includeSignType) =>
        SortedFieldContent.Build(parameters, key => key == SignParameter || (!includeSignType && key == SignTypeParameter));

    /// <summary>Signs <paramref name="content"/> (UTF-8) and returns the base64 signature.</summary>
    public static string Sign(string content, RSA privateKey, AlipaySignType signType = AlipaySignType.Rsa2)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(privateKey);
        var signature = privateKey.SignData(Encoding.UTF8.GetBytes(content), signType.HashAlgorithm(), RSASignaturePadding.Pkcs1);
        return Convert.ToBase64String(signature);
    }

    /// <summary>Signs a request's parameters (everything but <c>sign</c>, <c>sign_type</c> included).</summary>
    public static string SignParameters(IEnumerable<KeyValuePair<string, string?>> parameters, RSA privateKey, AlipaySignType signType = AlipaySignType.Rsa2) =>
        Sign(BuildSignContent(parameters, includeSignType: true), privateKey, signType);

    /// <summary>
    /// Checks a base64 signature over <paramref name="content"/> (UTF-8). Returns false rather than throwing for a
    /// malformed signature, because a signature arrives from the network and is attacker-controlled.
    /// </summary>
    public static bool Verify(string content, string? signatureBase64, RSA publicKey, AlipaySignType signType = AlipaySignType.Rsa2)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(publicKey);
        return Verify(Encoding.UTF8.GetBytes(content), signatureBase64, publicKey, signType);
    }

    /// <summary>Checks a base64 signature over exact bytes (used for response text sliced from the raw body).</summary>
    public static bool Verify(ReadOnlySpan<byte> content, string? signatureBase64, RSA publicKey, AlipaySignType signType = AlipaySignType.Rsa2)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (string.IsNullOrEmpty(signatureBase64))
        {
            return false;
        }

        var signature = new byte[(signatureBase64.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(signatureBase64, signature, out var written))
        {
            return false;
        }

        try
        {
            return publicKey.VerifyData(content, signature.AsSpan(0, written), signType.HashAlgorithm(), RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
