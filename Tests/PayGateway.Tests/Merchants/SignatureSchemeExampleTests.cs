using System.Security.Cryptography;
using System.Text;
using PayGateway.Api.Merchants;

namespace PayGateway.Tests.Merchants;

/// <summary>
/// The merchant signature scheme against a worked example computed outside .NET, with openssl:
/// <code>
/// printf 'POST\n/v1/orders\ndemo_app\n1764151200\nabcdef0123456789\n{"out_trade_no":"A1","amount":100}\n' \
///   | openssl dgst -sha256 -hmac 'merchant-secret-for-the-worked-example' -binary | base64
/// printf '…same message…' | openssl dgst -sha256 -sign Vectors/alipay/keys/node-app-private-key.pem | base64 -w0
/// </code>
/// (The RSA key is a published test key from the shared vectors; see Vectors/README.md.)
/// </summary>
public sealed class SignatureSchemeExampleTests
{
    private const string Body = """{"out_trade_no":"A1","amount":100}""";
    private const string ExpectedHmac = "rYDpdFfsUyHqz+2U7+UmtdLoZ18xXGit8vQeJoWUwls=";
    private const string ExpectedRsa =
        "Mglnkkr7X+ySDrXWk4oToUjByfKF+VLgOjIKUlApM82n5sWbPqLMcemEZ80JPZkIgp6d1sDjhzCt09j6YxwG5iO01WKIxXAaicB07DOK03RZRDce0iTF4Q90rAAcXPgW1sn0CFnURq2TV//KTZkF/TiBr7ByHuL5YHfDUnkaro4AKsKi9dRQhNGfiz2JTViBHmhAWfrOC3fssrKSqkOk4GmSJ0AZkWPgG8dwWGjI/fn8e+VHlrO0k8t7rp9WYbNsB8/+gm6Bqw8MxQcYlj8IOfICyCf8bYuQIFOMdlom3XvIXb8AX4mL5MsKyvWDVTKDxuWM1fK2U0zMEUvJro6CKw==";

    private static byte[] Message() => SignedMessage.ForRequest("POST", "/v1/orders", "demo_app", 1764151200, "abcdef0123456789", Encoding.UTF8.GetBytes(Body));

    [Fact]
    public void RequestMessage_HasDocumentedLayout() =>
        Assert.Equal("POST\n/v1/orders\ndemo_app\n1764151200\nabcdef0123456789\n" + Body + "\n", Encoding.UTF8.GetString(Message()));

    [Fact]
    public void HmacScheme_MatchesOpensslExample() =>
        Assert.Equal(ExpectedHmac, Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes("merchant-secret-for-the-worked-example"), Message())));

    [Fact]
    public void RsaScheme_MatchesOpensslExample()
    {
        using var key = RSA.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "alipay", "keys", "node-app-private-key.pem")));

        Assert.Equal(ExpectedRsa, Convert.ToBase64String(key.SignData(Message(), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
        Assert.True(key.VerifyData(Message(), Convert.FromBase64String(ExpectedRsa), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void ResponseMessage_HasDocumentedLayout() =>
        Assert.Equal("1764151200\nnonce\n{}\n", Encoding.UTF8.GetString(SignedMessage.ForResponse(1764151200, "nonce", "{}"u8)));

    [Theory]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1764151200\",signature=\"x\"", true)]
    [InlineData("PAYGW-SHA256-RSA2048 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1764151200\",signature=\"x\"", true)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"short\",timestamp=\"1764151200\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",app_id=\"a2\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"-5\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",signature=\"x\"", false)]
    [InlineData("Bearer abc", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=a1,nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256  app_id=\"a1\" , nonce=\"abcdef0123456789\",\ttimestamp=\"1\",signature=\"x\" ", true)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\",", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\",extra=\"y\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 APP_ID=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id =\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a.1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\"y\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1234567890123\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\" 1\",signature=\"x\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"\"", false)]
    [InlineData("PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x", false)]
    [InlineData("PAYGW-HMAC-SHA256", false)]
    [InlineData("PAYGW-HMAC-SHA256 ", false)]
    [InlineData(" PAYGW-HMAC-SHA256 app_id=\"a1\",nonce=\"abcdef0123456789\",timestamp=\"1\",signature=\"x\"", false)]
    public void AuthorizationHeader_ParsesOnlyTheExactForm(string header, bool valid) =>
        Assert.Equal(valid, MerchantAuthorizationHeader.TryParse(header) is not null);

    [Fact]
    public void AuthorizationHeader_ParametersInAnyOrder_GiveTheirValues()
    {
        var signature = new string('s', 1024);
        var parsed = MerchantAuthorizationHeader.TryParse(
            $"PAYGW-SHA256-RSA2048 signature=\"{signature}\",timestamp=\"1764151200\",nonce=\"{new string('n', 64)}\",app_id=\"app-_9\"");

        Assert.Equal(new MerchantAuthorizationHeader(MerchantAuthScheme.Rsa, "app-_9", new string('n', 64), 1764151200, signature), parsed);
        Assert.Null(MerchantAuthorizationHeader.TryParse(
            $"PAYGW-SHA256-RSA2048 signature=\"{signature}s\",timestamp=\"1764151200\",nonce=\"abcdef0123456789\",app_id=\"a1\""));
        Assert.Null(MerchantAuthorizationHeader.TryParse(
            $"PAYGW-SHA256-RSA2048 signature=\"x\",timestamp=\"1764151200\",nonce=\"{new string('n', 65)}\",app_id=\"a1\""));
    }
}
