namespace PayGateway.Channels.Alipay;

/// <summary>The <c>sign_type</c> values of the Alipay OpenAPI gateway.</summary>
public enum AlipaySignType
{
    /// <summary><c>RSA2</c>: SHA256withRSA (PKCS#1 v1.5). The only type new integrations should use.</summary>
    Rsa2,

    /// <summary><c>RSA</c>: legacy SHA1withRSA (PKCS#1 v1.5). Kept so old signatures can still be checked.</summary>
    Rsa,
}

public static class AlipaySignTypes
{
    public static string ToWireValue(this AlipaySignType signType) => signType switch
    {
        AlipaySignType.Rsa2 => "RSA2",
        AlipaySignType.Rsa => "RSA",
        _ => throw new ArgumentOutOfRangeException(nameof(signType), signType, null),
    };

    public static bool TryParse(string? wireValue, out AlipaySignType signType)
    {
        // Alipay compares sign_type case-sensitively; accepting "rsa2" here would only hide a misconfiguration.
        switch (wireValue)
        {
            case "RSA2":
                signType = AlipaySignType.Rsa2;
                return true;
            case "RSA":
                signType = AlipaySignType.Rsa;
                return true;
            default:
                signType = default;
                return false;
        }
    }

    internal static System.Security.Cryptography.HashAlgorithmName HashAlgorithm(this AlipaySignType signType) => signType switch
    {
        AlipaySignType.Rsa2 => System.Security.Cryptography.HashAlgorithmName.SHA256,
        AlipaySignType.Rsa => System.Security.Cryptography.HashAlgorithmName.SHA1,
        _ => throw new ArgumentOutOfRangeException(nameof(signType), signType, null),
    };
}
